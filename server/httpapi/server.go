// Package httpapi is the storefront's HTTP layer: the Fiber app that serves
// the JSON API of docs/api.md under contract.APIBase, the probes, the
// Prometheus metrics, the OpenAPI document, product images and (optionally)
// the built client. Handlers are thin: parse, validate, call a
// domain service, write JSON. Errors become HTTP statuses in one place
// (errorHandler).
package httpapi

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// DB is what the server needs of the database handle for readiness and
// pool metrics; *sql.DB and *bun.DB have both methods.
type DB interface {
	PingContext(ctx context.Context) error
	Stats() sql.DBStats
}

// ImageFunc renders the SVG picture of a product (server/seed provides one).
type ImageFunc func(p *domain.Product) []byte

// Deps is everything the HTTP layer is built from. Services and DB are
// required; every other field has a default.
type Deps struct {
	Services domain.Services
	DB       DB

	// Image renders product pictures for GET /images/{sku}.svg.
	// Default: a plain placeholder with the product name.
	Image ImageFunc
	// Logger receives the access log and internal errors (JSON lines).
	// Default: slog.Default().
	Logger *slog.Logger
	// Currency of carts shown before anything was added. Default: domain.DefaultCurrency.
	Currency string
	// StaticDir, when set, serves the built client from that directory with
	// a history fallback to index.html for every non-API path (contract.EnvStaticDir).
	// Default: "" (API only).
	StaticDir string
	// BodyLimit caps request bodies in bytes (413 too_large beyond).
	// Default: 1 MiB.
	BodyLimit int
	// AuthRateLimit limits the routes marked limited (login, registration,
	// password reset and change) per client IP, counted in the shared
	// Services.RateLimits so the limit holds across replicas.
	// Default: 10 per minute.
	AuthRateLimit RateLimit
	// ProxyHeader names the header holding the client IP when the server
	// runs behind a load balancer ("X-Forwarded-For"); the rate limiter
	// and the access log use it. Only its last entry counts: that is the
	// address the load balancer itself appended, while earlier entries come
	// from the client and could be forged to dodge the rate limit.
	// Default: "" (the TCP peer address).
	ProxyHeader string
	// RequestTimeout bounds the context every service call gets, so a
	// stuck query cannot hold a request (and the drain) forever.
	// Default: WriteTimeout.
	RequestTimeout time.Duration
	// InsecureCookies drops the Secure attribute of the session and cart
	// cookies. Only for tests with a cookie jar over plain HTTP; browsers
	// accept Secure cookies on http://localhost anyway. Default: false.
	InsecureCookies bool
	// ReadTimeout / WriteTimeout / IdleTimeout of the listener. Defaults:
	// 15s / 30s / 60s.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// Now is the clock of the service layer's rules (a card's expiry, an
	// order link's) and of the order links this server signs. Services
	// already behind domain.Validated keep the clock they were given
	// there: give both the same one. Default: time.Now.
	Now func() time.Time
	// PublicURL is the storefront's base URL without a trailing slash
	// (contract.EnvPublicURL), the start of every link in an e-mail and of
	// the sitemap's and robots.txt's absolute URLs. Never taken from a
	// request's Host header, which the sender controls.
	// Default: http://localhost:8080.
	PublicURL string
	// CatalogVersion drives the catalog read cache (catalogcache.go):
	// store.Store.CatalogVersion. Default: nil, no server-side cache (the
	// catalog routes still send ETags, 304s and compressed bodies).
	CatalogVersion CatalogVersionFunc
}

func (d *Deps) setDefaults() {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Currency == "" {
		d.Currency = domain.DefaultCurrency
	}
	if d.BodyLimit <= 0 {
		d.BodyLimit = 1 << 20
	}
	if d.AuthRateLimit.Max <= 0 {
		d.AuthRateLimit.Max = 10
	}
	if d.AuthRateLimit.Window <= 0 {
		d.AuthRateLimit.Window = time.Minute
	}
	if d.ReadTimeout <= 0 {
		d.ReadTimeout = 15 * time.Second
	}
	if d.WriteTimeout <= 0 {
		d.WriteTimeout = 30 * time.Second
	}
	if d.IdleTimeout <= 0 {
		d.IdleTimeout = 60 * time.Second
	}
	if d.RequestTimeout <= 0 {
		d.RequestTimeout = d.WriteTimeout
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	d.PublicURL = publicURLOrDefault(d.PublicURL)
	if d.Image == nil {
		d.Image = placeholderImage
	}
}

// Server is the storefront HTTP server: a Fiber app plus its readiness
// state. main builds it with New, serves with Serve or Listen (or Run,
// which also handles the drain), and tests use App() with app.Test.
type Server struct {
	deps     Deps
	app      *fiber.App
	log      *slog.Logger
	metrics  *metrics
	routes   []route
	draining atomic.Bool
	outage   *outage

	openAPIOnce  sync.Once
	openAPIBytes []byte

	// catalogCache holds encoded catalog responses (catalogcache.go).
	catalogCache *catalogCache

	// spaRoutes is the client's route table for the static handler; nil
	// when the build has none (then every path falls back with 200).
	spaRoutes spaRoutes
}

// New builds the server and registers every route. It panics on missing
// required dependencies (a wiring bug, not a runtime condition).
func New(deps Deps) *Server {
	deps.setDefaults()
	// Every input rule runs in the domain's service layer, at Deps.Now;
	// handlers only parse (domain/validated.go).
	deps.Services = domain.Validated(deps.Services, deps.Now)
	if deps.DB == nil {
		panic("httpapi.New: Deps.DB is required")
	}
	s := &Server{deps: deps, log: deps.Logger, metrics: newMetrics(deps.DB.Stats), outage: newOutage(deps.Logger, deps.DB.PingContext),
		catalogCache: newCatalogCache(deps.CatalogVersion, catalogCacheBytes)}
	s.metrics.registry.MustRegister(catalogCacheCollector{s.catalogCache})
	s.app = fiber.New(fiber.Config{
		AppName:               "shopstack",
		ErrorHandler:          s.handleError,
		BodyLimit:             hardBodyLimit(deps.BodyLimit), // edge enforces deps.BodyLimit
		ReadTimeout:           deps.ReadTimeout,
		WriteTimeout:          deps.WriteTimeout,
		IdleTimeout:           deps.IdleTimeout,
		DisableStartupMessage: true,
		// Values taken from the request (params, headers) outlive the
		// handler in log attributes and service calls: copy them.
		Immutable:     true,
		StrictRouting: false,
		CaseSensitive: true,
		// The request line and headers must fit in this buffer; fasthttp's
		// 4 KiB default answered a long pasted link (/search?q= with 5,000
		// characters) with a 431 before any handler ran.
		ReadBufferSize: maxRequestHeaderBytes,
	})
	s.app.Use(s.observe, s.edge, recoverPanic)
	s.app.Use(contract.APIBase, compressAPI)
	s.routes = s.apiRoutes()
	for _, r := range s.routes {
		s.register(r)
	}
	if deps.StaticDir != "" {
		routes, err := loadSPARoutes(deps.StaticDir)
		if err != nil {
			s.log.Warn("static: no client route table, every unknown path answers 200", "err", err.Error())
		}
		s.spaRoutes = routes
		s.app.Get("/*", markMatched, compressStatic, s.static) // Fiber adds HEAD to GET routes
	}
	return s
}

// App returns the Fiber app (for app.Test and for main's listener).
func (s *Server) App() *fiber.App { return s.app }

// Drain makes /readyz answer 503 from now on, so the load balancer stops
// sending new requests, and every answer from now on carries Connection:
// close (the connection is closed after it), so kept-alive clients move to
// another pod; requests already in flight complete.
func (s *Server) Drain() { s.draining.Store(true) }

// Draining reports whether Drain was called.
func (s *Server) Draining() bool { return s.draining.Load() }

// Shutdown drains (if not yet), stops accepting connections and waits for
// in-flight requests to finish, at most until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Drain()
	s.outage.close()
	return s.app.ShutdownWithContext(ctx)
}

// Serve serves on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Run listens on addr and serves until ctx is cancelled (main passes a
// context from signal.NotifyContext(SIGTERM, SIGINT)); see RunListener.
func (s *Server) Run(ctx context.Context, addr string, drainDelay, shutdownTimeout time.Duration) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.RunListener(ctx, ln, drainDelay, shutdownTimeout)
}

// RunListener serves on ln until ctx is cancelled, then turns readiness to
// 503 at once, keeps serving for drainDelay so the load balancer notices
// and stops sending traffic, and shuts down: no new connections, in-flight
// requests finish. The whole drain is bounded by shutdownTimeout
// (contract.EnvShutdownTimeout); past it the remaining connections are
// cut and an error is returned. It returns nil after a clean drain.
func (s *Server) RunListener(ctx context.Context, ln net.Listener, drainDelay, shutdownTimeout time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Drain()
	s.log.Info("draining", "drain_delay", drainDelay.String(), "shutdown_timeout", shutdownTimeout.String())
	deadline := time.Now().Add(shutdownTimeout)
	if drainDelay > shutdownTimeout {
		drainDelay = shutdownTimeout
	}
	if drainDelay > 0 {
		time.Sleep(drainDelay)
	}
	sctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	if err := s.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	s.log.Info("stopped")
	return nil
}

// probes: liveness never touches a dependency; readiness pings the
// database (bounded) and reports draining.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

type readyBody struct {
	Status   string `json:"status"`
	Database string `json:"database"`
	Draining bool   `json:"draining"`
}

func (s *Server) readyz(c *fiber.Ctx) error {
	if s.Draining() {
		return c.Status(fiber.StatusServiceUnavailable).JSON(readyBody{Status: "draining", Database: "unknown", Draining: true})
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.deps.DB.PingContext(ctx); err != nil {
		loggerOf(c).Warn("readiness: database ping failed", "err", err.Error())
		return c.Status(fiber.StatusServiceUnavailable).JSON(readyBody{Status: "unavailable", Database: "unreachable"})
	}
	return c.JSON(readyBody{Status: "ok", Database: "ok"})
}

// publicURLOrDefault is u without a trailing slash, or when empty the
// default of Deps.PublicURL (http://localhost:<contract.Port>).
func publicURLOrDefault(u string) string {
	if u == "" {
		return fmt.Sprintf("http://localhost:%d", contract.Port)
	}
	return strings.TrimRight(u, "/")
}
