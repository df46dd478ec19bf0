package httpapi

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
)

// retryAfterUnavailable is the Retry-After of a 503 unavailable: about
// how long a database failover or a restart takes to become visible.
const retryAfterUnavailable = 5 * time.Second

// outage remembers whether the database is down, so that an outage is
// logged once when it starts and once when it ends, not once per request
// (150 requests during a restart were 150 ERROR lines). The first 503
// unavailable marks it down and starts a watcher that pings the database
// every interval; the first successful ping marks it up again.
type outage struct {
	down     atomic.Bool
	log      *slog.Logger
	ping     func(context.Context) error
	interval time.Duration

	stopOnce sync.Once
	stop     chan struct{}
}

func newOutage(log *slog.Logger, ping func(context.Context) error) *outage {
	return &outage{log: log, ping: ping, interval: time.Second, stop: make(chan struct{})}
}

// report is called for every request answered 503 unavailable.
func (o *outage) report(err error) {
	if !o.down.CompareAndSwap(false, true) {
		return
	}
	o.log.Error("database unavailable: answering 503 unavailable until it is back", "err", err.Error())
	go o.watch()
}

func (o *outage) watch() {
	t := time.NewTicker(o.interval)
	defer t.Stop()
	for {
		select {
		case <-o.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := o.ping(ctx)
		cancel()
		if err == nil {
			o.down.Store(false)
			o.log.Info("database available again")
			return
		}
	}
}

// close stops the watcher (Shutdown).
func (o *outage) close() { o.stopOnce.Do(func() { close(o.stop) }) }

// unavailableAnswer adds Retry-After to a 503 unavailable and reports it.
func (s *Server) unavailableAnswer(c *fiber.Ctx, err error) {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(retryAfterUnavailable.Seconds())))
	s.outage.report(err)
}
