package httpapi

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// access says who may call a route.
type access int

const (
	public    access = iota // anyone; no session lookup
	guestOK                 // anyone; the session user is loaded when there is one (cart)
	loggedIn                // a session is required (401 otherwise)
	adminOnly               // the admin role is required (401 guests, 403 customers)
)

// param is a query parameter (for the OpenAPI document).
type param struct {
	name, typ, desc string
	required        bool
	maxLength       int // documented maxLength of a string parameter (0: none)
}

// route is one row of the routing table. The same table registers the
// Fiber routes and builds the OpenAPI document, so the two cannot drift.
type route struct {
	method, path string // path in Fiber syntax, absolute
	summary      string
	tag          string
	access       access
	limited      bool        // per-IP rate limit (login, register)
	request      any         // zero value of the JSON body type, nil if none
	response     any         // zero value of the success body type, nil if none
	status       int         // success status
	also         map[int]any // other documented answers with their own body type
	contentType  string
	query        []param
	headers      []param
	errors       []int // error statuses worth documenting
	handler      fiber.Handler
}

func pageParams(extra ...param) []param {
	return append(extra,
		param{name: "page", typ: "integer", desc: "page number, from 1"},
		param{name: "per_page", typ: "integer", desc: "items per page, 1-100 (default 24)"})
}

// itemsBody is {"items": [...]} for lists that are not paged.
type itemsBody[T any] struct {
	Items []T `json:"items"`
}

// userBody is {"user": User}.
type userBody struct {
	User *domain.User `json:"user"`
}

// productPage, orderPage and customerPage only exist to name schemas in the
// OpenAPI document.
type (
	productPage  = domain.Page[domain.Product]
	orderPage    = domain.Page[domain.Order]
	customerPage = domain.Page[domain.CustomerSummary]
)

// apiRoutes is the whole route table: the operational routes here, then
// each area's rows from its own file (catalog.go, account.go, cart.go,
// orders.go, admin.go).
func (s *Server) apiRoutes() []route {
	ops := []route{
		// Probes, metrics and the document itself.
		{method: "GET", path: contract.PathHealthz, tag: "ops", summary: "Liveness: the process is alive (no dependencies)", response: map[string]string{}, status: 200, handler: s.healthz},
		{method: "GET", path: contract.PathReadyz, tag: "ops", summary: "Readiness: database reachable and not draining", response: readyBody{}, status: 200, also: map[int]any{503: readyBody{}}, handler: s.readyz},
		{method: "GET", path: contract.PathMetrics, tag: "ops", summary: "Prometheus metrics", contentType: "text/plain", status: 200,
			handler: adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{Registry: s.metrics.registry}))},
		{method: "GET", path: contract.PathOpenAPI, tag: "ops", summary: "This OpenAPI 3 document", response: map[string]any{}, status: 200, handler: s.openapi},
	}
	for _, part := range [][]route{s.catalogRoutes(), s.accountRoutes(), s.cartRoutes(), s.ordersRoutes(), s.adminRoutes(), s.fulfilmentRoutes(), s.guestRoutes(), s.recoveryRoutes(), s.crawlerRoutes()} {
		ops = append(ops, part...)
	}
	return ops
}

// register adds one table row to the Fiber app with the middleware its
// row asks for.
func (s *Server) register(r route) {
	handlers := []fiber.Handler{markMatched}
	if r.method != http.MethodGet {
		handlers = append(handlers, s.limitBody, requireJSON)
	}
	if r.limited {
		handlers = append(handlers, s.rateLimiter(s.deps.AuthRateLimit))
	}
	if personal(r) {
		handlers = append(handlers, markPersonal) // Cache-Control: private, no-store (edge.go)
	}
	switch r.access {
	case guestOK:
		handlers = append(handlers, s.loadUser(false, false))
	case loggedIn:
		handlers = append(handlers, s.loadUser(true, false))
	case adminOnly:
		handlers = append(handlers, s.loadUser(true, true))
	}
	handlers = append(handlers, r.handler)
	s.app.Add(r.method, r.path, handlers...)
}
