package httpapi

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/valyala/fasthttp"
)

// Handler benchmarks: the real app and the real (SQLite) store, called
// in-process through Fiber's fasthttp handler, without sockets. The load
// benchmark over loopback on PostgreSQL is server/bench (`go tool task bench`).

func benchRequest(b *testing.B, e *testEnv, method, uri string, body []byte, status int, headers ...string) {
	h := e.srv.App().Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var ctx fasthttp.RequestCtx
		var req fasthttp.Request
		req.Header.SetMethod(method)
		req.SetRequestURI(uri)
		if body != nil {
			req.Header.SetContentType("application/json")
			req.SetBody(body)
		}
		for j := 0; j+1 < len(headers); j += 2 {
			req.Header.Set(headers[j], headers[j+1])
		}
		ctx.Init(&req, nil, nil)
		h(&ctx)
		if got := ctx.Response.StatusCode(); got != status {
			b.Fatalf("%s %s: %d %s", method, uri, got, ctx.Response.Body())
		}
	}
}

func BenchmarkHealthz(b *testing.B) {
	e := newEnv(b, "sqlite")
	benchRequest(b, e, "GET", "/healthz", nil, 200)
}

func BenchmarkProductList(b *testing.B) {
	e := newEnv(b, "sqlite")
	benchRequest(b, e, "GET", "/api/v1/products", nil, 200)
}

func BenchmarkProductDetail(b *testing.B) {
	e := newEnv(b, "sqlite")
	p := e.anyProduct(b)
	benchRequest(b, e, "GET", "/api/v1/products/"+p.Slug, nil, 200)
}

func BenchmarkSearch(b *testing.B) {
	e := newEnv(b, "sqlite")
	p := e.anyProduct(b)
	benchRequest(b, e, "GET", "/api/v1/search?q="+urlQuery(p.Name), nil, 200)
}

func BenchmarkAddToCartGuest(b *testing.B) {
	e := newEnv(b, "sqlite")
	p := e.anyProduct(b)
	e.setStock(b, p.ID, 1_000_000)
	body, _ := json.Marshal(map[string]any{"product_id": p.ID, "quantity": 1})
	benchRequest(b, e, "POST", "/api/v1/cart/items", body, 200)
}

func BenchmarkDecodeStrict(b *testing.B) {
	body := []byte(fmt.Sprintf(`{"product_id": %d, "quantity": %d}`, 12, 3))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var in addItemRequest
		if err := decodeStrict(body, &in); err != nil {
			b.Fatal(err)
		}
		if err := requireMembers(map[string]bool{"product_id": in.ProductID != nil, "quantity": in.Quantity != nil}); err != nil {
			b.Fatal(err)
		}
	}
}
