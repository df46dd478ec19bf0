package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
)

// writeRoutes are the routes that take a JSON body, with the client that
// may call them (admin can call them all).
func writeRoutes(e *testEnv) []route {
	var out []route
	for _, r := range e.srv.routes {
		if r.request != nil {
			out = append(out, r)
		}
	}
	return out
}

// concretePath fills a route's parameters with a plausible value.
func concretePath(p string) string {
	return strings.NewReplacer(":id", "1", ":product_id", "1", ":slug", "x", ":sku", "SKU").Replace(p)
}

// firstJSONField names the first body field of a request type.
func firstJSONField(v any) string {
	t := reflect.TypeOf(v)
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			return name
		}
	}
	return "x"
}

// TestBadInput sends every class of bad body to every write endpoint: each
// is a 4xx in the one error shape, never a 5xx.
func TestBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		a := e.admin(t)
		for _, r := range writeRoutes(e) {
			path := concretePath(r.path)
			field := firstJSONField(r.request)
			cases := []struct {
				name   string
				body   string
				ct     string
				status int
			}{
				{"malformed", `{"` + field + `": `, "application/json", 400},
				{"not JSON", `hello`, "application/json", 400},
				{"unknown field", `{"no_such_field": 1}`, "application/json", 400},
				{"wrong type", `{"` + field + `": [{}]}`, "application/json", 400},
				{"array body", `[]`, "application/json", 400},
				{"string body", `"x"`, "application/json", 400},
				{"trailing data", `{} {}`, "application/json", 400},
				{"trailing garbage", `{}x`, "application/json", 400},
				{"empty", ``, "application/json", 400},
				{"form post", field + `=1`, "application/x-www-form-urlencoded", 415},
				{"text/plain", `{}`, "text/plain", 415},
			}
			for _, tc := range cases {
				res := a.do(r.method, path, tc.body, "Content-Type", tc.ct, HeaderIdempotencyKey, "bad-input")
				if res.Status != tc.status {
					t.Errorf("%s %s %s: status %d, want %d: %s", r.method, r.path, tc.name, res.Status, tc.status, res.Body)
					continue
				}
				code := mustErrorShape(t, res.Body).Error.Code
				if wantCode := map[int]string{400: "invalid", 415: "invalid"}[tc.status]; code != wantCode {
					t.Errorf("%s %s %s: code %q, want %q", r.method, r.path, tc.name, code, wantCode)
				}
			}
		}
		// JSON with a charset parameter is still JSON.
		res := a.do("PATCH", "/api/v1/account", `{"name":"Admin"}`, "Content-Type", "application/json; charset=utf-8")
		want(t, res, 200)
	})
}

func TestRequestIDAndAccessLog(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client(t)
	r := want(t, c.do("GET", "/api/v1/categories", nil, HeaderRequestID, "req-abc-123"), 200)
	if got := r.Header.Get(HeaderRequestID); got != "req-abc-123" {
		t.Fatalf("request id not echoed: %q", got)
	}
	r = want(t, c.do("GET", "/api/v1/categories", nil, HeaderRequestID, "bad id\twith tabs"), 200)
	gen := r.Header.Get(HeaderRequestID)
	if gen == "" || strings.ContainsAny(gen, " \t") {
		t.Fatalf("unsafe request id kept or none generated: %q", gen)
	}
	r = want(t, c.do("GET", "/api/v1/products", nil), 200)
	if r.Header.Get(HeaderRequestID) == "" {
		t.Fatal("no request id generated")
	}

	// A panic becomes a 500 with the request id, logged with it.
	e.srv.App().Get("/test/panic", markMatched, func(*fiber.Ctx) error { panic("boom") })
	r = c.do("GET", "/test/panic", nil, HeaderRequestID, "req-panic-1")
	eb := wantErr(t, r, 500, "internal")
	if !strings.Contains(eb.Error.Message, "req-panic-1") || strings.Contains(eb.Error.Message, "boom") {
		t.Fatalf("500 message: %q", eb.Error.Message)
	}
	// The server keeps serving.
	want(t, c.do("GET", "/healthz", nil), 200)

	lines := logLines(t, e.logs.String())
	var sawAccess, sawPanic, sawError bool
	for _, l := range lines {
		if l["msg"] == "request" {
			if l["request_id"] == nil || l["request_id"] == "" || l["route"] == nil || l["status"] == nil || l["method"] == nil {
				t.Fatalf("access line without fields: %v", l)
			}
			if l["request_id"] == "req-abc-123" && l["route"] == "/api/v1/categories" {
				sawAccess = true
			}
		}
		if l["request_id"] == "req-panic-1" {
			switch l["msg"] {
			case "panic":
				sawPanic = l["stack"] != nil
			case "internal error":
				sawError = true
			case "request":
				if l["level"] != "ERROR" || l["status"] != float64(500) {
					t.Fatalf("access line of the panic: %v", l)
				}
			}
		}
	}
	if !sawAccess || !sawPanic || !sawError {
		t.Fatalf("log lines missing: access %v panic %v error %v\n%s", sawAccess, sawPanic, sawError, e.logs.String())
	}
	// Client errors are not logged as errors.
	wantErr(t, c.do("GET", "/api/v1/products/nope", nil, HeaderRequestID, "req-404"), 404, "not_found")
	for _, l := range logLines(t, e.logs.String()) {
		if l["request_id"] == "req-404" && l["msg"] != "request" {
			t.Fatalf("a 404 logged more than its access line: %v", l)
		}
	}
}

func logLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client(t)
	wantErr(t, c.do("GET", "/api/v1/nope", nil), 404, "not_found")
	wantErr(t, c.do("GET", "/nope", nil), 404, "not_found")
	// A known path with another method: 405, still the one error shape.
	wantErr(t, c.do("DELETE", "/api/v1/categories", nil), 405, "invalid")
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, "sqlite", func(d *Deps) { d.AuthRateLimit = RateLimit{Max: 3, Window: time.Minute} })
	c := e.client(t)
	body := map[string]any{"email": "nobody@shop.test", "password": "wrong password"}
	for i := 0; i < 3; i++ {
		wantErr(t, c.do("POST", "/api/v1/auth/login", body), 401, "unauthorized")
	}
	r := c.do("POST", "/api/v1/auth/login", body)
	wantErr(t, r, 429, "rate_limited")
	if n, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || n < 1 || n > 60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	// Even the right password waits: the limit is per IP, not per outcome.
	wantErr(t, c.do("POST", "/api/v1/auth/login", map[string]any{"email": adminEmail, "password": adminPassword}), 429, "rate_limited")
	// Register has its own budget; other routes are not limited.
	want(t, c.do("POST", "/api/v1/auth/register", map[string]any{"email": "rl@shop.test", "password": "password123", "name": "R"}), 201)
	for i := 0; i < 5; i++ {
		want(t, c.do("GET", "/api/v1/categories", nil), 200)
	}
	// Another client IP has its own budget (behind a proxy header).
	e2 := newEnv(t, "sqlite", func(d *Deps) {
		d.AuthRateLimit = RateLimit{Max: 1, Window: time.Minute}
		d.ProxyHeader = "X-Forwarded-For"
	})
	c2 := e2.client(t)
	wantErr(t, c2.do("POST", "/api/v1/auth/login", body, "X-Forwarded-For", "10.0.0.1"), 401, "unauthorized")
	wantErr(t, c2.do("POST", "/api/v1/auth/login", body, "X-Forwarded-For", "10.0.0.1"), 429, "rate_limited")
	wantErr(t, c2.do("POST", "/api/v1/auth/login", body, "X-Forwarded-For", "10.0.0.2"), 401, "unauthorized")
	// Only the entry the load balancer appended counts: a forged prefix
	// does not buy a fresh budget.
	wantErr(t, c2.do("POST", "/api/v1/auth/login", body, "X-Forwarded-For", "203.0.113.9, 10.0.0.1"), 429, "rate_limited")
	wantErr(t, c2.do("POST", "/api/v1/auth/login", body, "X-Forwarded-For", "198.51.100.7,10.0.0.2"), 429, "rate_limited")
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, "sqlite")
	p := e.anyProduct(t)
	e.setStock(t, p.ID, 5)
	c := e.customer(t)
	want(t, c.do("GET", "/api/v1/products/"+p.Slug, nil), 200)
	wantErr(t, c.do("GET", "/api/v1/products/no-such-slug-123", nil), 404, "not_found")
	wantErr(t, c.do("GET", "/definitely/not/a/route/4711", nil), 404, "not_found")
	want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)
	wantErr(t, c.do("POST", "/api/v1/orders", c.shown(checkoutBody("4000000000000002")), HeaderIdempotencyKey, "m-1"), 402, "payment_declined")
	placed := c.shown(checkoutBody(goodCard))
	want(t, c.do("POST", "/api/v1/orders", placed, HeaderIdempotencyKey, "m-2"), 201)
	want(t, c.do("POST", "/api/v1/orders", placed, HeaderIdempotencyKey, "m-2"), 200)

	r := want(t, c.do("GET", "/metrics", nil), 200)
	text := string(r.Body)
	for _, s := range []string{
		fmt.Sprintf(`%s{method="GET",route="/api/v1/products/:slug",status="200"} 1`, contract.MetricHTTPRequests),
		fmt.Sprintf(`%s{method="GET",route="/api/v1/products/:slug",status="404"} 1`, contract.MetricHTTPRequests),
		fmt.Sprintf(`%s{method="GET",route="%s",status="404"} 1`, contract.MetricHTTPRequests, contract.RouteUnmatched),
		fmt.Sprintf(`%s{method="POST",route="/api/v1/orders",status="201"} 1`, contract.MetricHTTPRequests),
		fmt.Sprintf(`%s_bucket{method="GET",route="/api/v1/products/:slug",status="200",le="+Inf"} 1`, contract.MetricHTTPRequestDuration),
		fmt.Sprintf(`%s{%s="%s"} 1`, contract.MetricCheckouts, contract.LabelResult, contract.CheckoutSucceeded),
		fmt.Sprintf(`%s{%s="%s"} 1`, contract.MetricCheckouts, contract.LabelResult, contract.CheckoutDeclined),
		fmt.Sprintf(`%s{%s="%s"} 0`, contract.MetricCheckouts, contract.LabelResult, contract.CheckoutFailed),
		contract.MetricOrdersPlaced + " 1",
		contract.MetricHTTPInFlight + " 1", // the scrape itself
		contract.MetricDBOpenConnections + " ",
		contract.MetricDBInUseConnections + " ",
		contract.MetricDBIdleConnections + " ",
		contract.MetricDBMaxOpenConns + " ",
		contract.MetricDBWaitCount + " ",
		contract.MetricDBWaitDuration + " ",
		"go_goroutines ",
		"process_resident_memory_bytes ",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("metrics lack %q", s)
		}
	}
	// The replayed checkout is neither a new checkout nor a new order.
	labelValues := regexp.MustCompile(`="([^"]*)"`).FindAllStringSubmatch(text, -1)
	for _, raw := range []string{p.Slug, "no-such-slug-123", "/definitely/not", "4711"} {
		for _, v := range labelValues {
			if strings.Contains(v[1], raw) {
				t.Errorf("a raw path value %q leaked into a metric label (%q)", raw, v[1])
			}
		}
	}
	// Every route label is a registered route template or "unmatched".
	known := map[string]bool{contract.RouteUnmatched: true}
	for _, r := range e.srv.routes {
		known[r.path] = true
	}
	for _, m := range regexp.MustCompile(`route="([^"]*)"`).FindAllStringSubmatch(text, -1) {
		if !known[m[1]] {
			t.Errorf("route label %q is not a route template", m[1])
		}
	}
}

func TestOpenAPIMatchesRouterAndDocs(t *testing.T) {
	e := newEnv(t, "sqlite")
	r := want(t, e.client(t).do("GET", contract.PathOpenAPI, nil), 200)
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	r.Into(t, &doc)
	if doc.OpenAPI != "3.0.3" || len(doc.Paths) == 0 {
		t.Fatalf("document: openapi %q, %d paths", doc.OpenAPI, len(doc.Paths))
	}
	for _, name := range []string{"Product", "Cart", "Order", "User", "Address", "ErrorBody", "Money", "PageOfProduct"} {
		if doc.Components.Schemas[name] == nil {
			t.Errorf("schema %s missing", name)
		}
	}

	key := func(method, path string) string { return strings.ToUpper(method) + " " + path }
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[key(m, p)] = true
		}
	}
	registered := map[string]bool{}
	for _, rt := range e.srv.App().GetRoutes(true) {
		if rt.Method == http.MethodHead {
			continue // Fiber adds HEAD to every GET route
		}
		registered[key(rt.Method, OpenAPIPath(rt.Path))] = true
	}
	for k := range registered {
		if !documented[k] {
			t.Errorf("route %s is not in the OpenAPI document", k)
		}
	}
	for k := range documented {
		if !registered[k] {
			t.Errorf("documented %s is not a route", k)
		}
	}

	// Every route of docs/api.md exists, and every API route is in docs/api.md.
	md, err := os.ReadFile(filepath.Join("..", "..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	inMD := map[string]bool{}
	for _, m := range regexp.MustCompile("\\| `(GET|POST|PUT|PATCH|DELETE) (/[^`? ]*)").FindAllStringSubmatch(string(md), -1) {
		k := key(m[1], contract.APIBase+m[2])
		inMD[k] = true
		if !registered[k] {
			t.Errorf("docs/api.md route %s is not registered", k)
		}
	}
	if len(inMD) < 30 {
		t.Fatalf("parsed only %d routes from docs/api.md", len(inMD))
	}
	for k := range registered {
		if strings.Contains(k, contract.APIBase) && k != key("GET", contract.PathOpenAPI) && !inMD[k] {
			t.Errorf("route %s is missing from docs/api.md", k)
		}
	}
}

func TestStaticSPA(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "assets"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>shop</title>"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "assets", "app-1234.js"), []byte("console.log(1)"), 0o644))
	e := newEnv(t, "sqlite", func(d *Deps) { d.StaticDir = dir })
	c := e.client(t)

	r := want(t, c.do("GET", "/", nil), 200)
	if !strings.Contains(string(r.Body), "<title>shop</title>") || r.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("index: %q %q", r.Body, r.Header.Get("Cache-Control"))
	}
	r = want(t, c.do("GET", "/assets/app-1234.js", nil), 200)
	if string(r.Body) != "console.log(1)" || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("asset: %q %q", r.Body, r.Header.Get("Cache-Control"))
	}
	for _, p := range []string{"/products/linen-shirt", "/account/orders/12", "/../../etc/passwd", "/assets/../../../etc/passwd"} {
		r = want(t, c.do("GET", p, nil), 200)
		if !strings.Contains(string(r.Body), "<title>shop</title>") {
			t.Fatalf("%s: history fallback served %q", p, r.Body)
		}
	}
	// The API never falls back to the client.
	wantErr(t, c.do("GET", "/api/v1/nope", nil), 404, "not_found")
	wantErr(t, c.do("GET", "/api", nil), 404, "not_found")
	want(t, c.do("GET", "/api/v1/categories", nil), 200)
	want(t, c.do("GET", "/healthz", nil), 200)
}

// TestGracefulShutdown runs the server on a real loopback listener, holds a
// request in flight, drains, and checks: readiness is 503 at once, the
// in-flight request completes, shutdown returns, new connections fail.
func TestGracefulShutdown(t *testing.T) {
	e := newEnv(t, "sqlite")
	started, release := make(chan struct{}), make(chan struct{})
	e.srv.App().Get("/test/slow", markMatched, func(c *fiber.Ctx) error {
		close(started)
		<-release
		return c.JSON(fiber.Map{"slow": "done"})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	runErr := make(chan error, 1)
	go func() { runErr <- e.srv.RunListener(ctx, ln, 0, 30*time.Second) }()

	fresh := func() *http.Client {
		return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	}
	get := func(path string) (int, string, error) {
		res, err := fresh().Get(base + path)
		if err != nil {
			return 0, "", err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), nil
	}
	// Wait until the listener serves.
	for {
		if st, _, err := get("/readyz"); err == nil {
			if st != 200 {
				t.Fatalf("readyz before drain: %d", st)
			}
			break
		}
	}

	type result struct {
		status int
		body   string
		err    error
	}
	slow := make(chan result, 1)
	go func() {
		st, body, err := get("/test/slow")
		slow <- result{st, body, err}
	}()
	<-started

	// Drain first (what SIGTERM does): readiness flips while the slow
	// request is still running.
	e.srv.Drain()
	st, body, err := get("/readyz")
	if err != nil || st != 503 || !strings.Contains(body, `"draining":true`) {
		t.Fatalf("readyz while draining: %d %q %v", st, body, err)
	}
	// Now the signal: RunListener shuts down and must wait for the request.
	stop()
	select {
	case err := <-runErr:
		t.Fatalf("server stopped with a request in flight: %v", err)
	default:
	}
	close(release)
	res := <-slow
	if res.err != nil || res.status != 200 || !strings.Contains(res.body, `"slow":"done"`) {
		t.Fatalf("in-flight request: %+v", res)
	}
	if err := <-runErr; err != nil {
		t.Fatalf("RunListener: %v", err)
	}
	if _, _, err := get("/healthz"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

// TestBodyLimit needs a real listener: fasthttp refuses an oversized body
// while reading the request, before any handler (app.Test reports that as
// its own error). The answer is still the JSON error shape.
func TestBodyLimit(t *testing.T) {
	e := newEnv(t, "sqlite", func(d *Deps) { d.BodyLimit = 1024 })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.srv.Serve(ln) }()
	t.Cleanup(func() { _ = e.srv.Shutdown(context.Background()) })
	base := "http://" + ln.Addr().String()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for _, r := range writeRoutes(e) {
		body := `{"` + firstJSONField(r.request) + `": "` + strings.Repeat("a", 4096) + `"}`
		req, _ := http.NewRequest(r.method, base+concretePath(r.path), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", r.method, r.path, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 413 {
			t.Fatalf("%s %s: status %d: %s", r.method, r.path, res.StatusCode, b)
		}
		if code := mustErrorShape(t, b).Error.Code; code != "too_large" {
			t.Fatalf("%s %s: code %q", r.method, r.path, code)
		}
	}
	// Under the limit all is well.
	req, _ := http.NewRequest("POST", base+"/api/v1/auth/login", strings.NewReader(`{"email":"a@b.c","password":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("small body: %d", res.StatusCode)
	}
}
