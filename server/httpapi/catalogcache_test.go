package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/seed"
	"github.com/shopstack/shopstack/server/store"
)

// catalogVisibleWithin is the documented bound (docs/server.md) within
// which a committed catalog write shows on every replica's catalog reads.
const catalogVisibleWithin = time.Second

// waitTracked waits until the store's catalog version is tracked (on
// PostgreSQL: its listener is connected), i.e. the cache is on.
func waitTracked(t testing.TB, st *store.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, tracked := st.CatalogVersion(); tracked {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the catalog version never became tracked (no LISTEN connection)")
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not an assertion
	}
}

// getHit fetches path until an answer comes from the server's catalog
// cache (same body as the read before it, one more hit). It retries a few
// times because the notification of an earlier write of this same test
// may arrive (and drop the cache) between two reads.
func getHit(t testing.TB, e *testEnv, path string) *response {
	t.Helper()
	// On PostgreSQL nothing is cached until the listener listens: on a
	// loaded machine the twenty tries below can all come before that.
	waitTracked(t, e.store)
	c := e.client(t)
	prev := want(t, c.do("GET", path, nil), 200)
	for range 20 {
		hits := e.srv.catalogCache.hits.Load()
		r := want(t, c.do("GET", path, nil), 200)
		if e.srv.catalogCache.hits.Load() == hits+1 {
			if !bytes.Equal(prev.Body, r.Body) || prev.Header.Get("ETag") != r.Header.Get("ETag") {
				t.Fatalf("GET %s: a hit answered differently", path)
			}
			return r
		}
		prev = r
	}
	t.Fatalf("GET %s: never served from the cache", path)
	return nil
}

// Every write that changes what a catalog read shows is visible on the
// next read of the same server (read your writes), on both databases.
func TestCatalogCacheInvalidation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		waitTracked(t, e.store)
		a := e.admin(t)
		p := e.anyProduct(t)
		detail := "/api/v1/products/" + p.Slug
		list := "/api/v1/products?sort=name&per_page=100"
		var got domain.Product
		var page domain.Page[domain.Product]
		var cats itemsBody[domain.Category]
		inList := func() *domain.Product {
			want(t, e.client(t).do("GET", list, nil), 200).Into(t, &page)
			for i := range page.Items {
				if page.Items[i].ID == p.ID {
					return &page.Items[i]
				}
			}
			return nil
		}
		countOf := func() int {
			want(t, e.client(t).do("GET", "/api/v1/categories", nil), 200).Into(t, &cats)
			for _, c := range cats.Items {
				if c.Slug == p.Category.Slug {
					return c.ProductCount
				}
			}
			t.Fatalf("category %s not listed", p.Category.Slug)
			return 0
		}

		// Admin edit: price.
		getHit(t, e, detail)
		getHit(t, e, list)
		want(t, a.do("PATCH", fmt.Sprintf("/api/v1/admin/products/%d", p.ID), map[string]any{"price": p.Price.Amount + 100}), 200)
		want(t, e.client(t).do("GET", detail, nil), 200).Into(t, &got)
		if got.Price.Amount != p.Price.Amount+100 {
			t.Fatalf("detail after the price edit: %d, want %d", got.Price.Amount, p.Price.Amount+100)
		}
		if lp := inList(); lp == nil || lp.Price.Amount != p.Price.Amount+100 {
			t.Fatalf("list after the price edit: %+v", lp)
		}

		// Stock: set by the admin, then taken by a checkout.
		getHit(t, e, detail)
		e.setStock(t, p.ID, 5)
		want(t, e.client(t).do("GET", detail, nil), 200).Into(t, &got)
		if got.Stock != 5 || !got.InStock {
			t.Fatalf("detail after the stock change: %d", got.Stock)
		}
		getHit(t, e, detail)
		getHit(t, e, list)
		c := e.customer(t)
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 5}), 200)
		want(t, c.do("POST", "/api/v1/orders", c.shown(checkoutBody(goodCard)), "Idempotency-Key", "cache-order"), 201)
		want(t, e.client(t).do("GET", detail, nil), 200).Into(t, &got)
		if got.Stock != 0 || got.InStock {
			t.Fatalf("detail after checkout took the stock: %d in stock=%v", got.Stock, got.InStock)
		}
		if lp := inList(); lp == nil || lp.InStock {
			t.Fatalf("list after checkout took the stock: %+v", lp)
		}

		// Deactivation hides it everywhere, categories' counts included.
		before := countOf()
		getHit(t, e, "/api/v1/categories")
		getHit(t, e, detail)
		want(t, a.do("DELETE", fmt.Sprintf("/api/v1/admin/products/%d", p.ID), nil), 200)
		wantErr(t, e.client(t).do("GET", detail, nil), 404, "not_found")
		if lp := inList(); lp != nil {
			t.Fatal("a deactivated product is still listed")
		}
		if after := countOf(); after != before-1 {
			t.Fatalf("category count after deactivation: %d, want %d", after, before-1)
		}
	})
}

// newReplica is one more server with its own store (its own connection
// pool and LISTEN connection) on the PostgreSQL database dsn.
func newReplica(t *testing.T, dsn string) *testEnv {
	t.Helper()
	db, err := store.OpenPostgres(dsn, 4)
	if err != nil {
		t.Fatal(err)
	}
	st := newStore(db)
	t.Cleanup(func() { _ = st.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	go st.WatchCatalog(ctx, slog.New(slog.DiscardHandler))
	t.Cleanup(cancel)
	logs := &syncBuffer{}
	srv := New(Deps{
		CatalogVersion: st.CatalogVersion,
		Services:       st.Services(),
		DB:             st.DB(),
		Image:          seed.SVG,
		Logger:         slog.New(slog.NewJSONHandler(logs, nil)),
		AuthRateLimit:  RateLimit{Max: 1_000_000, Window: time.Minute},
	})
	waitTracked(t, st)
	return &testEnv{srv: srv, store: st, logs: logs}
}

// Two replicas on one PostgreSQL: a write through one shows on the other
// within catalogVisibleWithin, although the other had the old answer in
// its cache and its own store never saw the write (only NOTIFY tells it).
func TestCatalogCacheAcrossReplicas(t *testing.T) {
	pg := seededServer(t)
	dsn := pg.NewDatabase(t, pgTemplate)
	writer, reader := newReplica(t, dsn), newReplica(t, dsn)
	a := writer.admin(t)
	p := reader.anyProduct(t)
	detail := "/api/v1/products/" + p.Slug

	// eventually polls the reader until ok or the bound passes.
	eventually := func(what string, ok func() bool) {
		t.Helper()
		start := time.Now()
		for !ok() {
			if time.Since(start) > catalogVisibleWithin {
				t.Fatalf("%s: not visible on the other replica within %s", what, catalogVisibleWithin)
			}
			time.Sleep(2 * time.Millisecond) // polling interval, not an assertion
		}
		t.Logf("%s: visible on the other replica after %s", what, time.Since(start).Round(time.Millisecond))
	}
	var got domain.Product

	getHit(t, reader, detail)
	want(t, a.do("PATCH", fmt.Sprintf("/api/v1/admin/products/%d", p.ID), map[string]any{"price": p.Price.Amount + 700}), 200)
	eventually("price edit", func() bool {
		want(t, reader.client(t).do("GET", detail, nil), 200).Into(t, &got)
		return got.Price.Amount == p.Price.Amount+700
	})

	getHit(t, reader, detail)
	writer.setStock(t, p.ID, 0)
	eventually("stock to zero", func() bool {
		want(t, reader.client(t).do("GET", detail, nil), 200).Into(t, &got)
		return !got.InStock && got.Stock == 0
	})

	getHit(t, reader, detail)
	want(t, a.do("DELETE", fmt.Sprintf("/api/v1/admin/products/%d", p.ID), nil), 200)
	eventually("deactivation", func() bool {
		return reader.client(t).do("GET", detail, nil).Status == 404
	})
}

// decoded is r with its body decoded (the schema check reads JSON).
func decoded(t testing.TB, r *response) *response {
	if r.Header.Get("Content-Encoding") == "" {
		return r
	}
	d := *r
	d.Body = decode(t, r)
	return &d
}

func decode(t testing.TB, r *response) []byte {
	t.Helper()
	var rd io.Reader = bytes.NewReader(r.Body)
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "":
		return r.Body
	case "gzip":
		zr, err := gzip.NewReader(rd)
		if err != nil {
			t.Fatal(err)
		}
		rd = zr
	case "br":
		rd = brotli.NewReader(rd)
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Catalog reads carry a strong ETag, answer 304 to If-None-Match, are
// publicly cacheable and come compressed when the client accepts it.
func TestCatalogHTTPCaching(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		c := e.client(t)
		for _, path := range []string{"/api/v1/categories", "/api/v1/products", "/api/v1/products?category=" + p.Category.Slug + "&sort=price_desc",
			"/api/v1/products/" + p.Slug, "/api/v1/search?q=" + urlQuery(strings.Fields(p.Name)[0])} {
			plain := want(t, c.do("GET", path, nil, "Accept-Encoding", ""), 200)
			etag := plain.Header.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
				t.Fatalf("%s: ETag %q is not a strong validator", path, etag)
			}
			if got := plain.Header.Get("Cache-Control"); got != catalogCacheControl {
				t.Fatalf("%s: Cache-Control %q", path, got)
			}
			if got := plain.Header.Get("Vary"); !strings.Contains(got, "Accept-Encoding") {
				t.Fatalf("%s: Vary %q", path, got)
			}
			if ct := plain.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("%s: Content-Type %q", path, ct)
			}
			if plain.Header.Get("Content-Encoding") != "" {
				t.Fatalf("%s: compressed without Accept-Encoding", path)
			}
			nm := c.do("GET", path, nil, "Accept-Encoding", "", "If-None-Match", etag)
			if nm.Status != 304 || len(nm.Body) != 0 || nm.Header.Get("ETag") != etag || nm.Header.Get("Cache-Control") != catalogCacheControl {
				t.Fatalf("%s: If-None-Match %s: %d %v %q", path, etag, nm.Status, nm.Header, nm.Body)
			}
			if r := c.do("GET", path, nil, "Accept-Encoding", "", "If-None-Match", `"other"`); r.Status != 200 {
				t.Fatalf("%s: a different ETag got %d", path, r.Status)
			}
			for _, enc := range []string{"gzip", "br"} {
				r := want(t, c.do("GET", path, nil, "Accept-Encoding", enc), 200)
				if len(plain.Body) < minCompressBytes {
					if r.Header.Get("Content-Encoding") != "" {
						t.Fatalf("%s: a %d-byte body was compressed", path, len(plain.Body))
					}
					continue
				}
				if r.Header.Get("Content-Encoding") != enc {
					t.Fatalf("%s: Accept-Encoding %s answered Content-Encoding %q", path, enc, r.Header.Get("Content-Encoding"))
				}
				if len(r.Body) >= len(plain.Body) {
					t.Fatalf("%s: %s body %d bytes, identity %d", path, enc, len(r.Body), len(plain.Body))
				}
				if !bytes.Equal(decode(t, r), plain.Body) {
					t.Fatalf("%s: the %s body does not decode to the identity body", path, enc)
				}
				if r.Header.Get("ETag") == etag {
					t.Fatalf("%s: the %s representation shares the identity's strong ETag", path, enc)
				}
				if nm := c.do("GET", path, nil, "Accept-Encoding", enc, "If-None-Match", r.Header.Get("ETag")); nm.Status != 304 {
					t.Fatalf("%s: %s If-None-Match got %d", path, enc, nm.Status)
				}
			}
		}
		// gzip;q=0 refuses gzip; "*" accepts brotli.
		if r := c.do("GET", "/api/v1/products?per_page=100", nil, "Accept-Encoding", "gzip;q=0"); r.Header.Get("Content-Encoding") != "" {
			t.Fatalf("gzip;q=0 got %q", r.Header.Get("Content-Encoding"))
		}
		if r := c.do("GET", "/api/v1/products?per_page=100", nil, "Accept-Encoding", "*"); r.Header.Get("Content-Encoding") != "br" {
			t.Fatalf("* got %q", r.Header.Get("Content-Encoding"))
		}

		// Equivalent queries are one entry (same ETag); a different one is not.
		base := c.do("GET", "/api/v1/products", nil).Header.Get("ETag")
		if got := c.do("GET", "/api/v1/products?page=1&per_page=24&sort=featured", nil).Header.Get("ETag"); got != base {
			t.Fatalf("explicit defaults: ETag %q, want %q", got, base)
		}
		if got := c.do("GET", "/api/v1/products?sort=name", nil).Header.Get("ETag"); got == base {
			t.Fatal("another sort shares the ETag")
		}

		// Errors pass through unchanged and are never publicly cacheable.
		for _, path := range []string{"/api/v1/products?sort=bogus", "/api/v1/products/no-such-product", "/api/v1/search?q="} {
			r := c.do("GET", path, nil)
			if r.Status < 400 || strings.Contains(r.Header.Get("Cache-Control"), "public") || r.Header.Get("ETag") != "" {
				t.Fatalf("%s: %d Cache-Control %q ETag %q", path, r.Status, r.Header.Get("Cache-Control"), r.Header.Get("ETag"))
			}
			mustErrorShape(t, r.Body)
		}
	})
}

// The cache stays within its byte cap (least recently used out first) and
// keeps nothing across a version change or while untracked.
func TestCatalogCacheBounds(t *testing.T) {
	var version uint64
	tracked := true
	c := newCatalogCache(func() (uint64, bool) { return version, tracked }, 64<<10)
	loads := 0
	body := strings.Repeat("x", 2000)
	get := func(key string) {
		t.Helper()
		if _, err := c.get(context.Background(), key, func(context.Context) (any, error) { loads++; return body, nil }); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 200; i++ {
		get(fmt.Sprint(i))
		if c.bytes > c.limit {
			t.Fatalf("after %d entries the cache holds %d bytes, cap %d", i+1, c.bytes, c.limit)
		}
	}
	loads = 0
	get("199")
	if loads != 0 {
		t.Fatal("the most recent entry was evicted")
	}
	get("0")
	if loads != 1 {
		t.Fatal("the oldest entry was kept beyond the cap")
	}
	version++
	get("199")
	if loads != 2 {
		t.Fatal("an entry survived a version change")
	}
	tracked = false
	get("199")
	get("199")
	if loads != 4 {
		t.Fatal("an untracked catalog was served from the cache")
	}
	// An error is returned as it is and not kept.
	tracked = true
	var boom error = domain.Internal("database down")
	if _, err := c.get(context.Background(), "err", func(context.Context) (any, error) { return nil, boom }); err != boom {
		t.Fatalf("error changed on the way: %v", err)
	}
	if _, ok := c.items[fmt.Sprint(version)+" err"]; ok {
		t.Fatal("an error was cached")
	}
}

// The API's other JSON answers are compressed on the fly when accepted
// and big enough; the pre-compressed catalog ones are not compressed twice.
func TestAPICompression(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.customer(t)
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)
		plain := want(t, c.do("GET", "/api/v1/cart", nil, "Accept-Encoding", ""), 200)
		if len(plain.Body) < 200 {
			t.Fatalf("the cart body is too small to test with: %d bytes", len(plain.Body))
		}
		for _, enc := range []string{"gzip", "br"} {
			r := want(t, c.do("GET", "/api/v1/cart", nil, "Accept-Encoding", enc), 200)
			if r.Header.Get("Content-Encoding") != enc || !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
				t.Fatalf("cart with Accept-Encoding %s: Content-Encoding %q Vary %q", enc, r.Header.Get("Content-Encoding"), r.Header.Get("Vary"))
			}
			if !bytes.Equal(decode(t, r), plain.Body) {
				t.Fatalf("the %s cart does not decode to the plain one", enc)
			}
			// A catalog answer is decoded once to the same body: compressed once.
			cat := want(t, c.do("GET", "/api/v1/products?per_page=100", nil, "Accept-Encoding", enc), 200)
			ident := want(t, c.do("GET", "/api/v1/products?per_page=100", nil, "Accept-Encoding", ""), 200)
			if !bytes.Equal(decode(t, cat), ident.Body) {
				t.Fatalf("the %s catalog answer is not compressed exactly once", enc)
			}
		}
	})
}

// Under concurrent reads and version moves, no read that starts after a
// version move is answered with a body read before it.
func TestCatalogCacheConcurrent(t *testing.T) {
	var version atomic.Uint64
	c := newCatalogCache(func() (uint64, bool) { return version.Load(), true }, 1<<20)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				before := version.Load()
				// The "database" answers the version current when it is read.
				e, err := c.get(context.Background(), fmt.Sprint("k", i%3), func(context.Context) (any, error) { return version.Load(), nil })
				if err != nil {
					t.Error(err)
					return
				}
				var got uint64
				if err := json.Unmarshal(e.identity, &got); err != nil {
					t.Error(err)
					return
				}
				if got < before {
					t.Errorf("a read that started at version %d was answered from version %d", before, got)
					return
				}
				if i%40 == 0 {
					version.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if c.hits.Load() == 0 {
		t.Fatal("no read was a hit")
	}
}
