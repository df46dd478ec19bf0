package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/internal/pgtest"
	"github.com/shopstack/shopstack/server/migrations"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/store"
)

// Every store test runs against both backends. PostgreSQL comes from
// pgtest (SHOP_TEST_DATABASE_URL or a throwaway server); without it the
// whole package fails, it does not skip.
var pg *pgtest.Server

const pgTemplate = "shop_store_template"

func TestMain(m *testing.M) {
	ctx := context.Background()
	srv, err := pgtest.NewServer()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: the store tests need PostgreSQL: %v\n", err)
		os.Exit(1)
	}
	err = srv.Template(ctx, pgTemplate, func(dsn string) error {
		db, err := store.OpenPostgres(dsn, 2)
		if err != nil {
			return err
		}
		defer db.Close()
		return migrations.Run(ctx, db)
	})
	if err != nil {
		srv.Stop()
		fmt.Fprintf(os.Stderr, "FAIL: migrating the PostgreSQL template: %v\n", err)
		os.Exit(1)
	}
	pg = srv
	code := m.Run()
	srv.Stop()
	os.Exit(code)
}

var backends = []string{"sqlite", "postgres"}

// env is one test's store on one backend.
type env struct {
	backend string
	db      *bun.DB
	st      *store.Store
	svc     domain.Services
	pay     *countingProvider
	clock   *fakeClock
}

func openDB(t *testing.T, backend string) *bun.DB {
	t.Helper()
	ctx := context.Background()
	var (
		db  *bun.DB
		err error
	)
	switch backend {
	case "sqlite":
		db, err = store.OpenSQLite(filepath.Join(t.TempDir(), "var", "shop.db"))
		if err == nil {
			err = migrations.Run(ctx, db)
		}
	case "postgres":
		db, err = store.OpenPostgres(pg.NewDatabase(t, pgTemplate), 30)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newEnv(t *testing.T, backend string) *env {
	t.Helper()
	db := openDB(t, backend)
	e := &env{backend: backend, db: db, pay: &countingProvider{inner: payment.NewTestProvider()},
		clock: &fakeClock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}}
	e.st = store.New(db, store.Options{
		Payments: e.pay,
		Now:      e.clock.Now,
		// Cheap hashing keeps the tests fast; TestPasswordDefaults covers
		// the production parameters.
		Password: store.PasswordParams{Time: 1, Memory: 64, Threads: 1},
	})
	// The services as production calls them: behind the domain's service
	// layer (every input rule) with the same clock as the store.
	e.svc = domain.Validated(e.st.Services(), e.clock.Now)
	return e
}

// eachBackend runs fn as a subtest per backend.
func eachBackend(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { fn(t, newEnv(t, b)) })
	}
}

// fakeClock ticks one second per reading, so every write gets a distinct,
// ordered timestamp.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// countingProvider counts what reaches the payment provider.
type countingProvider struct {
	inner   domain.PaymentProvider
	calls   atomic.Int64 // Charge calls
	charges atomic.Int64 // successful charges
	refunds atomic.Int64
	// afterCharge, when set, runs after a successful charge (to break the
	// transaction between the charge and the commit).
	afterCharge func()
	// afterRefund, when set, runs after a successful refund (the same for
	// cancellations).
	afterRefund func()
}

func (p *countingProvider) Charge(ctx context.Context, req domain.ChargeRequest) (*domain.PaymentResult, error) {
	p.calls.Add(1)
	res, err := p.inner.Charge(ctx, req)
	if err == nil {
		p.charges.Add(1)
		if p.afterCharge != nil {
			p.afterCharge()
		}
	}
	return res, err
}

func (p *countingProvider) Refund(ctx context.Context, chargeID string, amount domain.Money) error {
	p.refunds.Add(1)
	err := p.inner.Refund(ctx, chargeID, amount)
	if err == nil && p.afterRefund != nil {
		p.afterRefund()
	}
	return err
}

// Fixtures.

func ptr[T any](v T) *T { return &v }

func (e *env) category(t *testing.T, slug, name string) {
	t.Helper()
	if err := e.st.EnsureCategory(context.Background(), slug, name, name+" things", 0); err != nil {
		t.Fatal(err)
	}
}

func (e *env) product(t *testing.T, sku, name, cat string, price int64, stock int, mods ...func(*domain.ProductCreate)) *domain.Product {
	t.Helper()
	in := domain.ProductCreate{SKU: sku, Name: name, Description: "A fine " + name, Price: price, CategorySlug: cat, Stock: stock}
	for _, m := range mods {
		m(&in)
	}
	p, err := e.svc.Admin.CreateProduct(context.Background(), in)
	if err != nil {
		t.Fatalf("create product %s: %v", sku, err)
	}
	return p
}

func (e *env) user(t *testing.T, email string) (*domain.User, *domain.Session) {
	t.Helper()
	u, s, err := e.svc.Accounts.Register(context.Background(), domain.RegisterInput{Email: email, Password: "correct horse", Name: "Test " + email})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	return u, s
}

func checkout(key, card string) domain.PlaceOrderInput {
	return domain.PlaceOrderInput{
		ShippingAddress: domain.Address{Name: "Ada Lovelace", Line1: "1 Analytical Way", City: "London", PostalCode: "N1 1AA", Country: "gb"},
		ShippingMethod:  "standard",
		Payment:         domain.Card{Number: card, ExpMonth: 12, ExpYear: 2030, CVC: "123"},
		IdempotencyKey:  key,
	}
}

func (e *env) stock(t *testing.T, id int64) int {
	t.Helper()
	p, err := e.svc.Catalog.ProductByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Stock
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	n, err := e.db.NewSelect().TableExpr(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
