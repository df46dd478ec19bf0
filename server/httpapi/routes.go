package httpapi

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shopstack/shopstack/server/contract"
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

func (s *Server) apiRoutes() []route {
	const b = contract.APIBase
	return []route{
		// Probes, metrics and the document itself.
		{method: "GET", path: contract.PathHealthz, tag: "ops", summary: "Liveness: the process is alive (no dependencies)", response: map[string]string{}, status: 200, handler: s.healthz},
		{method: "GET", path: contract.PathReadyz, tag: "ops", summary: "Readiness: database reachable and not draining", response: readyBody{}, status: 200, also: map[int]any{503: readyBody{}}, handler: s.readyz},
		{method: "GET", path: contract.PathMetrics, tag: "ops", summary: "Prometheus metrics", contentType: "text/plain", status: 200,
			handler: adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{Registry: s.metrics.registry}))},
		{method: "GET", path: contract.PathOpenAPI, tag: "ops", summary: "This OpenAPI 3 document", response: map[string]any{}, status: 200, handler: s.openapi},

		// Catalog.
		{method: "GET", path: b + "/categories", tag: "catalog", summary: "List categories", response: itemsBody[domain.Category]{}, status: 200, handler: s.listCategories},
		{method: "GET", path: b + "/products", tag: "catalog", summary: "List active products",
			query: pageParams(
				param{name: "category", typ: "string", desc: "category slug"},
				param{name: "min_price", typ: "integer", desc: "minimum price, minor units"},
				param{name: "max_price", typ: "integer", desc: "maximum price, minor units"},
				param{name: "sort", typ: "string", desc: "featured (default), name, price_asc, price_desc, newest"}),
			response: productPage{}, status: 200, errors: []int{422}, handler: s.listProducts},
		{method: "GET", path: b + "/products/:slug", tag: "catalog", summary: "A product by slug", response: domain.Product{}, status: 200, errors: []int{404}, handler: s.productBySlug},
		{method: "GET", path: b + "/search", tag: "catalog", summary: "Full-text search over name and description",
			query:    pageParams(param{name: "q", typ: "string", desc: "search text", required: true}),
			response: productPage{}, status: 200, errors: []int{422}, handler: s.search},
		{method: "GET", path: domain.ProductImagePath(":sku"), tag: "catalog", summary: "Generated SVG picture of a product", contentType: "image/svg+xml", status: 200, errors: []int{404}, handler: s.image},

		// Accounts.
		{method: "POST", path: b + "/auth/register", tag: "accounts", summary: "Create a customer account and log in", access: public, limited: true,
			request: domain.RegisterInput{}, response: userBody{}, status: 201, errors: []int{400, 409, 415, 422, 429}, handler: s.registerUser},
		{method: "POST", path: b + "/auth/login", tag: "accounts", summary: "Log in (merges the guest cart)", access: public, limited: true,
			request: domain.LoginInput{}, response: userBody{}, status: 200, errors: []int{400, 401, 415, 422, 429}, handler: s.login},
		{method: "POST", path: b + "/auth/logout", tag: "accounts", summary: "Log out and clear the session cookie", status: 204, handler: s.logout},
		{method: "GET", path: b + "/auth/me", tag: "accounts", summary: "The logged-in user", access: loggedIn, response: userBody{}, status: 200, errors: []int{401}, handler: s.me},
		{method: "PATCH", path: b + "/account", tag: "accounts", summary: "Update the profile", access: loggedIn,
			request: domain.ProfileUpdate{}, response: userBody{}, status: 200, errors: []int{400, 401, 422}, handler: s.updateProfile},
		{method: "GET", path: b + "/account/addresses", tag: "accounts", summary: "The address book", access: loggedIn, response: itemsBody[domain.Address]{}, status: 200, errors: []int{401}, handler: s.listAddresses},
		{method: "POST", path: b + "/account/addresses", tag: "accounts", summary: "Add an address", access: loggedIn,
			request: domain.Address{}, response: domain.Address{}, status: 201, errors: []int{400, 401, 422}, handler: s.createAddress},
		{method: "PUT", path: b + "/account/addresses/:id", tag: "accounts", summary: "Replace an address", access: loggedIn,
			request: domain.Address{}, response: domain.Address{}, status: 200, errors: []int{400, 401, 404, 422}, handler: s.updateAddress},
		{method: "DELETE", path: b + "/account/addresses/:id", tag: "accounts", summary: "Delete an address", access: loggedIn, status: 204, errors: []int{401, 404}, handler: s.deleteAddress},

		// Cart.
		{method: "GET", path: b + "/cart", tag: "cart", summary: "The cart (empty if none yet)", access: guestOK, response: domain.Cart{}, status: 200, handler: s.getCart},
		{method: "POST", path: b + "/cart/items", tag: "cart", summary: "Add a product to the cart", access: guestOK,
			request: addItemRequest{}, response: domain.Cart{}, status: 200, errors: []int{400, 404, 409, 422}, handler: s.addCartItem},
		{method: "PATCH", path: b + "/cart/items/:product_id", tag: "cart", summary: "Set a line's quantity", access: guestOK,
			request: setQuantityRequest{}, response: domain.Cart{}, status: 200, errors: []int{400, 404, 409, 422}, handler: s.setCartQuantity},
		{method: "DELETE", path: b + "/cart/items/:product_id", tag: "cart", summary: "Remove a line", access: guestOK, response: domain.Cart{}, status: 200, errors: []int{422}, handler: s.removeCartItem},

		// Checkout and orders.
		{method: "GET", path: b + "/shipping-methods", tag: "orders", summary: "Shipping methods", response: itemsBody[domain.ShippingMethod]{}, status: 200, handler: s.shippingMethods},
		{method: "POST", path: b + "/orders", tag: "orders", summary: "Place an order from the cart (pay by card)", access: loggedIn,
			headers: []param{{name: HeaderIdempotencyKey, typ: "string", desc: "unique per checkout attempt (a UUID); a retry with the same key returns the same order", required: true}},
			request: domain.PlaceOrderInput{}, response: domain.Order{}, status: 201, also: map[int]any{200: domain.Order{}}, errors: []int{400, 401, 402, 409, 422, 502}, handler: s.placeOrder},
		{method: "GET", path: b + "/orders", tag: "orders", summary: "The customer's orders, newest first", access: loggedIn, query: pageParams(), response: orderPage{}, status: 200, errors: []int{401}, handler: s.listOrders},
		{method: "GET", path: b + "/orders/:id", tag: "orders", summary: "One of the customer's orders", access: loggedIn, response: domain.Order{}, status: 200, errors: []int{401, 404}, handler: s.getOrder},
		{method: "POST", path: b + "/orders/:id/cancel", tag: "orders", summary: "Cancel a pending or paid order (restores stock)", access: loggedIn, response: domain.Order{}, status: 200, errors: []int{401, 404, 409}, handler: s.cancelOrder},

		// Admin.
		{method: "GET", path: b + "/admin/products", tag: "admin", summary: "Every product, inactive included", access: adminOnly,
			query: pageParams(param{name: "q", typ: "string", desc: "name or SKU contains"}), response: productPage{}, status: 200, errors: []int{401, 403}, handler: s.adminListProducts},
		{method: "POST", path: b + "/admin/products", tag: "admin", summary: "Create a product", access: adminOnly,
			request: domain.ProductCreate{}, response: domain.Product{}, status: 201, errors: []int{400, 401, 403, 409, 422}, handler: s.adminCreateProduct},
		{method: "PATCH", path: b + "/admin/products/:id", tag: "admin", summary: "Edit a product (any subset of fields)", access: adminOnly,
			request: domain.ProductUpdate{}, response: domain.Product{}, status: 200, errors: []int{400, 401, 403, 404, 409, 422}, handler: s.adminUpdateProduct},
		{method: "DELETE", path: b + "/admin/products/:id", tag: "admin", summary: "Deactivate a product (never deleted)", access: adminOnly, response: domain.Product{}, status: 200, errors: []int{401, 403, 404}, handler: s.adminDeactivateProduct},
		{method: "POST", path: b + "/admin/products/:id/stock", tag: "admin", summary: "Adjust stock by delta or set it", access: adminOnly,
			request: domain.StockAdjust{}, response: domain.Product{}, status: 200, errors: []int{400, 401, 403, 404, 409, 422}, handler: s.adminAdjustStock},
		{method: "GET", path: b + "/admin/orders", tag: "admin", summary: "Every order, with its customer", access: adminOnly,
			query: pageParams(param{name: "status", typ: "string", desc: "pending, paid, shipped, delivered or cancelled"}), response: orderPage{}, status: 200, errors: []int{401, 403, 422}, handler: s.adminListOrders},
		{method: "PATCH", path: b + "/admin/orders/:id", tag: "admin", summary: "Move an order to another status", access: adminOnly,
			request: domain.OrderStatusUpdate{}, response: domain.Order{}, status: 200, errors: []int{400, 401, 403, 404, 409, 422}, handler: s.adminUpdateOrder},
		{method: "GET", path: b + "/admin/customers", tag: "admin", summary: "Customers with their order counts", access: adminOnly, query: pageParams(), response: customerPage{}, status: 200, errors: []int{401, 403}, handler: s.adminListCustomers},
	}
}

// register adds one table row to the Fiber app with the middleware its
// row asks for.
func (s *Server) register(r route) {
	handlers := []fiber.Handler{markMatched}
	if r.method != http.MethodGet {
		handlers = append(handlers, requireJSON)
	}
	if r.limited {
		handlers = append(handlers, s.rateLimiter(s.deps.AuthRateLimit))
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
