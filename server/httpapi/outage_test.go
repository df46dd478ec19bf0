package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/internal/pgtest"
	"github.com/shopstack/shopstack/server/seed"
	"github.com/shopstack/shopstack/server/store"
)

// TestDatabaseOutageAnswers503 stops a real PostgreSQL (a private one,
// not the shared server of the other tests) under a running server: every
// API request gets 503 unavailable with Retry-After, the outage is logged
// once, and after PostgreSQL is back the same server serves again.
func TestDatabaseOutageAnswers503(t *testing.T) {
	ctx := context.Background()
	pg, err := pgtest.StartLocal(pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Stop)
	dsn, err := pg.CreateDatabase(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenPostgres(dsn, 8)
	if err != nil {
		t.Fatal(err)
	}
	st := newStore(db)
	t.Cleanup(func() { _ = st.Close() })
	if err := prepare(ctx, st); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	e := &testEnv{store: st, logs: logs, srv: New(Deps{
		Services:      st.Services(),
		DB:            st.DB(),
		Image:         seed.SVG,
		Logger:        slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		AuthRateLimit: RateLimit{Max: 1_000_000, Window: time.Minute},
	})}
	t.Cleanup(func() { _ = e.srv.Shutdown(context.Background()) })

	// Before the outage: a guest with a cart, a logged-in customer.
	p := e.anyProduct(t)
	e.setStock(t, p.ID, 50)
	guest := e.client(t)
	want(t, guest.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)
	email, password := e.registerUser(t)
	customer := e.login(t, email, password)
	type call struct {
		c            *client
		method, path string
		body         any
	}
	calls := []call{
		{guest, "GET", "/api/v1/categories", nil},
		{guest, "GET", "/api/v1/products", nil},
		{guest, "GET", "/api/v1/products/" + p.Slug, nil},
		{guest, "GET", "/api/v1/search?q=shirt", nil},
		{guest, "GET", domain.ProductImagePath(p.SKU), nil},
		{guest, "GET", "/api/v1/cart", nil},
		{guest, "POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}},
		{e.client(t), "POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password}},
		{customer, "GET", "/api/v1/auth/me", nil},
		{customer, "GET", "/api/v1/orders", nil},
		{customer, "GET", "/api/v1/account/addresses", nil},
	}
	// Each phase needs the one before it: a phase that fails ends the test.
	if !t.Run("before the outage every call is answered", func(t *testing.T) {
		for _, k := range calls {
			if r := k.c.do(k.method, k.path, k.body); r.Status >= 300 {
				t.Fatalf("before the outage: %s %s: %d %s", k.method, k.path, r.Status, r.Body)
			}
		}
	}) {
		return
	}

	if err := pg.Halt(); err != nil {
		t.Fatal(err)
	}
	t.Run("during the outage every call is 503 with Retry-After, the cause not shown", func(t *testing.T) {
		for i := range 150 {
			k := calls[i%len(calls)]
			r := k.c.do(k.method, k.path, k.body)
			if r.Status != 503 {
				t.Fatalf("request %d during the outage, %s %s: %d %s", i, k.method, k.path, r.Status, r.Body)
			}
			wantErr(t, r, 503, domain.EUNAVAILABLE)
			if r.Header.Get("Retry-After") != "5" {
				t.Fatalf("%s %s: Retry-After %q", k.method, k.path, r.Header.Get("Retry-After"))
			}
			if strings.Contains(string(r.Body), "refused") || strings.Contains(string(r.Body), "127.0.0.1") {
				t.Fatalf("%s %s: the body shows the cause: %s", k.method, k.path, r.Body)
			}
		}
	})
	t.Run("readiness agrees", func(t *testing.T) {
		if r := guest.do("GET", "/readyz", nil); r.Status != 503 {
			t.Fatalf("readyz during the outage: %d", r.Status)
		}
	})

	if err := pg.Restart(); err != nil {
		t.Fatal(err)
	}
	if !t.Run("the same server serves again on its own (the pool reconnects)", func(t *testing.T) {
		waitFor(t, 60*time.Second, "the API to serve again", func() bool {
			return guest.do("GET", "/api/v1/products", nil).Status == 200
		})
		for _, k := range calls {
			if r := k.c.do(k.method, k.path, k.body); r.Status >= 300 {
				t.Fatalf("after the outage: %s %s: %d %s", k.method, k.path, r.Status, r.Body)
			}
		}
	}) {
		return
	}

	t.Run("the log has one outage line, one recovery line and one ERROR", func(t *testing.T) {
		waitFor(t, 30*time.Second, "the recovery to be logged", func() bool {
			return strings.Contains(logs.String(), `"msg":"database available again"`)
		})
		var down, up, errorLines int
		for _, l := range logLines(t, logs.String()) {
			switch {
			case l["msg"] == "database available again":
				up++
			case strings.HasPrefix(fmt.Sprint(l["msg"]), "database unavailable"):
				down++
			}
			if l["level"] == "ERROR" {
				errorLines++
			}
		}
		if down != 1 || up != 1 || errorLines != 1 {
			t.Fatalf("log: %d outage lines, %d recovery lines, %d ERROR lines; want 1, 1, 1\n%s", down, up, errorLines, logs.String())
		}
	})
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", timeout, what)
		}
		<-tick.C
	}
}
