package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/internal/pgtest"
	"github.com/shopstack/shopstack/server/mail"
	"github.com/shopstack/shopstack/server/migrations"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/seed"
	"github.com/shopstack/shopstack/server/store"
)

const (
	adminEmail    = "admin@shop.test"
	adminPassword = "admin-password-for-tests"
)

// testEnv is the real server on a real, migrated and seeded database.
type testEnv struct {
	srv   *Server
	store *store.Store
	logs  *syncBuffer
}

// syncBuffer collects the JSON log lines of a server.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// forEachBackend runs fn once on SQLite and once on PostgreSQL, each with a
// fresh database. PostgreSQL is not optional: if the harness cannot start
// it, the test fails.
func forEachBackend(t *testing.T, fn func(t *testing.T, e *testEnv), opts ...func(*Deps)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newEnv(t, "sqlite", opts...)) })
	t.Run("postgres", func(t *testing.T) { fn(t, newEnv(t, "postgres", opts...)) })
}

func TestMain(m *testing.M) { pgtest.Main(m) }

// prepare migrates and seeds a database and creates the admin.
func prepare(ctx context.Context, st *store.Store) error {
	if err := migrations.Run(ctx, st.DB()); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := seed.Demo(ctx, st); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if _, err := st.Services().Accounts.EnsureAdmin(ctx, adminEmail, adminPassword); err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	return nil
}

// newStore is a store as serve makes it, its order e-mails linking to the
// default public URL.
func newStore(db *bun.DB) *store.Store { return storeFor(db, "") }

// storeFor is a store whose order e-mails link to publicURL (Deps.PublicURL:
// "" is the default).
func storeFor(db *bun.DB, publicURL string) *store.Store {
	return store.New(db, store.Options{Payments: payment.NewTestProvider(), Password: fastPasswords,
		OrderMails: mail.OrderMails{PublicURL: publicURLOrDefault(publicURL)}})
}

// pgTemplate is migrated and seeded once per test binary; each test gets a copy.
const pgTemplate = "httpapi_seeded"

// seededServer is the shared PostgreSQL server with pgTemplate made.
func seededServer(t testing.TB) *pgtest.Server {
	t.Helper()
	ctx := context.Background()
	pg := pgtest.Shared(t)
	err := pg.Template(ctx, pgTemplate, func(dsn string) error {
		db, err := store.OpenPostgres(dsn, 2)
		if err != nil {
			return err
		}
		defer db.Close()
		return prepare(ctx, newStore(db))
	})
	if err != nil {
		t.Fatal(err)
	}
	return pg
}

func newEnv(t testing.TB, backend string, opts ...func(*Deps)) *testEnv {
	t.Helper()
	ctx := context.Background()
	logs := &syncBuffer{}
	deps := Deps{
		Image:         seed.SVG,
		Logger:        slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		AuthRateLimit: RateLimit{Max: 1_000_000, Window: time.Minute},
	}
	// The options first: the store composes the order e-mails, with the
	// public URL an option may set.
	for _, o := range opts {
		o(&deps)
	}
	var st *store.Store
	switch backend {
	case "sqlite":
		db, err := store.OpenSQLite(filepath.Join(t.TempDir(), "shop.db"))
		if err != nil {
			t.Fatal(err)
		}
		st = storeFor(db, deps.PublicURL)
		t.Cleanup(func() { _ = st.Close() })
		if err := prepare(ctx, st); err != nil {
			t.Fatalf("sqlite: %v", err)
		}
	case "postgres":
		pg := seededServer(t)
		db, err := store.OpenPostgres(pg.NewDatabase(t, pgTemplate), 8)
		if err != nil {
			t.Fatal(err)
		}
		st = storeFor(db, deps.PublicURL)
		t.Cleanup(func() { _ = st.Close() })
	default:
		t.Fatalf("unknown backend %q", backend)
	}
	// The catalog cache is on in every test, as in production: on
	// PostgreSQL once the store listens for catalog changes.
	watch, stopWatch := context.WithCancel(context.Background())
	go st.WatchCatalog(watch, slog.New(slog.DiscardHandler))
	t.Cleanup(stopWatch)
	deps.Services, deps.DB, deps.CatalogVersion = st.Services(), st.DB(), st.CatalogVersion
	return &testEnv{srv: New(deps), store: st, logs: logs}
}

var userSeq atomic.Int64

// registerUser creates a customer through the API and returns its credentials.
func (e *testEnv) registerUser(t testing.TB) (email, password string) {
	t.Helper()
	email = fmt.Sprintf("customer%d@shop.test", userSeq.Add(1))
	password = "customer-password"
	c := e.client(t)
	want(t, c.do("POST", "/api/v1/auth/register", map[string]any{"email": email, "password": password, "name": "Customer"}), 201)
	return email, password
}

// client returns a cookie-keeping client bound to t.
func (e *testEnv) client(t testing.TB) *client {
	t.Helper()
	c := newClient(t, e.srv.App())
	doc, err := loadSpec(e.srv)
	if err != nil {
		t.Fatalf("OpenAPI document: %v", err)
	}
	c.spec = doc
	return c
}

func (e *testEnv) login(t testing.TB, email, password string) *client {
	t.Helper()
	c := e.client(t)
	want(t, c.do("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password}), 200)
	return c
}

// customer returns a logged-in, freshly registered customer.
func (e *testEnv) customer(t testing.TB) *client {
	t.Helper()
	email, pw := e.registerUser(t)
	return e.login(t, email, pw)
}

func (e *testEnv) admin(t testing.TB) *client { return e.login(t, adminEmail, adminPassword) }

// anyProduct returns an active product of the seeded catalog.
func (e *testEnv) anyProduct(t testing.TB) domain.Product {
	t.Helper()
	var page domain.Page[domain.Product]
	want(t, e.client(t).do("GET", "/api/v1/products?sort=name&per_page=1", nil), 200).Into(t, &page)
	if len(page.Items) == 0 {
		t.Fatal("the seeded catalog is empty")
	}
	return page.Items[0]
}

func (e *testEnv) categories(t testing.TB) []domain.Category {
	t.Helper()
	var cats itemsBody[domain.Category]
	want(t, e.client(t).do("GET", "/api/v1/categories", nil), 200).Into(t, &cats)
	return cats.Items
}

func (e *testEnv) setStock(t testing.TB, id int64, n int) {
	t.Helper()
	want(t, e.admin(t).do("POST", fmt.Sprintf("/api/v1/admin/products/%d/stock", id), map[string]any{"stock": n}), 200)
}

// stock reads a product's stock straight from the store.
func (e *testEnv) stock(t testing.TB, id int64) int {
	t.Helper()
	p, err := e.store.Services().Catalog.ProductByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Stock
}

func findCookie(r *response, name string) *http.Cookie {
	for _, c := range r.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fastPasswords keeps argon2id cheap in tests (the production cost is
// store.DefaultPasswordParams); hashing is not what these tests measure.
var fastPasswords = store.PasswordParams{Time: 1, Memory: 64, Threads: 1}
