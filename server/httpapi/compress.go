package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// localsPrecompressed marks a response whose body the handler has already
// encoded (a catalog read from the catalog cache, compressed or left small
// on purpose): compressAPI leaves it as it is.
const localsPrecompressed = "shop.precompressed"

// apiCompressor is fasthttp's negotiation of brotli or gzip by
// Accept-Encoding; it skips bodies under 200 bytes and content types that
// do not compress, and adds Vary: Accept-Encoding when it compresses.
var apiCompressor = fasthttp.CompressHandlerBrotliLevel(func(*fasthttp.RequestCtx) {},
	fasthttp.CompressBrotliDefaultCompression, fasthttp.CompressDefaultCompression)

// compressAPI compresses the API's other JSON answers (cart, account,
// orders, admin) when the client accepts brotli or gzip. The catalog
// reads come pre-compressed from the catalog cache (catalogcache.go) and
// are never compressed a second time. Errors go to the error handler
// after this middleware, so they stay plain.
func compressAPI(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	if c.Locals(localsPrecompressed) != nil {
		return nil
	}
	apiCompressor(c.Context())
	return nil
}
