package httpapi

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// maxRequestHeaderBytes bounds the request line plus headers (Fiber's
// ReadBufferSize): room for a long URL, so a browser navigation gets the
// app (which then caps its own search query) rather than a bare 431.
const maxRequestHeaderBytes = 32 << 10

// SPARoutesFile is the client's route table in the build (client/src/routes.json,
// copied by client/vite.config.ts): the patterns ("/products/:slug") its
// router renders. The static handler answers 200 for them and 404 (with
// the app's page, which shows "not found") for every other path.
const SPARoutesFile = "routes.json"

// Cache-Control of the static files: Vite fingerprints everything under
// assets/, so those never change; every other file (index.html above all,
// which names the current assets) is revalidated on each use.
const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// spaRoutes is the client's route table, matched like client/src/lib/match.ts:
// same number of segments, ":name" matches any non-empty segment, trailing
// slashes ignored.
type spaRoutes [][]string

func loadSPARoutes(dir string) (spaRoutes, error) {
	b, err := os.ReadFile(filepath.Join(dir, SPARoutesFile))
	if err != nil {
		return nil, err
	}
	var patterns []string
	if err := json.Unmarshal(b, &patterns); err != nil {
		return nil, fmt.Errorf("%s: %w", SPARoutesFile, err)
	}
	if len(patterns) == 0 {
		return nil, fmt.Errorf("%s: no routes", SPARoutesFile)
	}
	out := make(spaRoutes, 0, len(patterns))
	for _, p := range patterns {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("%s: pattern %q does not start with /", SPARoutesFile, p)
		}
		out = append(out, splitPath(p))
	}
	return out, nil
}

func splitPath(p string) []string {
	p = strings.TrimRight(p, "/")
	if p == "" {
		return []string{""}
	}
	return strings.Split(p, "/")
}

func (r spaRoutes) match(path string) bool {
	got := splitPath(path)
	for _, want := range r {
		if len(want) != len(got) {
			continue
		}
		ok := true
		for i, w := range want {
			if strings.HasPrefix(w, ":") {
				ok = got[i] != ""
			} else {
				ok = w == got[i]
			}
			if !ok {
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// compressStatic negotiates brotli, gzip or deflate for compressible
// content types (fasthttp decides by Content-Type and size, and adds
// Vary: Accept-Encoding when it compresses).
var compressStatic = compress.New(compress.Config{Level: compress.LevelDefault})

// static serves the built client from Deps.StaticDir (the one-port local
// storefront of `task up`). A path that names a file serves it; a path
// under /assets/ that names none is a 404 (a stale tab must fail loudly,
// never parse HTML as script); any other path serves index.html, with 200
// when it is one of the client's routes (SPARoutesFile) and 404 otherwise,
// so crawlers see no soft 404s while people still get the app's own
// "not found" page. API paths never fall back: an unknown one is a JSON
// 404.
func (s *Server) static(c *fiber.Ctx) error {
	p := c.Path()
	if p == contract.APIPrefix || strings.HasPrefix(p, contract.APIPrefix+"/") {
		return domain.NotFound("no such route")
	}
	for _, h := range staticHeaders { // the client's own CSP, as nginx sends it
		c.Set(h[0], h[1])
	}
	// Clean against "/" first so ".." can never climb out of root.
	clean := filepath.ToSlash(filepath.Clean("/" + p))
	// Every answer below may be compressed, so every one varies by it.
	c.Vary(fiber.HeaderAcceptEncoding)
	root := s.deps.StaticDir
	name := filepath.Join(root, filepath.FromSlash(clean))
	isAsset := clean == "/assets" || strings.HasPrefix(clean, "/assets/")
	if fi, err := os.Stat(name); err == nil && !fi.IsDir() {
		if isAsset {
			c.Set(fiber.HeaderCacheControl, cacheImmutable)
		} else {
			c.Set(fiber.HeaderCacheControl, cacheRevalidate)
		}
		return sendStaticFile(c, name)
	}
	if isAsset {
		return domain.NotFound("no such asset")
	}
	index := filepath.Join(root, "index.html")
	if _, err := os.Stat(index); err != nil {
		return domain.NotFound("no such page")
	}
	if s.spaRoutes != nil && !s.spaRoutes.match(clean) {
		c.Status(fiber.StatusNotFound)
	}
	c.Set(fiber.HeaderCacheControl, cacheRevalidate)
	return sendStaticFile(c, index)
}

// sendStaticFile sends a file of the build from memory. Not c.SendFile:
// it drops the request's Accept-Encoding, so nothing would be compressed.
// The build's files are small (the largest script is a few hundred KB).
func sendStaticFile(c *fiber.Ctx, name string) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return domain.NotFound("no such file")
	}
	ext := filepath.Ext(name)
	switch ext {
	case ".html", ".js", ".css", ".json", ".txt", ".svg", ".xml", ".webmanifest":
		c.Type(ext, "utf-8")
	default:
		c.Type(ext)
	}
	return c.Send(b)
}
