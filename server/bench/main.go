// Command bench is the storefront's load benchmark. It starts a throwaway
// PostgreSQL (server/internal/pgtest), migrates and seeds it, then runs two
// child processes of itself on loopback: the real storefront server, and a
// bare Fiber handler that answers a fixed JSON body (the floor: what
// Fiber + the loopback + the load generator cost without any of our code).
// Vegeta, as a library, drives each scenario at a fixed concurrency for a
// bounded time (and, for orders, a bounded count), and the report gives
// requests/s, p50 and p99 latency and the server's peak RSS (VmHWM of the
// child, reset before every scenario), each also as a ratio to the bare
// handler measured in the same run.
//
//	go tool task bench          # or: go run ./server/bench -duration 3s
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/gofiber/fiber/v2"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/httpapi"
	"github.com/shopstack/shopstack/server/internal/pgtest"
	"github.com/shopstack/shopstack/server/migrations"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/seed"
	"github.com/shopstack/shopstack/server/store"
)

const (
	envChild = "SHOP_BENCH_CHILD" // "server" or "bare": run as the measured process
	envDSN   = "SHOP_BENCH_DSN"
)

// bareBody is what the bare handler answers: about the size of a small
// product list page, so the floor includes comparable bytes on the wire.
var bareBody = []byte(`{"items":[{"id":1,"sku":"BARE-1","slug":"bare","name":"Bare handler","price":{"amount":1999,"currency":"USD"}}],"page":1,"per_page":24,"total":1}`)

func main() {
	switch os.Getenv(envChild) {
	case "server":
		must(runServerChild(os.Getenv(envDSN)))
		return
	case "bare":
		must(runBareChild())
		return
	}
	duration := flag.Duration("duration", 3*time.Second, "how long each scenario runs")
	workers := flag.Int("workers", 8, "concurrent connections of the load generator")
	orders := flag.Int("orders", 400, "at most this many orders are placed (each needs a prepared customer)")
	out := flag.String("json", "", "also write the results as JSON to this file")
	flag.Parse()
	if *duration <= 0 || *duration > time.Minute || *workers < 1 || *workers > 256 || *orders < 1 || *orders > 10000 {
		fmt.Fprintln(os.Stderr, "bench: -duration must be in (0, 1m], -workers in [1, 256], -orders in [1, 10000]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *duration, *workers, *orders, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		os.Exit(1)
	}
}

// ---- the measured processes ----

// serveChild listens on loopback, tells the parent the address on stdout
// and serves until the parent closes stdin.
func serveChild(app *fiber.App) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("ADDR %s\n", ln.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		_ = app.ShutdownWithTimeout(5 * time.Second)
	}()
	return app.Listener(ln)
}

func runBareChild() error {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/bare", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(bareBody)
	})
	return serveChild(app)
}

func runServerChild(dsn string) error {
	db, err := store.OpenPostgres(dsn, 20)
	if err != nil {
		return err
	}
	st := store.New(db, store.Options{Payments: payment.NewTestProvider()})
	// Production logging (JSON access log of every request), into the void:
	// the formatting cost is measured, a terminal is not.
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv := httpapi.New(httpapi.Deps{Services: st.Services(), DB: st.DB(), Image: seed.SVG, Logger: log})
	return serveChild(srv.App())
}

// child is a running measured process.
type child struct {
	cmd   *exec.Cmd
	stdin io.Closer
	addr  string
}

func startChild(kind, dsn string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envChild+"="+kind, envDSN+"="+dsn)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ADDR ") {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("%s child did not start (%q, %v)", kind, line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return &child{cmd: cmd, stdin: stdin, addr: strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))}, nil
}

func (c *child) stop() {
	_ = c.stdin.Close()
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
}

// resetPeakRSS makes VmHWM start again from the current RSS (Linux >= 4.0).
func (c *child) resetPeakRSS() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", c.cmd.Process.Pid), []byte("5"), 0)
}

// peakRSS is the child's VmHWM in bytes.
func (c *child) peakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/<pid>/status")
}

// ---- the load ----

type result struct {
	Scenario    string         `json:"scenario"`
	Requests    uint64         `json:"requests"`
	RPS         float64        `json:"rps"`
	P50         time.Duration  `json:"p50"`
	P99         time.Duration  `json:"p99"`
	PeakRSS     int64          `json:"peak_rss_bytes"`
	Success     float64        `json:"success"`
	StatusCodes map[string]int `json:"status_codes"`
	RPSRatio    float64        `json:"rps_ratio"`
	P50Ratio    float64        `json:"p50_ratio"`
	P99Ratio    float64        `json:"p99_ratio"`
	RSSRatio    float64        `json:"rss_ratio"`
}

func attack(ctx context.Context, c *child, name string, tr vegeta.Targeter, duration time.Duration, workers int) (result, error) {
	if err := c.resetPeakRSS(); err != nil {
		return result{}, fmt.Errorf("resetting peak RSS: %w", err)
	}
	a := vegeta.NewAttacker(
		vegeta.Workers(uint64(workers)), vegeta.MaxWorkers(uint64(workers)),
		vegeta.KeepAlive(true), vegeta.Connections(workers), vegeta.Timeout(10*time.Second),
		vegeta.MaxBody(1<<20), vegeta.Redirects(vegeta.NoFollow),
	)
	var m vegeta.Metrics
	results := a.Attack(tr, vegeta.Rate{Freq: 0}, duration, name) // Freq 0: as fast as the workers go
	for {
		select {
		case <-ctx.Done():
			a.Stop()
			for range results {
			}
			return result{}, ctx.Err()
		case res, ok := <-results:
			if !ok {
				m.Close()
				rss, err := c.peakRSS()
				if err != nil {
					return result{}, err
				}
				return result{Scenario: name, Requests: m.Requests, RPS: m.Throughput, P50: m.Latencies.P50, P99: m.Latencies.P99,
					PeakRSS: rss, Success: m.Success, StatusCodes: m.StatusCodes}, nil
			}
			if res.Code == 0 && res.Error == vegeta.ErrNoTargets.Error() {
				continue // the bounded targeter ran out: not a request
			}
			m.Add(res)
		}
	}
}

// roundRobin returns a concurrency-safe targeter cycling over targets,
// or stopping after them when once is set.
func roundRobin(targets []vegeta.Target, once bool) vegeta.Targeter {
	var i atomic.Int64
	return func(t *vegeta.Target) error {
		n := i.Add(1) - 1
		if once && n >= int64(len(targets)) {
			return vegeta.ErrNoTargets
		}
		*t = targets[n%int64(len(targets))]
		return nil
	}
}

func jsonHeader() http.Header {
	return http.Header{"Content-Type": []string{"application/json"}}
}

// ---- the run ----

func run(ctx context.Context, duration time.Duration, workers, orders int, out string) error {
	fmt.Fprintln(os.Stderr, "bench: starting PostgreSQL")
	dsn, stopPG, err := startPostgres(ctx)
	if err != nil {
		return fmt.Errorf("starting PostgreSQL: %w", err)
	}
	defer stopPG()

	db, err := store.OpenPostgres(dsn, 4)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := migrations.Run(ctx, db); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	// Cheap hashes for the prepared customers: preparing is not measured.
	st := store.New(db, store.Options{Payments: payment.NewTestProvider(), Password: store.PasswordParams{Time: 1, Memory: 64, Threads: 1}})
	if err := seed.Demo(ctx, st); err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	svc := st.Services()
	all := true
	perPage := 100
	page, err := svc.Admin.ListProducts(ctx, domain.ProductFilter{IncludeInactive: &all, PerPage: &perPage})
	if err != nil {
		return err
	}
	var products []domain.Product
	for _, p := range page.Items {
		if p.Active {
			products = append(products, p)
		}
	}
	if len(products) == 0 {
		return errors.New("the seeded catalog is empty")
	}
	// Plenty of stock so no scenario runs out.
	for _, p := range products {
		big := 1_000_000
		if _, err := svc.Admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Stock: &big}); err != nil {
			return err
		}
	}
	methods, err := svc.Orders.ShippingMethods(ctx)
	if err != nil {
		return err
	}
	var standard *domain.ShippingMethod
	for i := range methods {
		if methods[i].Code == "standard" {
			standard = &methods[i]
		}
	}
	if standard == nil {
		return errors.New("no standard shipping method")
	}
	fmt.Fprintf(os.Stderr, "bench: preparing %d customers with a cart each\n", orders)
	sessions := make([]string, orders)
	// What each customer's checkout shows: a checkout carries it (issue 12).
	shown := make([]int64, orders)
	for i := range sessions {
		_, sess, err := svc.Accounts.Register(ctx, domain.RegisterInput{Email: fmt.Sprintf("bench%d@shop.test", i), Password: "bench-password", Name: "Bench"})
		if err != nil {
			return err
		}
		cart, err := svc.Carts.AddItem(ctx, domain.CartKey{UserID: sessionUser(ctx, svc, sess.Token)}, products[i%len(products)].ID, 1)
		if err != nil {
			return err
		}
		sessions[i] = sess.Token
		shown[i] = cart.Subtotal.Amount + standard.Price.Amount
	}

	bare, err := startChild("bare", "")
	if err != nil {
		return err
	}
	defer bare.stop()
	srv, err := startChild("server", dsn)
	if err != nil {
		return err
	}
	defer srv.stop()

	base := "http://" + srv.addr
	var details, searches, adds, orderTargets []vegeta.Target
	for _, p := range products {
		details = append(details, vegeta.Target{Method: "GET", URL: base + "/api/v1/products/" + p.Slug})
		if w := strings.Fields(p.Name); len(w) > 0 {
			searches = append(searches, vegeta.Target{Method: "GET", URL: base + "/api/v1/search?q=" + urlWord(w[len(w)-1])})
		}
		body, _ := json.Marshal(map[string]any{"product_id": p.ID, "quantity": 1})
		// No cookie: each add starts a guest cart (the first add of a visit).
		adds = append(adds, vegeta.Target{Method: "POST", URL: base + "/api/v1/cart/items", Body: body, Header: jsonHeader()})
	}
	for i, tok := range sessions {
		checkout, _ := json.Marshal(map[string]any{
			"shipping_address": map[string]any{"name": "Bench", "line1": "1 Load St", "city": "Loopback", "postal_code": "12345", "country": "US"},
			"shipping_method":  standard.Code,
			"payment":          map[string]any{"card_number": "4242424242424242", "exp_month": 12, "exp_year": time.Now().Year() + 2, "cvc": "123"},
			"expected_total":   shown[i],
		})
		h := jsonHeader()
		h.Set("Cookie", httpapi.CookieSession+"="+tok)
		h.Set(httpapi.HeaderIdempotencyKey, fmt.Sprintf("bench-order-%d", i))
		orderTargets = append(orderTargets, vegeta.Target{Method: "POST", URL: base + "/api/v1/orders", Body: checkout, Header: h})
	}

	fmt.Fprintf(os.Stderr, "bench: %d workers, %s per scenario\n", workers, duration)
	floor, err := attack(ctx, bare, "bare fiber handler", roundRobin([]vegeta.Target{{Method: "GET", URL: "http://" + bare.addr + "/bare"}}, false), duration, workers)
	if err != nil {
		return err
	}
	scenarios := []struct {
		name string
		tr   vegeta.Targeter
	}{
		{"product list", roundRobin([]vegeta.Target{{Method: "GET", URL: base + "/api/v1/products"}}, false)},
		{"product detail", roundRobin(details, false)},
		{"search", roundRobin(searches, false)},
		{"add to cart", roundRobin(adds, false)},
		{"place order", roundRobin(orderTargets, true)},
	}
	results := []result{floor}
	for _, sc := range scenarios {
		fmt.Fprintf(os.Stderr, "bench: %s\n", sc.name)
		r, err := attack(ctx, srv, sc.name, sc.tr, duration, workers)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	for i := range results {
		r := &results[i]
		r.RPSRatio = ratio(r.RPS, floor.RPS)
		r.P50Ratio = ratio(float64(r.P50), float64(floor.P50))
		r.P99Ratio = ratio(float64(r.P99), float64(floor.P99))
		r.RSSRatio = ratio(float64(r.PeakRSS), float64(floor.PeakRSS))
	}
	report(os.Stdout, results, workers, duration)
	if out != "" {
		b, _ := json.MarshalIndent(results, "", "  ")
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
	}
	for _, r := range results {
		if r.Success < 0.99 {
			return fmt.Errorf("%s: only %.1f%% of requests succeeded (%v)", r.Scenario, 100*r.Success, r.StatusCodes)
		}
	}
	return nil
}

func sessionUser(ctx context.Context, svc domain.Services, token string) int64 {
	u, err := svc.Accounts.SessionUser(ctx, token)
	if err != nil {
		return 0
	}
	return u.ID
}

func urlWord(w string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, w)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func report(w io.Writer, results []result, workers int, duration time.Duration) {
	fmt.Fprintf(w, "\nstorefront load benchmark: %d concurrent connections, %s per scenario, loopback, PostgreSQL\n\n", workers, duration)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\trequests\treq/s\tp50\tp99\tpeak RSS\treq/s ratio\tp50 ratio\tp99 ratio\tRSS ratio\tsuccess\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%.1f MiB\t%.3f\t%.2f\t%.2f\t%.2f\t%.1f%%\t\n",
			r.Scenario, r.Requests, r.RPS, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond),
			float64(r.PeakRSS)/(1<<20), r.RPSRatio, r.P50Ratio, r.P99Ratio, r.RSSRatio, 100*r.Success)
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nratios are to the bare Fiber handler of the same run (req/s: higher is better; latency and RSS: lower is better)")
}

// startPostgres starts a throwaway server (or uses SHOP_TEST_DATABASE_URL)
// with a fresh database.
func startPostgres(context.Context) (string, func(), error) { return pgtest.Start() }
