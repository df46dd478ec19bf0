package domain

// Services bundles every service the HTTP layer needs; the store
// implements them all (store.Store.Services), and server/cmd wires them
// into the HTTP server.
type Services struct {
	Catalog  CatalogService // catalog.go
	Search   SearchService  // catalog.go
	Accounts AccountService // account.go
	Carts    CartService    // cart.go
	Orders   OrderService   // order.go
	Admin    AdminService   // admin.go, fulfilment.go
	// GuestOrders serves signed order links (guest checkout; orderlink.go).
	GuestOrders GuestOrderService
	// Recovery and Mail: password reset and change, the mail outbox (mail.go).
	Recovery RecoveryService
	Mail     MailService
	// Sitemap lists what the crawler files name (sitemap.go).
	Sitemap SitemapService
	// RateLimits counts attempts per key in a window all replicas share
	// (ratelimit.go).
	RateLimits RateLimitService

	// validated is set by Validated (validated.go): these services are
	// already behind the service layer.
	validated bool
}
