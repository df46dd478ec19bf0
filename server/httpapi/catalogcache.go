package httpapi

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

// CatalogVersionFunc reports the version of what catalog reads show and
// whether it is tracked (store.Store.CatalogVersion). A response read at
// version v is reused only while the version is still v and tracked.
type CatalogVersionFunc func() (version uint64, tracked bool)

// catalogCacheControl lets browsers and a CDN reuse a catalog read for 30
// seconds and serve it for another 60 while they revalidate (a 304 when
// nothing changed). A shopper may so see a price or stock level up to 30 s
// old (90 s in the background of a revalidation); checkout re-reads both
// under lock, so a stale page never sells what is gone or at a stale price.
const catalogCacheControl = "public, max-age=30, stale-while-revalidate=60"

// catalogCacheBytes caps the memory of the server's catalog cache (bodies
// and their gzip and brotli variants); the least recently used entries go
// first. 64 MiB holds every product page of a 10,000-product catalog with
// room for lists and searches, within the pod's 512 MiB limit.
const catalogCacheBytes = 64 << 20

// minCompressBytes: smaller bodies are sent as they are (a few packets
// either way, and gzip's framing can make them larger).
const minCompressBytes = 1024

// encoded is one catalog response body with its compressed variants and
// validators. It is immutable once built.
type encoded struct {
	identity, gzip, br []byte // gzip and br nil when not worth it
	etag               string // strong, of the identity body: "sha256-prefix"
}

func (e *encoded) size() int { return len(e.identity) + len(e.gzip) + len(e.br) + len(e.etag) + 64 }

// encodeCatalog encodes v as JSON and, when the body is big enough,
// compresses it both ways (once, for every hit that follows).
func encodeCatalog(v any) (*encoded, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	e := &encoded{identity: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	if len(body) >= minCompressBytes {
		e.gzip = gzipBytes(body)
		e.br = brotliBytes(body)
	}
	return e, nil
}

// The compressors are pooled: a brotli writer allocates its window and
// hash tables (megabytes) when made, which on a miss cost more than the
// compression itself.
var (
	gzipWriters   = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}
	brotliWriters = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, 6) }} // 11 costs ~10x the CPU of 6 on a miss for a few % less
)

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b) / 3)
	w := gzipWriters.Get().(*gzip.Writer)
	w.Reset(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	gzipWriters.Put(w)
	return buf.Bytes()
}

func brotliBytes(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b) / 3)
	w := brotliWriters.Get().(*brotli.Writer)
	w.Reset(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	brotliWriters.Put(w)
	return buf.Bytes()
}

// variant picks the representation for an Accept-Encoding header: brotli,
// then gzip, then identity. Each representation has its own strong ETag
// (the identity's with a suffix), as RFC 9110 asks of strong validators.
func (e *encoded) variant(acceptEncoding string) (body []byte, encoding, etag string) {
	if e.br != nil && accepts(acceptEncoding, "br") {
		return e.br, "br", e.etag[:len(e.etag)-1] + `-br"`
	}
	if e.gzip != nil && accepts(acceptEncoding, "gzip") {
		return e.gzip, "gzip", e.etag[:len(e.etag)-1] + `-gzip"`
	}
	return e.identity, "", e.etag
}

// accepts reports whether an Accept-Encoding header allows coding (named,
// or "*", with a q-value above 0).
func accepts(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, coding) && name != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		return q > 0
	}
	return false
}

// notModified reports whether If-None-Match names the representation
// (weak comparison, as RFC 9110 prescribes for If-None-Match).
func notModified(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// catalogCache is the server's cache of encoded catalog responses, keyed
// by the normalized query, for one catalog version at a time: when the
// version moves, every entry is dropped. Bounded by catalogCacheBytes.
type catalogCache struct {
	version CatalogVersionFunc
	limit   int

	mu      sync.Mutex
	at      uint64 // the version the entries belong to
	bytes   int
	order   *list.List // of *cacheItem, most recently used first
	items   map[string]*list.Element
	loading map[string]*loadCall // single flight per key and version

	hits, misses atomic.Uint64
}

type cacheItem struct {
	key string
	e   *encoded
}

type loadCall struct {
	done chan struct{}
	e    *encoded
	err  error
}

func newCatalogCache(version CatalogVersionFunc, limit int) *catalogCache {
	return &catalogCache{version: version, limit: limit, order: list.New(), items: map[string]*list.Element{}, loading: map[string]*loadCall{}}
}

// resetTo drops everything when the version moved forward. Called with
// mu held.
func (c *catalogCache) resetTo(v uint64) {
	if v <= c.at {
		return
	}
	c.at, c.bytes = v, 0
	c.order.Init()
	c.items = map[string]*list.Element{}
	c.loading = map[string]*loadCall{}
}

// get returns the entry for key, loading (once, however many requests ask
// at the same time) and keeping it when the catalog is tracked. Errors of
// load are returned unchanged and never cached.
func (c *catalogCache) get(ctx context.Context, key string, load func(context.Context) (any, error)) (*encoded, error) {
	build := func() (*encoded, error) {
		v, err := load(ctx)
		if err != nil {
			return nil, err
		}
		return encodeCatalog(v)
	}
	if c == nil || c.version == nil {
		return build()
	}
	v, tracked := c.version()
	if !tracked {
		c.misses.Add(1)
		return build()
	}
	key = strconv.FormatUint(v, 10) + " " + key
	c.mu.Lock()
	c.resetTo(v)
	if v < c.at {
		// Another request already saw a newer version: this one's read
		// may be served, never kept.
		c.mu.Unlock()
		c.misses.Add(1)
		return build()
	}
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		c.hits.Add(1)
		return el.Value.(*cacheItem).e, nil
	}
	c.misses.Add(1)
	if call, ok := c.loading[key]; ok {
		c.mu.Unlock()
		select {
		case <-call.done:
			if call.err == nil {
				return call.e, nil
			}
			// The leader's error may be its own (its request's context):
			// load for this request instead.
			return build()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	call := &loadCall{done: make(chan struct{})}
	c.loading[key] = call
	c.mu.Unlock()

	call.e, call.err = build()
	close(call.done)

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loading[key] == call {
		delete(c.loading, key)
	}
	// Keep the entry only if nothing changed while it was read: a write
	// that committed meanwhile moved the version, and the body may predate it.
	if now, tracked := c.version(); call.err != nil || !tracked || now != v {
		return call.e, call.err
	}
	c.resetTo(v)
	if _, ok := c.items[key]; !ok && v == c.at && call.e.size() <= c.limit/8 {
		c.items[key] = c.order.PushFront(&cacheItem{key: key, e: call.e})
		c.bytes += call.e.size()
		for c.bytes > c.limit {
			last := c.order.Back()
			it := last.Value.(*cacheItem)
			c.order.Remove(last)
			delete(c.items, it.key)
			c.bytes -= it.e.size()
		}
	}
	return call.e, nil
}

// sendCatalog answers a public catalog GET from its encoded body: the
// representation the client accepts, its ETag, 304 when If-None-Match
// names it, and the public Cache-Control.
func sendCatalog(c *fiber.Ctx, e *encoded) error {
	body, encoding, etag := e.variant(c.Get(fiber.HeaderAcceptEncoding))
	c.Locals(localsPrecompressed, true)
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	c.Set(fiber.HeaderCacheControl, catalogCacheControl)
	c.Set(fiber.HeaderETag, etag)
	if notModified(c.Get(fiber.HeaderIfNoneMatch), etag) {
		c.Status(fiber.StatusNotModified)
		c.Response().ResetBody()
		return nil
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	if encoding != "" {
		c.Set(fiber.HeaderContentEncoding, encoding)
	}
	return c.Send(body)
}

// catalogJSON answers a public catalog GET through the cache; key is the
// normalized query (route and validated parameters).
func (s *Server) catalogJSON(c *fiber.Ctx, key string, load func(context.Context) (any, error)) error {
	e, err := s.catalogCache.get(c.UserContext(), key, load)
	if err != nil {
		return err
	}
	return sendCatalog(c, e)
}
