package httpapi

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/server/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// maxRequestHeaderBytes bounds the request line plus headers (Fiber's
// ReadBufferSize): room for a long URL, so a browser navigation gets the
// app (which then caps its own search query) rather than a bare 431.
const maxRequestHeaderBytes = 32 << 10

// static serves the built client from Deps.StaticDir (the one-port local
// storefront of `task up`). A path that names a file serves it; any other
// non-API path serves index.html so the client's router can handle it
// (history fallback). API paths never fall back: an unknown one is a JSON
// 404.
func (s *Server) static(c *fiber.Ctx) error {
	p := c.Path()
	if p == contract.APIPrefix || strings.HasPrefix(p, contract.APIPrefix+"/") {
		return domain.NotFound("no such route")
	}
	root := s.deps.StaticDir
	// Clean against "/" first so ".." can never climb out of root.
	name := filepath.Join(root, filepath.FromSlash(filepath.Clean("/"+p)))
	if fi, err := os.Stat(name); err == nil && !fi.IsDir() {
		if strings.HasPrefix(p, "/assets/") {
			// Vite fingerprints everything under assets/: cache for good.
			c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		} else {
			c.Set(fiber.HeaderCacheControl, "no-cache")
		}
		return c.SendFile(name)
	}
	index := filepath.Join(root, "index.html")
	if _, err := os.Stat(index); err != nil {
		return domain.NotFound("no such page")
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.SendFile(index)
}
