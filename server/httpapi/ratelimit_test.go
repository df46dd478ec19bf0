package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/internal/pgtest"
	"github.com/shopstack/shopstack/server/seed"
	"github.com/shopstack/shopstack/server/store"
)

// TestRateLimitSharedStore: login, registration and password reset are
// limited per client IP through the shared counters, on both databases:
// 429 `rate_limited` with a Retry-After inside the window, each route with
// its own budget, every attempt counted whatever its outcome.
func TestRateLimitSharedStore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.client(t)
		limited := []struct {
			path string
			body map[string]any
		}{
			{"/api/v1/auth/login", map[string]any{"email": "nobody@shop.test", "password": "wrong password"}},
			{"/api/v1/auth/register", map[string]any{"email": "not an address", "password": "password123", "name": "R"}},
			{"/api/v1/auth/password-reset", map[string]any{"email": "nobody@shop.test"}},
			{"/api/v1/auth/password-reset/confirm", map[string]any{"token": "no-such-token", "password": "password123"}},
		}
		for _, r := range limited {
			for i := 0; i < 3; i++ {
				if got := c.do("POST", r.path, r.body); got.Status == 429 {
					t.Fatalf("%s: attempt %d already limited", r.path, i+1)
				}
			}
			res := c.do("POST", r.path, r.body)
			wantErr(t, res, 429, "rate_limited")
			if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 || n > 60 {
				t.Fatalf("%s: Retry-After %q", r.path, res.Header.Get("Retry-After"))
			}
		}
		// Unlimited routes are untouched.
		for i := 0; i < 5; i++ {
			want(t, c.do("GET", "/api/v1/categories", nil), 200)
		}
		// The counters are rows of the shared table, one per route and IP.
		var keys []string
		if err := e.store.DB().NewSelect().TableExpr("rate_limits").Column("key").OrderExpr("key").Scan(context.Background(), &keys); err != nil {
			t.Fatal(err)
		}
		if len(keys) != len(limited) {
			t.Fatalf("rate_limits keys %q, want one per limited route", keys)
		}
	}, func(d *Deps) { d.AuthRateLimit = RateLimit{Max: 3, Window: time.Minute} })
}

// TestRateLimitAcrossReplicas runs two servers (two processes' worth of
// state: two pools, two stores, two Fiber apps) on ONE PostgreSQL database
// and proves the budget is shared: attempts spread over both replicas are
// counted once, so the client gets Max attempts in total, not Max per
// replica. With per-process counters the fifth attempt would still pass.
func TestRateLimitAcrossReplicas(t *testing.T) {
	pg := pgtest.Shared(t)
	// Migrate and seed the shared template (newEnv does the same).
	newEnv(t, "postgres")
	dsn := pg.NewDatabase(t, pgTemplate)
	replica := func() *Server {
		db, err := store.OpenPostgres(dsn, 4)
		if err != nil {
			t.Fatal(err)
		}
		st := newStore(db)
		t.Cleanup(func() { _ = st.Close() })
		return New(Deps{
			Services:      st.Services(),
			DB:            st.DB(),
			Image:         seed.SVG,
			Logger:        slog.New(slog.DiscardHandler),
			AuthRateLimit: RateLimit{Max: 4, Window: time.Minute},
			ProxyHeader:   "X-Forwarded-For",
		})
	}
	replicas := []*Server{replica(), replica()}
	login := func(srv *Server, ip string) (int, error) {
		req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"email":"nobody@shop.test","password":"wrong password"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", ip)
		res, err := srv.App().Test(req, -1)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		if res.StatusCode == 429 && res.Header.Get("Retry-After") == "" {
			return 0, fmt.Errorf("429 without Retry-After")
		}
		return res.StatusCode, nil
	}
	status := func(t *testing.T, srv *Server, ip string) int {
		t.Helper()
		code, err := login(srv, ip)
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	a, b := replicas[0], replicas[1]
	t.Run("attempts count across replicas: the fifth is 429 on either", func(t *testing.T) {
		for i, srv := range []*Server{a, b, a, b} {
			if code := status(t, srv, "10.0.0.1"); code != 401 {
				t.Fatalf("attempt %d: status %d, want 401", i+1, code)
			}
		}
		for _, srv := range replicas {
			if code := status(t, srv, "10.0.0.1"); code != 429 {
				t.Fatalf("fifth attempt: status %d, want 429 (per-replica counting)", code)
			}
		}
	})
	t.Run("another client keeps its own budget on either replica", func(t *testing.T) {
		if code := status(t, b, "10.0.0.2"); code != 401 {
			t.Fatalf("another client: status %d, want 401", code)
		}
	})

	t.Run("concurrent attempts spread over both replicas: exactly Max pass", func(t *testing.T) {
		const attempts = 16
		codes := make(chan int, attempts)
		errs := make(chan error, attempts)
		var wg sync.WaitGroup
		for i := 0; i < attempts; i++ {
			wg.Add(1)
			go func(srv *Server) {
				defer wg.Done()
				code, err := login(srv, "10.0.0.3")
				if err != nil {
					errs <- err
					return
				}
				codes <- code
			}(replicas[i%2])
		}
		wg.Wait()
		close(codes)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got := map[int]int{}
		for c := range codes {
			got[c]++
		}
		if got[401] != 4 || got[429] != attempts-4 {
			t.Fatalf("concurrent attempts over two replicas: %v, want 4x401 and %dx429", got, attempts-4)
		}
	})
}
