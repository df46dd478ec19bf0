package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// HeaderRequestID carries the request id in and out.
const HeaderRequestID = "X-Request-Id"

type loggerKey struct{}

// WithLogger returns ctx carrying l; LoggerFrom reads it back. The server
// puts a logger bound to the request id into every request's context, so a
// service that logs with LoggerFrom(ctx) writes lines that carry the id.
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

// LoggerFrom returns the logger in ctx, or slog.Default().
func LoggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

const localsRequestID = "request_id"

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localsRequestID).(string)
	return id
}

func loggerOf(c *fiber.Ctx) *slog.Logger { return LoggerFrom(c.UserContext()) }

// validRequestID accepts an incoming id only when it is short and made of
// harmless characters, so a client cannot inject into the log.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.' || b == ':') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// quietRoutes are probed every few seconds; their access lines go to Debug.
var quietRoutes = map[string]bool{
	contract.PathHealthz: true,
	contract.PathReadyz:  true,
	contract.PathMetrics: true,
}

// observe is the outermost middleware: it assigns the request id, puts a
// logger carrying it into the request context, counts the request in
// flight, runs the chain, turns a returned error into the response at once
// (so the status it records is the one sent), and then writes the access
// line and the request metrics labelled by route template.
func (s *Server) observe(c *fiber.Ctx) error { return s.observeChain(c, c.Next) }

// observeChain is observe with the chain given as next (handleError runs
// it around an error fasthttp met before any handler).
func (s *Server) observeChain(c *fiber.Ctx, next func() error) error {
	start := time.Now()
	id := c.Get(HeaderRequestID)
	if !validRequestID(id) {
		id = newRequestID()
	}
	c.Locals(localsRequestID, id)
	c.Set(HeaderRequestID, id)
	log := s.log.With("request_id", id)
	ctx, cancel := context.WithTimeout(WithLogger(c.UserContext(), log), s.deps.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)

	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()

	if err := next(); err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			log.Error("error handler failed", "err", herr)
			c.Status(http.StatusInternalServerError)
		}
	}

	status := c.Response().StatusCode()
	route := routeLabel(c)
	elapsed := time.Since(start)
	s.metrics.observeRequest(c.Method(), route, status, elapsed)

	// A 503 (database unavailable, readiness while draining) is a Warn:
	// the outage itself is logged once per state change (outage.go).
	level := slog.LevelInfo
	switch {
	case status >= 500 && status != http.StatusServiceUnavailable:
		level = slog.LevelError
	case quietRoutes[route]:
		level = slog.LevelDebug
	case status == http.StatusServiceUnavailable:
		level = slog.LevelWarn
	}
	log.LogAttrs(c.UserContext(), level, "request",
		slog.String("method", c.Method()),
		slog.String("route", route),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.Int("bytes", len(c.Response().Body())),
		slog.String("ip", s.clientIP(c)),
	)
	return nil
}

// routeLabel is the route template the request matched ("/api/v1/products/:slug"),
// never the raw path, so ids and slugs cannot blow up label cardinality.
// Requests that matched only middleware are contract.RouteUnmatched.
func routeLabel(c *fiber.Ctx) string {
	r := c.Route()
	if r == nil {
		return contract.RouteUnmatched
	}
	if _, ok := c.Locals(localsMatched).(bool); !ok {
		return contract.RouteUnmatched
	}
	return r.Path
}

// localsMatched is set by the first handler of every real route (see
// Server.route), which tells a matched route from a request that fell
// through the middleware to the not-found error.
const localsMatched = "route_matched"

func markMatched(c *fiber.Ctx) error {
	c.Locals(localsMatched, true)
	return c.Next()
}

// recoverPanic turns a panic into a 500 `internal` error (the error
// handler adds the request id to the message) and logs the stack.
func recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			loggerOf(c).Error("panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = domain.Internal("panic: %v", r)
		}
	}()
	return c.Next()
}

// RateLimit bounds requests per client IP within a window.
type RateLimit struct {
	Max    int
	Window time.Duration
}

// rateLimiter limits a route per client IP (clientIP) and answers 429
// `rate_limited` with Retry-After. The counters live in the database
// (Services.RateLimits, the rate_limits table), so the limit holds across
// every replica instead of once per process (docs/server.md).
func (s *Server) rateLimiter(rl RateLimit) fiber.Handler {
	return func(c *fiber.Ctx) error {
		key := c.Route().Path + "|" + s.clientIP(c)
		count, resetAt, err := s.deps.Services.RateLimits.Hit(c.UserContext(), key, rl.Window)
		if err != nil {
			return err
		}
		if count <= rl.Max {
			return c.Next()
		}
		retry := int(math.Ceil(resetAt.Sub(s.deps.Now()).Seconds()))
		if retry < 1 {
			retry = 1
		}
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retry))
		return domain.RateLimited("too many attempts, retry in %d seconds", retry)
	}
}

// clientIP is the address of the client: the TCP peer, or behind a load
// balancer the last entry of Deps.ProxyHeader (the one the balancer
// appended; earlier entries are whatever the client sent).
func (s *Server) clientIP(c *fiber.Ctx) string {
	if h := s.deps.ProxyHeader; h != "" {
		v := c.Get(h)
		if i := strings.LastIndexByte(v, ','); i >= 0 {
			v = v[i+1:]
		}
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return c.Context().RemoteIP().String()
}
