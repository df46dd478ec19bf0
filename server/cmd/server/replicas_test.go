package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/internal/pgtest"
)

// serveOn starts `serve` with env (startServe) and returns its base URL.
func serveOn(t *testing.T, env map[string]string) string {
	t.Helper()
	return startServe(t, env).base
}

// Two complete `serve` instances (each its own pool, catalog cache and
// LISTEN connection, as two pods) on one real PostgreSQL: an admin's
// price edit through one shows on the other's catalog reads within the
// documented 1 s, although the other had the old answer cached.
func TestCatalogChangeReachesTheOtherReplica(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	env := map[string]string{
		contract.EnvDatabaseURL: dsn, contract.EnvAdminEmail: "admin@replicas.test", contract.EnvAdminPassword: "admin-password-for-replicas",
		contract.EnvCookieSecure: "false",
	}
	for _, cmd := range []string{"migrate", "seed"} {
		if err := run(context.Background(), []string{cmd}, envOf(env), io.Discard); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
	}
	a, b := serveOn(t, env), serveOn(t, env)

	type product struct {
		ID    int64  `json:"id"`
		Slug  string `json:"slug"`
		Price struct {
			Amount int64 `json:"amount"`
		} `json:"price"`
	}
	getJSON := func(c *http.Client, url string, v any) (etag string) {
		t.Helper()
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", url, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
		return resp.Header.Get("ETag")
	}
	var page struct{ Items []product }
	getJSON(http.DefaultClient, b+"/api/v1/products?sort=name&per_page=1", &page)
	p := page.Items[0]
	detail := b + "/api/v1/products/" + p.Slug
	var seen product
	first := getJSON(http.DefaultClient, detail, &seen)
	if again := getJSON(http.DefaultClient, detail, &seen); again != first {
		t.Fatalf("the second read of an unchanged product has another ETag: %s, %s", first, again)
	}

	jar, _ := cookiejar.New(nil)
	admin := &http.Client{Jar: jar}
	send := func(method, url string, body any) {
		t.Helper()
		buf, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, url, bytes.NewReader(buf))
		req.Header.Set("Content-Type", "application/json")
		resp, err := admin.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d", method, url, resp.StatusCode)
		}
	}
	send("POST", a+"/api/v1/auth/login", map[string]string{"email": env[contract.EnvAdminEmail], "password": env[contract.EnvAdminPassword]})
	want := p.Price.Amount + 321
	send("PATCH", fmt.Sprintf("%s/api/v1/admin/products/%d", a, p.ID), map[string]int64{"price": want})

	start := time.Now()
	for {
		getJSON(http.DefaultClient, detail, &seen)
		if seen.Price.Amount == want {
			t.Logf("visible on the other replica after %s", time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > time.Second {
			t.Fatalf("the price edit through one replica was not visible on the other within 1 s (still %d)", seen.Price.Amount)
		}
		time.Sleep(2 * time.Millisecond) // polling interval, not an assertion
	}
}
