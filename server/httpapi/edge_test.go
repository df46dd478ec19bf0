package httpapi

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// The edge of every answer (edge.go): security headers, no-store on
// personal answers and errors, HSTS only behind the trusted proxy.

func wantHeader(t *testing.T, what string, r *response, name, value string) {
	t.Helper()
	if got := r.Header.Get(name); got != value {
		t.Errorf("%s: %s = %q, want %q", what, name, got, value)
	}
}

func wantAPISecurityHeaders(t *testing.T, what string, r *response) {
	t.Helper()
	wantHeader(t, what, r, "X-Content-Type-Options", "nosniff")
	wantHeader(t, what, r, "X-Frame-Options", "DENY")
	wantHeader(t, what, r, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	wantHeader(t, what, r, "Referrer-Policy", "no-referrer")
}

func TestSecurityHeaders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		guest := e.client(t)
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 5)

		// A public catalog read: the security headers, and never no-store
		// (its caching is the catalog's own business).
		r := want(t, guest.do("GET", "/api/v1/products/"+p.Slug, nil), 200)
		wantAPISecurityHeaders(t, "public route", r)
		if cc := r.Header.Get("Cache-Control"); strings.Contains(cc, "no-store") {
			t.Errorf("public route: Cache-Control %q", cc)
		}
		if h := r.Header.Get("Strict-Transport-Security"); h != "" {
			t.Errorf("public route over plain HTTP without a proxy: HSTS %q", h)
		}

		// A handler's own CSP (the SVG pictures allow inline style) keeps
		// the frame protection.
		r = want(t, guest.do("GET", domain.ProductImagePath(p.SKU), nil), 200)
		wantHeader(t, "picture", r, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
		wantHeader(t, "picture", r, "X-Frame-Options", "DENY")

		// Personal routes: the cart of a guest, the account of a customer.
		r = want(t, guest.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)
		wantAPISecurityHeaders(t, "cart", r)
		wantHeader(t, "cart", r, "Cache-Control", "private, no-store")
		customer := e.customer(t)
		for _, path := range []string{"/api/v1/auth/me", "/api/v1/cart", "/api/v1/account/addresses", "/api/v1/orders"} {
			r = want(t, customer.do("GET", path, nil), 200)
			wantAPISecurityHeaders(t, path, r)
			wantHeader(t, path, r, "Cache-Control", "private, no-store")
		}
		// Logging in answers with the user and a session cookie.
		email, pw := e.registerUser(t)
		r = want(t, e.client(t).do("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": pw}), 200)
		wantHeader(t, "login", r, "Cache-Control", "private, no-store")
		// Every personal row of the route table says so, whatever it answers.
		for _, rt := range e.srv.routes {
			if rt.method != "GET" || !personal(rt) || strings.Contains(rt.path, "*") {
				continue
			}
			r := customer.do("GET", concretePath(rt.path), nil)
			wantHeader(t, rt.path, r, "Cache-Control", "private, no-store")
		}

		// Errors: a missing product, an unknown route, a guest on a
		// logged-in route.
		for _, tc := range []struct {
			path   string
			status int
			code   string
		}{
			{"/api/v1/products/no-such-product-4711", 404, "not_found"},
			{"/api/v1/no/such/route", 404, "not_found"},
			{"/api/v1/account/addresses", 401, "unauthorized"},
		} {
			r := guest.do("GET", tc.path, nil)
			wantErr(t, r, tc.status, tc.code)
			wantAPISecurityHeaders(t, tc.path, r)
			wantHeader(t, tc.path, r, "Cache-Control", "private, no-store")
		}
	})
}

func TestHSTSOnlyBehindTheTrustedProxy(t *testing.T) {
	const hsts = "max-age=31536000; includeSubDomains"
	// Behind the load balancer (a proxy header is configured): HSTS when
	// the ALB says the request came over TLS, none when it came over HTTP.
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.client(t)
		r := want(t, c.do("GET", "/api/v1/categories", nil, "X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https"), 200)
		wantHeader(t, "over TLS at the ALB", r, "Strict-Transport-Security", hsts)
		r = c.do("GET", "/api/v1/account/addresses", nil, "X-Forwarded-Proto", "https")
		wantErr(t, r, 401, "unauthorized")
		wantHeader(t, "an error over TLS at the ALB", r, "Strict-Transport-Security", hsts)
		r = want(t, c.do("GET", "/api/v1/categories", nil, "X-Forwarded-Proto", "http"), 200)
		wantHeader(t, "over HTTP at the ALB", r, "Strict-Transport-Security", "")
		r = want(t, c.do("GET", "/api/v1/categories", nil), 200)
		wantHeader(t, "no X-Forwarded-Proto", r, "Strict-Transport-Security", "")
	}, func(d *Deps) { d.ProxyHeader = "X-Forwarded-For" })

	// A direct client (no proxy configured) cannot ask for HSTS by header.
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		r := want(t, e.client(t).do("GET", "/api/v1/categories", nil, "X-Forwarded-Proto", "https"), 200)
		wantHeader(t, "direct client", r, "Strict-Transport-Security", "")
	})
}

// TestStaticSecurityHeaders: the built client gets the headers nginx sends
// in production (client/nginx/security-headers.conf), its own CSP among
// them, and the API behind the same server keeps the strict one.
func TestStaticSecurityHeaders(t *testing.T) {
	conf, err := os.ReadFile(filepath.Join("..", "..", "client", "nginx", "security-headers.conf"))
	if err != nil {
		t.Fatal(err)
	}
	nginx := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^add_header (\S+) "([^"]*)" always;`).FindAllStringSubmatch(string(conf), -1) {
		nginx[m[1]] = m[2]
	}
	if len(nginx) < 5 {
		t.Fatalf("read only %d headers from security-headers.conf", len(nginx))
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>shop</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "sqlite", func(d *Deps) { d.StaticDir = dir; d.ProxyHeader = "X-Forwarded-For" })
	c := e.client(t)
	r := want(t, c.do("GET", "/products/some-shirt", nil, "X-Forwarded-Proto", "https"), 200)
	for name, value := range nginx {
		wantHeader(t, "static "+name, r, name, value)
	}
	wantHeader(t, "static", r, "Cache-Control", "no-cache")
	r = want(t, c.do("GET", "/api/v1/categories", nil), 200)
	wantAPISecurityHeaders(t, "API beside the static client", r)
}

// listen serves e's app on a loopback listener and returns its base URL.
func listen(t *testing.T, e *testEnv) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.srv.Serve(ln) }()
	t.Cleanup(func() { _ = e.srv.Shutdown(context.Background()) })
	return ln.Addr().String()
}

// TestBodyOverLimitGetsA413 sends 2 MiB to the default 1 MiB limit through
// a real listener on a kept-alive connection: the answer is the readable
// JSON 413 (never a reset), and it is logged and counted.
func TestBodyOverLimitGetsA413(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		addr := listen(t, e)
		hc := &http.Client{Timeout: 60 * time.Second}
		body := `{"email": "` + strings.Repeat("a", 2<<20) + `", "password": "x"}`
		for i := range 3 { // several on the same kept-alive connection
			req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/auth/login", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(HeaderRequestID, fmt.Sprintf("too-large-%d", i))
			res, err := hc.Do(req)
			if err != nil {
				t.Fatalf("2 MiB body #%d: %v", i, err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 413 {
				t.Fatalf("2 MiB body #%d: status %d: %.200s", i, res.StatusCode, b)
			}
			if code := mustErrorShape(t, b).Error.Code; code != "too_large" {
				t.Fatalf("2 MiB body #%d: code %q", i, code)
			}
			if res.Header.Get("Cache-Control") != "private, no-store" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("2 MiB body #%d: headers %v", i, res.Header)
			}
		}
		// Just under the limit is still read and answered by the handler.
		small := `{"email": "` + strings.Repeat("a", 1<<19) + `@shop.test", "password": "x"}`
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/auth/login", strings.NewReader(small))
		req.Header.Set("Content-Type", "application/json")
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == 413 {
			t.Fatalf("a body under the limit got 413")
		}

		var logged int
		for _, l := range logLines(t, e.logs.String()) {
			if l["msg"] == "request" && l["status"] == float64(413) && strings.HasPrefix(fmt.Sprint(l["request_id"]), "too-large-") {
				logged++
				if l["route"] != "/api/v1/auth/login" {
					t.Errorf("413 logged with route %v", l["route"])
				}
			}
		}
		if logged != 3 {
			t.Errorf("%d access lines for the three 413s, want 3", logged)
		}
		metrics := want(t, e.client(t).do("GET", "/metrics", nil), 200)
		if line := fmt.Sprintf(`%s{method="POST",route="/api/v1/auth/login",status="413"} 3`, contract.MetricHTTPRequests); !strings.Contains(string(metrics.Body), line) {
			t.Errorf("metrics lack %q", line)
		}
	})
}

// TestDrainClosesKeptAliveConnections: before the drain a kept-alive
// connection stays open; once Drain is called the next answer on it says
// Connection: close and the server closes the connection after it.
func TestDrainClosesKeptAliveConnections(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		addr := listen(t, e)
		conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		get := func(path string) *http.Response {
			t.Helper()
			_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
			if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: shop.test\r\n\r\n", path); err != nil {
				t.Fatal(err)
			}
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			if _, err := io.ReadAll(res.Body); err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		for range 2 {
			if res := get("/api/v1/categories"); res.StatusCode != 200 || res.Close {
				t.Fatalf("before the drain: status %d, Connection: close %v", res.StatusCode, res.Close)
			}
		}
		e.srv.Drain()
		res := get("/api/v1/categories")
		// (net/http moves "Connection: close" into res.Close.)
		if res.StatusCode != 200 || !res.Close {
			t.Fatalf("after Drain: status %d, Connection: close %v", res.StatusCode, res.Close)
		}
		// The server closes the connection: the next read sees EOF.
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		if n, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("connection still open after Connection: close (read %v, %v)", n, err)
		}
	})
}

// TestBodyOverTheHardLimit: a body over fasthttp's own limit (4 x
// BodyLimit) is refused before any handler. With Expect: 100-continue
// the client never sends it and reads the answer: the JSON 413 with the
// edge headers, logged and counted (route "unmatched": no handler ran).
func TestBodyOverTheHardLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		addr := listen(t, e)
		// Only the headers are sent: a Content-Length of 5 MiB announces a
		// body over the hard limit, which fasthttp refuses from the header
		// alone, before reading any of it. (Writing the body as well races the server closing the
		// connection behind its answer: the client may see a reset while it
		// is still writing, which is what a real client sending that much
		// may see too; docs/server-http.md, "Body size".)
		conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
		fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s: over-hard-limit\r\n\r\n", addr, 5<<20, HeaderRequestID)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 413 || mustErrorShape(t, b).Error.Code != "too_large" {
			t.Fatalf("status %d: %s", res.StatusCode, b)
		}
		if res.Header.Get("Cache-Control") != "private, no-store" || res.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("headers %v", res.Header)
		}
		var logged bool
		for _, l := range logLines(t, e.logs.String()) {
			if l["msg"] == "request" && l["status"] == float64(413) {
				logged = true
			}
		}
		if !logged {
			t.Errorf("no access line for the 413:\n%s", e.logs.String())
		}
		metrics := want(t, e.client(t).do("GET", "/metrics", nil), 200)
		if line := fmt.Sprintf(`%s{method="POST",route="%s",status="413"} 1`, contract.MetricHTTPRequests, contract.RouteUnmatched); !strings.Contains(string(metrics.Body), line) {
			t.Errorf("metrics lack %q", line)
		}
	})
}
