package httpapi

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// clientRoutesFile is the client's one route table (client/src/routes.json);
// the build copies it to dist/routes.json, which the static handler reads.
var clientRoutesFile = filepath.Join("..", "..", "client", "src", "routes.json")

// staticBuild writes a small build like Vite's into a temporary directory:
// index.html, one fingerprinted script and the client's real route table.
func staticBuild(t *testing.T) (dir string, index, script []byte) {
	t.Helper()
	dir = t.TempDir()
	routes, err := os.ReadFile(clientRoutesFile)
	if err != nil {
		t.Fatal(err)
	}
	// Big enough to be worth compressing, like the real index.html and bundle.
	index = []byte("<!doctype html><html lang=\"en\"><head><title>shop</title></head><body><div id=\"root\"></div>" +
		strings.Repeat("<!-- padding so that compression pays -->", 40) + "</body></html>")
	script = []byte(strings.Repeat("console.log('the storefront bundle');\n", 200))
	for name, body := range map[string][]byte{"index.html": index, "assets/index-1234abcd.js": script, SPARoutesFile: routes, "favicon.svg": []byte("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, index, script
}

// examplePath fills a route pattern's parameters ("/products/:slug" ->
// "/products/x1").
func examplePath(pattern string) string {
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = "x1"
		}
	}
	return strings.Join(segs, "/")
}

func TestStaticAnswers404ForPathsOutsideTheClientRoutes(t *testing.T) {
	dir, index, _ := staticBuild(t)
	e := newEnv(t, "sqlite", func(d *Deps) { d.StaticDir = dir })
	c := e.client(t)

	var patterns []string
	b, _ := os.ReadFile(clientRoutesFile)
	if err := json.Unmarshal(b, &patterns); err != nil || len(patterns) < 10 {
		t.Fatalf("client route table: %v (%d patterns)", err, len(patterns))
	}
	for _, p := range patterns {
		for _, path := range []string{examplePath(p), examplePath(p) + "?page=2", strings.TrimSuffix(examplePath(p), "/") + "/"} {
			r := want(t, c.do("GET", path, nil), 200)
			if !bytes.Equal(r.Body, index) || r.Header.Get("Cache-Control") != "no-cache" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s (route %s): %q, Cache-Control %q", path, p, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
			}
		}
	}
	// Unknown paths get the app's page (it shows "not found") with a 404.
	for _, path := range []string{"/nope", "/catalog/extra", "/products", "/products/a/b", "/account/orders", "/admin/products/1/edit", "/index", "/../../etc/passwd"} {
		r := c.do("GET", path, nil)
		if r.Status != 404 || !bytes.Equal(r.Body, index) || r.Header.Get("Cache-Control") != "no-cache" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %q %q", path, r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
		}
	}
	// A missing script is a plain 404, never the app's HTML.
	for _, path := range []string{"/assets/index-doesnotexist.js", "/assets/", "/assets/x.css"} {
		r := wantErr(t, c.do("GET", path, nil), 404, "not_found")
		if strings.Contains(string(r.Error.Message), "<") {
			t.Errorf("%s: %+v", path, r)
		}
	}
	// Real files still serve; the API and the probes never fall back.
	want(t, c.do("GET", "/favicon.svg", nil), 200)
	wantErr(t, c.do("GET", "/api/v1/nope", nil), 404, "not_found")
	want(t, c.do("GET", "/healthz", nil), 200)
}

func TestStaticCompressesAndCaches(t *testing.T) {
	dir, index, script := staticBuild(t)
	e := newEnv(t, "sqlite", func(d *Deps) { d.StaticDir = dir })
	c := e.client(t)
	gunzip := func(b []byte) []byte {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	unbrotli := func(b []byte) []byte {
		t.Helper()
		out, err := io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	tests := []struct {
		path, acceptEncoding, wantEncoding, wantCache string
		status                                        int
		body                                          []byte
		decode                                        func([]byte) []byte
	}{
		{"/", "", "", "no-cache", 200, index, nil},
		{"/", "gzip, deflate", "gzip", "no-cache", 200, index, gunzip},
		{"/", "gzip, deflate, br", "br", "no-cache", 200, index, unbrotli},
		{"/catalog", "gzip", "gzip", "no-cache", 200, index, gunzip},
		{"/no-such-page", "gzip", "gzip", "no-cache", 404, index, gunzip},
		{"/assets/index-1234abcd.js", "", "", "public, max-age=31536000, immutable", 200, script, nil},
		{"/assets/index-1234abcd.js", "gzip", "gzip", "public, max-age=31536000, immutable", 200, script, gunzip},
		{"/assets/index-1234abcd.js", "br", "br", "public, max-age=31536000, immutable", 200, script, unbrotli},
	}
	for _, tc := range tests {
		r := c.do("GET", tc.path, nil, "Accept-Encoding", tc.acceptEncoding)
		name := tc.path + " [" + tc.acceptEncoding + "]"
		if r.Status != tc.status {
			t.Errorf("%s: status %d, want %d", name, r.Status, tc.status)
		}
		if got := r.Header.Get("Content-Encoding"); got != tc.wantEncoding {
			t.Errorf("%s: Content-Encoding %q, want %q (%v)", name, got, tc.wantEncoding, r.Header)
		}
		if got := r.Header.Values("Vary"); len(got) != 1 || got[0] != "Accept-Encoding" {
			t.Errorf("%s: Vary %q, want exactly Accept-Encoding", name, got)
		}
		if got := r.Header.Get("Cache-Control"); got != tc.wantCache {
			t.Errorf("%s: Cache-Control %q, want %q", name, got, tc.wantCache)
		}
		body := r.Body
		if tc.decode != nil {
			if len(body) >= len(tc.body)/2 {
				t.Errorf("%s: %d bytes compressed of %d: too little saved", name, len(body), len(tc.body))
			}
			body = tc.decode(body)
		}
		if !bytes.Equal(body, tc.body) {
			t.Errorf("%s: body differs from the file (%d bytes, want %d)", name, len(body), len(tc.body))
		}
	}
}
