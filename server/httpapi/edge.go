package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The edge of every answer (issue 13, "Hardening"): security headers, no
// caching of anything personal, the request body limit and the drain's
// Connection: close. The Ingress sends /api straight from the ALB to this
// server, so nginx's headers (client/nginx/security-headers.conf) never
// apply to the API: the server sets its own.
const (
	// cspAPI: a JSON answer loads nothing and may not be framed.
	cspAPI = "default-src 'none'; frame-ancestors 'none'"
	// referrerAPI: no-referrer, because a JSON answer is never a page
	// that links anywhere; nothing is lost by sending no referrer at all.
	referrerAPI = "no-referrer"
	// hstsValue is sent only on requests that arrived over TLS (see overTLS).
	hstsValue = "max-age=31536000; includeSubDomains"
	// cacheNoStore is the Cache-Control of every personal answer (a route
	// whose access is not public) and of every error.
	cacheNoStore = "private, no-store"
)

// staticHeaders are the security headers of the built client, the same as
// nginx sends in production (client/nginx/security-headers.conf; a test
// keeps the two equal). The CSP is the app's own: same-origin scripts,
// styles, images and fetches, no inline code.
var staticHeaders = [][2]string{
	{fiber.HeaderContentSecurityPolicy, "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"},
	{fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin"},
	{fiber.HeaderPermissionsPolicy, "camera=(), microphone=(), geolocation=(), payment=(), usb=()"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{fiber.HeaderCrossOriginResourcePolicy, "same-origin"},
}

// localsPersonal marks a request that matched a personal route (access
// other than public); markPersonal is in its handler chain (register).
const localsPersonal = "personal"

// personal reports whether a route's answers are personal: every route
// that needs or loads a session (access other than public), every write
// (the auth answers set session cookies and return the user), and the
// orders and accounts areas, whose public GETs include the guest order
// link (its token is the customer's only credential).
func personal(r route) bool {
	return r.access != public || r.method != fiber.MethodGet || r.tag == "orders" || r.tag == "accounts"
}

func markPersonal(c *fiber.Ctx) error {
	c.Locals(localsPersonal, true)
	return c.Next()
}

// edge is the middleware right inside observe: it sets the security
// headers, marks personal answers and errors no-store, and once draining
// has started asks the client to close the connection.
func (s *Server) edge(c *fiber.Ctx) error {
	s.setSecurityHeaders(c)
	err := c.Next()
	// A handler with its own CSP (the product pictures) keeps it, and it
	// still forbids framing.
	if csp := c.GetRespHeader(fiber.HeaderContentSecurityPolicy); !strings.Contains(csp, "frame-ancestors") {
		c.Set(fiber.HeaderContentSecurityPolicy, csp+"; frame-ancestors 'none'")
	}
	if personal, _ := c.Locals(localsPersonal).(bool); personal || err != nil {
		c.Set(fiber.HeaderCacheControl, cacheNoStore)
	}
	s.closeIfDraining(c)
	return err
}

// setSecurityHeaders sets the headers every answer carries. The static
// handler replaces the CSP and Referrer-Policy with the client's own.
func (s *Server) setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set(fiber.HeaderContentSecurityPolicy, cspAPI)
	h.Set(fiber.HeaderReferrerPolicy, referrerAPI)
	if s.overTLS(c) {
		h.Set(fiber.HeaderStrictTransportSecurity, hstsValue)
	}
}

// overTLS reports whether the request reached the shop over TLS: on a TLS
// listener, or behind the load balancer (Deps.ProxyHeader set: the server
// trusts its proxy) with X-Forwarded-Proto: https, which the ALB sets on
// every request it forwards. Without a trusted proxy the header is
// ignored: a direct client could send anything.
func (s *Server) overTLS(c *fiber.Ctx) bool {
	if c.Context().IsTLS() {
		return true
	}
	if s.deps.ProxyHeader == "" {
		return false
	}
	v := c.Get(fiber.HeaderXForwardedProto)
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:] // the entry the nearest proxy wrote
	}
	return strings.EqualFold(strings.TrimSpace(v), "https")
}

// closeIfDraining: once the drain has started, every answer carries
// Connection: close and fasthttp closes the connection after writing it,
// so a kept-alive client opens its next request elsewhere (the load
// balancer no longer routes to this pod) instead of racing the listener's
// close.
func (s *Server) closeIfDraining(c *fiber.Ctx) {
	if s.Draining() {
		c.Context().SetConnectionClose()
	}
}

// limitBody answers 413 too_large to a body over Deps.BodyLimit. It is in
// the chain of every write route (register), after the route matched, so
// the answer is logged and counted under the route like any other; the
// listener's own limit is higher (hardBodyLimit), so the body has been
// read completely and the client gets the answer, not a reset.
func (s *Server) limitBody(c *fiber.Ctx) error {
	if len(c.Request().Body()) > s.deps.BodyLimit {
		return fiber.ErrRequestEntityTooLarge
	}
	return c.Next()
}

// hardBodyLimit is the listener's (fasthttp's) body limit: four times
// Deps.BodyLimit. Up to it a body is read completely and the edge
// middleware answers 413 through the normal chain; fasthttp refuses a
// larger body while reading it, before any handler, and closes the
// connection with the body unread, which a client still sending may see
// as a reset. The factor bounds the memory one request can take.
func hardBodyLimit(bodyLimit int) int { return 4 * bodyLimit }
