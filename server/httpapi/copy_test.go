package httpapi

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
)

// Issue 12, bug 4: any two letters used to pass as a country (ZZ shipped).
func TestCountryValidation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		c := e.customer(t)
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)

		for i, country := range []string{"ZZ", "AA", "QM", "XA", "zz"} {
			body := c.shown(checkoutBody(goodCard))
			body["shipping_address"].(map[string]any)["country"] = country
			fe := wantErr(t, c.do("POST", "/api/v1/orders", body, "Idempotency-Key", "k-country-"+string(rune('a'+i))), 422, "invalid")
			if got := fe.Error.Fields["shipping_address.country"]; got != "must be an ISO 3166-1 alpha-2 country code" {
				t.Fatalf("%s: fields %v", country, fe.Error.Fields)
			}
		}
		body := c.shown(checkoutBody(goodCard))
		body["shipping_address"].(map[string]any)["country"] = "BR" // a real country the shop does not ship to
		fe := wantErr(t, c.do("POST", "/api/v1/orders", body, "Idempotency-Key", "k-country-br"), 422, "invalid")
		if got := fe.Error.Fields["shipping_address.country"]; got != "is not a country the shop ships to" {
			t.Fatalf("BR: fields %v", fe.Error.Fields)
		}
		// Nothing was ordered and the stock is untouched.
		var orders domain.Page[domain.Order]
		want(t, c.do("GET", "/api/v1/orders", nil), 200).Into(t, &orders)
		if len(orders.Items) != 0 || e.stock(t, p.ID) != 10 {
			t.Fatalf("rejected countries left %d orders, stock %d", len(orders.Items), e.stock(t, p.ID))
		}

		// The address book applies the same rule.
		addr := map[string]any{"name": "Z", "line1": "1 Nowhere", "city": "Nil", "postal_code": "0", "country": "ZZ"}
		fe = wantErr(t, c.do("POST", "/api/v1/account/addresses", addr), 422, "invalid")
		if fe.Error.Fields["country"] == "" {
			t.Fatalf("address book ZZ: %v", fe.Error.Fields)
		}
		addr["country"] = "de"
		var saved domain.Address
		want(t, c.do("POST", "/api/v1/account/addresses", addr), 201).Into(t, &saved)
		if saved.Country != "DE" {
			t.Fatalf("saved country %q", saved.Country)
		}
	})
}

// Issue 12, bug 3: "is too long" named no limit.
func TestTooLongNamesLimit(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.customer(t)
	addr := map[string]any{"name": strings.Repeat("n", domain.MaxPersonNameLen+1), "line1": "1 St", "city": "C", "postal_code": "1", "country": "US"}
	fe := wantErr(t, c.do("POST", "/api/v1/account/addresses", addr), 422, "invalid")
	if got := fe.Error.Fields["name"]; got != "must be at most 100 characters" {
		t.Fatalf("name: %q", got)
	}
}

// Issue 12, bug 3: a 5,000-character /search?q= got a raw JSON 431 from
// fasthttp's 4 KiB header buffer instead of the app. The buffer is now
// large enough for any URL a load balancer forwards, so the page is the
// app and the API answers its own 422.
func TestLongURLServesApp(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>shop</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "sqlite", func(d *Deps) { d.StaticDir = dir })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.srv.Serve(ln) }()
	t.Cleanup(func() { _ = e.srv.App().Shutdown() })
	base := "http://" + ln.Addr().String()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(path, accept string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Accept", accept)
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(b)
	}
	long := strings.Repeat("a", 5000)
	status, ctype, body := get("/search?q="+long, "text/html,application/xhtml+xml")
	if status != 200 || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, "<title>shop</title>") {
		t.Fatalf("long page URL: %d %s %.200s", status, ctype, body)
	}
	status, _, body = get("/api/v1/search?q="+long, "application/json")
	if status != 422 {
		t.Fatalf("long API query: %d %.200s", status, body)
	}
	if e := mustErrorShape(t, []byte(body)); e.Error.Fields["q"] != "must be at most 200 characters" {
		t.Fatalf("long API query fields: %v", e.Error.Fields)
	}
}
