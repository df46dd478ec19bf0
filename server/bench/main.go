// Command bench is the storefront's load benchmark. It starts a throwaway
// PostgreSQL (server/internal/pgtest), migrates and seeds it, then runs two
// child processes of itself on loopback: the real storefront server, and a
// bare Fiber handler that answers a fixed JSON body (the floor: what
// Fiber + the loopback + the load generator cost without any of our code).
// The seeded catalog is scaled to -products products (10,000 by default;
// for the bench only) so that the list and search queries meet a
// realistically sized table.
//
// Vegeta, as a library, drives each scenario closed-loop, wrk-style: each
// of -workers (32) workers sends its next request when the previous one
// has answered, for a bounded time (and, for orders, a bounded count). The
// report gives requests/s, p50 and p99 latency and the server's peak RSS
// (VmHWM of the child, reset before every scenario), each also as a ratio
// to the bare handler measured in the same run; then every scenario runs
// again open-loop at half of its closed-loop rate, and the report gives
// that run's p99 (latency when the server is not saturated).
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
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/gofiber/fiber/v2"
	vegeta "github.com/tsenart/vegeta/v12/lib"
	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/httpapi"
	"github.com/shopstack/shopstack/server/internal/pgtest"
	"github.com/shopstack/shopstack/server/mail"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/seed"
	"github.com/shopstack/shopstack/server/store"
)

const (
	envChild   = "SHOP_BENCH_CHILD" // "server" or "bare": run as the measured process
	envDSN     = "SHOP_BENCH_DSN"
	envProfile = "SHOP_BENCH_CPUPROFILE" // the server child writes its CPU profile here
)

var (
	benchOnly       string // -only
	benchCPUProfile string // -cpuprofile
)

// selected reports whether -only lets the scenario run.
func selected(scenario string) bool {
	if benchOnly == "" {
		return true
	}
	for _, w := range strings.Split(benchOnly, ",") {
		if w = strings.TrimSpace(w); w != "" && strings.Contains(scenario, w) {
			return true
		}
	}
	return false
}

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
	workers := flag.Int("workers", 32, "concurrent connections of the load generator (closed loop)")
	catalogSize := flag.Int("products", 10000, "scale the seeded catalog to this many products")
	orders := flag.Int("orders", 400, "at most this many orders are placed (each needs a prepared customer)")
	out := flag.String("json", "", "also write the results as JSON to this file")
	acceptEncoding := flag.String("accept-encoding", "gzip", "Accept-Encoding of every request, sent as given (the load generator never decodes, like wrk); identity: uncompressed")
	only := flag.String("only", "", "run only the scenarios whose names contain one of these comma-separated words (e.g. order,search); the bare handler always runs")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measured server process (all scenarios) to this file, for go tool pprof")
	buyRate := flag.Float64("buy-rate", 20, "orders per second placed in the background of the browse-while-buying scenario (0: skip it)")
	explainOnly := flag.Bool("explain", false, "print EXPLAIN ANALYZE of the catalog queries on the scaled catalog instead of the load run")
	flag.Parse()
	if *duration <= 0 || *duration > time.Minute || *workers < 1 || *workers > 256 || *orders < 1 || *orders > 10000 || *catalogSize < 0 || *catalogSize > 1_000_000 || *buyRate < 0 || *buyRate > 1000 {
		fmt.Fprintln(os.Stderr, "bench: -duration must be in (0, 1m], -workers in [1, 256], -orders in [1, 10000], -products in [0, 1000000], -buy-rate in [0, 1000]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *explainOnly {
		*orders = 1
	}
	benchAcceptEncoding = *acceptEncoding
	benchOnly = *only
	benchCPUProfile = *cpuProfile
	if err := run(ctx, *duration, *workers, *orders, *catalogSize, *buyRate, *out, *explainOnly); err != nil {
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
	if path := os.Getenv(envProfile); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
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
	// As serve makes it: each order's confirmation is queued in its checkout.
	st := store.New(db, store.Options{Payments: payment.NewTestProvider(), OrderMails: mail.OrderMails{PublicURL: "https://shop.bench.invalid"}})
	// Production logging (JSON access log of every request), into the void:
	// the formatting cost is measured, a terminal is not.
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	go st.WatchCatalog(context.Background(), log)
	srv := httpapi.New(httpapi.Deps{Services: st.Services(), DB: st.DB(), Image: seed.SVG, Logger: log, CatalogVersion: st.CatalogVersion})
	return serveChild(srv.App())
}

// child is a running measured process.
type child struct {
	cmd        *exec.Cmd
	stdin      io.Closer
	addr       string
	postmaster int // the PostgreSQL server it uses (0: none or not local)
}

func startChild(kind, dsn string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envChild+"="+kind, envDSN+"="+dsn)
	if kind == "server" && benchCPUProfile != "" {
		cmd.Env = append(cmd.Env, envProfile+"="+benchCPUProfile)
	}
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
	// HalfRate is the open-loop rate of the second run (half of RPS) and
	// HalfP99 its p99 latency.
	HalfRate    float64       `json:"half_rate"`
	HalfP99     time.Duration `json:"half_p99"`
	HalfSuccess float64       `json:"half_success"`
	// ServerCPU and DatabaseCPU are the processor time the measured
	// process and the PostgreSQL server spent per request in the closed
	// loop (/proc; the bare handler has no database).
	ServerCPU   time.Duration `json:"server_cpu_per_request"`
	DatabaseCPU time.Duration `json:"database_cpu_per_request"`
}

// attack runs one scenario. rate 0 is the closed loop: exactly workers
// workers, each sending as soon as its previous request answered. A
// positive rate is open loop at that many requests per second, with as
// many workers as it takes (up to 256), so latency is not hidden by
// requests waiting for a free worker.
func attack(ctx context.Context, c *child, name string, tr vegeta.Targeter, duration time.Duration, workers int, rate float64) (result, error) {
	if err := c.resetPeakRSS(); err != nil {
		return result{}, fmt.Errorf("resetting peak RSS: %w", err)
	}
	cpu := cpuMeter{server: c.cmd.Process.Pid, postmaster: c.postmaster}
	cpu.start()
	maxWorkers := workers
	vr := vegeta.Rate{Freq: 0}
	if rate > 0 {
		maxWorkers = 256
		vr = vegeta.Rate{Freq: int(rate), Per: time.Second}
		if vr.Freq < 1 {
			vr.Freq = 1
		}
	}
	a := vegeta.NewAttacker(
		vegeta.Workers(uint64(workers)), vegeta.MaxWorkers(uint64(maxWorkers)),
		vegeta.KeepAlive(true), vegeta.Connections(maxWorkers), vegeta.Timeout(10*time.Second),
		vegeta.MaxBody(1<<20), vegeta.Redirects(vegeta.NoFollow),
	)
	var m vegeta.Metrics
	results := a.Attack(tr, vr, duration, name)
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
				srvCPU, dbCPU := cpu.perRequest(m.Requests)
				return result{Scenario: name, Requests: m.Requests, RPS: m.Throughput, P50: m.Latencies.P50, P99: m.Latencies.P99,
					PeakRSS: rss, Success: m.Success, StatusCodes: m.StatusCodes, ServerCPU: srvCPU, DatabaseCPU: dbCPU}, nil
			}
			if res.Code == 0 && res.Error == vegeta.ErrNoTargets.Error() {
				continue // the bounded targeter ran out: not a request
			}
			m.Add(res)
		}
	}
}

// benchAcceptEncoding is the -accept-encoding flag.
var benchAcceptEncoding = "gzip"

// roundRobin returns a concurrency-safe targeter cycling over targets,
// or stopping after them when once is set. Every target gets the
// -accept-encoding header: set explicitly, Go's transport does not
// decompress, so the load generator (on the same CPUs) costs the same for
// every route, as wrk's does.
func roundRobin(targets []vegeta.Target, once bool) vegeta.Targeter {
	for i := range targets {
		h := targets[i].Header.Clone()
		if h == nil {
			h = http.Header{}
		}
		h.Set("Accept-Encoding", benchAcceptEncoding)
		targets[i].Header = h
	}
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

func run(ctx context.Context, duration time.Duration, workers, orders, catalogSize int, buyRate float64, out string, explainOnly bool) error {
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
	shop, err := prepareShop(ctx, db, catalogSize)
	if err != nil {
		return err
	}
	if explainOnly {
		return explain(ctx, os.Stdout, db, "linen")
	}
	// Twice the customers: one half for the closed loop, the other for
	// the open-loop run at half rate.
	customers, err := shop.customers(ctx, "customers", 2*orders)
	if err != nil {
		return err
	}
	// The buyers of the browse-while-buying scenario: enough for both of
	// its runs at buyRate, with a margin.
	var buyers []customer
	if buyRate > 0 && selected(buyingName(buyRate)) {
		if buyers, err = shop.customers(ctx, "buyers", int(2*buyRate*duration.Seconds()*1.2)+10); err != nil {
			return err
		}
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
	srv.postmaster = postmasterPID(ctx, db)
	scenarios, err := shop.scenarios(ctx, "http://"+srv.addr, customers, buyers, buyRate)
	if err != nil {
		return err
	}

	fmt.Fprintf(os.Stderr, "bench: %d workers, %s per scenario\n", workers, duration)
	bareTargets := func() vegeta.Targeter {
		return roundRobin([]vegeta.Target{{Method: "GET", URL: "http://" + bare.addr + "/bare"}}, false)
	}
	floor, err := attack(ctx, bare, "bare fiber handler", bareTargets(), duration, workers, 0)
	if err != nil {
		return err
	}
	if err := halfRate(ctx, bare, &floor, bareTargets(), duration, workers); err != nil {
		return err
	}
	results := []result{floor}
	for _, sc := range scenarios {
		if !selected(sc.name) || (sc.background != nil && len(buyers) == 0) {
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: %s\n", sc.name)
		var r result
		err := alongside(ctx, sc, duration, func() (err error) {
			r, err = attack(ctx, srv, sc.name, sc.tr(), duration, workers, 0)
			return err
		})
		if err != nil {
			return err
		}
		second := sc.half
		if second == nil {
			second = sc.tr
		}
		err = alongside(ctx, sc, duration, func() error { return halfRate(ctx, srv, &r, second(), duration, workers) })
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	for _, mode := range []ceilingMode{ceilingPlain, ceilingPrepared, ceilingFunction} {
		if !selected(mode.name()) {
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: %s\n", mode.name())
		r, err := orderCeiling(ctx, dsn, shop, srv.postmaster, duration, workers, mode)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	return finish(results, out, workers, duration)
}

// finish sets every result's ratios to the bare handler (results[0]),
// prints the report, writes the JSON file if asked, and fails when a
// scenario's requests did not succeed.
func finish(results []result, out string, workers int, duration time.Duration) error {
	floor := results[0]
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
		if strings.HasPrefix(r.Scenario, "order rows") {
			continue // no half-rate run; orderCeiling fails on any failed statement
		}
		if r.Success < 0.99 || r.HalfSuccess < 0.99 {
			return fmt.Errorf("%s: only %.1f%% (closed loop) / %.1f%% (half rate) of requests succeeded (%v)", r.Scenario, 100*r.Success, 100*r.HalfSuccess, r.StatusCodes)
		}
	}
	return nil
}

// alongside runs measure while the scenario's background requests (if
// any) are sent at its backgroundRate for duration, and fails when fewer
// than 99% of those succeeded: a background that failed would make the
// measured run cheaper, not comparable.
func alongside(ctx context.Context, sc scenario, duration time.Duration, measure func() error) error {
	if sc.background == nil {
		return measure()
	}
	a := vegeta.NewAttacker(vegeta.Workers(4), vegeta.MaxWorkers(64), vegeta.KeepAlive(true), vegeta.Connections(64),
		vegeta.Timeout(10*time.Second), vegeta.MaxBody(1<<20), vegeta.Redirects(vegeta.NoFollow))
	results := a.Attack(sc.background, vegeta.Rate{Freq: int(max(1, sc.backgroundRate)), Per: time.Second}, duration, sc.name+" (background)")
	done := make(chan vegeta.Metrics, 1)
	go func() {
		var m vegeta.Metrics
		for res := range results {
			m.Add(res)
		}
		m.Close()
		done <- m
	}()
	err := measure()
	if err != nil || ctx.Err() != nil {
		a.Stop()
	}
	m := <-done
	if err != nil {
		return err
	}
	if m.Requests == 0 || m.Success < 0.99 {
		return fmt.Errorf("%s: only %.1f%% of %d background requests succeeded (%v, %v)", sc.name, 100*m.Success, m.Requests, m.StatusCodes, m.Errors)
	}
	fmt.Fprintf(os.Stderr, "bench: %s: %d background requests, %.0f/s, all succeeded\n", sc.name, m.Requests, m.Rate)
	return nil
}

// halfRate runs the scenario again open-loop at half of r's closed-loop
// rate and records that run's p99 in r.
func halfRate(ctx context.Context, c *child, r *result, tr vegeta.Targeter, duration time.Duration, workers int) error {
	hr, err := attack(ctx, c, r.Scenario+" (half rate)", tr, duration, workers, r.RPS/2)
	if err != nil {
		return err
	}
	r.HalfRate, r.HalfP99, r.HalfSuccess = r.RPS/2, hr.P99, hr.Success
	return nil
}

// scaleCatalog copies the seeded active products until the catalog has n
// products, each copy with its own SKU, slug and name suffix and a spread
// of prices, created_at and featured flags, so sorts and filters meet
// realistic data. Bench only: the demo seed stays small.
func scaleCatalog(ctx context.Context, db *bun.DB, n int) error {
	var have int
	if err := db.NewSelect().TableExpr("products").ColumnExpr("count(*)").Scan(ctx, &have); err != nil {
		return err
	}
	var seeded int
	if err := db.NewSelect().TableExpr("products").ColumnExpr("count(*)").Where("active").Scan(ctx, &seeded); err != nil {
		return err
	}
	if n <= have || seeded == 0 {
		return nil
	}
	copies := (n - have + seeded - 1) / seeded
	_, err := db.ExecContext(ctx, `
INSERT INTO products (sku, slug, name, description, price, currency, category_id, images, attributes, stock, active, featured, created_at, updated_at)
SELECT p.sku || '-B' || g, p.slug || '-b' || g, p.name || ' ' || g, p.description,
       p.price + (g * 37) % 5000, p.currency, p.category_id, p.images, p.attributes, 1000000, TRUE, (g % 50 = 0),
       p.created_at - make_interval(mins => g), p.updated_at
FROM products AS p CROSS JOIN generate_series(1, ?) AS g
WHERE p.active`, copies)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `DELETE FROM products WHERE id IN (SELECT id FROM products WHERE sku LIKE '%-B%' ORDER BY id DESC LIMIT (SELECT greatest(count(*) - ?, 0) FROM products))`, n)
	if err != nil {
		return err
	}
	// What autovacuum would have done by the time a shop has this many
	// products: statistics, and the visibility map index-only scans need.
	_, err = db.ExecContext(ctx, "VACUUM ANALYZE products")
	return err
}

// activeSlugs lists every active product's slug (the detail scenario
// visits them all, so a cache has to hold the whole catalog to hit).
func activeSlugs(ctx context.Context, db *bun.DB) ([]string, error) {
	var slugs []string
	err := db.NewSelect().TableExpr("products").Column("slug").Where("active").OrderExpr("id").Scan(ctx, &slugs)
	return slugs, err
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
	fmt.Fprintf(w, "\nstorefront load benchmark: %d concurrent connections (closed loop), %s per scenario, Accept-Encoding %q, loopback, PostgreSQL\n\n", workers, duration, benchAcceptEncoding)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\trequests\treq/s\tp50\tp99\tpeak RSS\treq/s ratio\tp50 ratio\tp99 ratio\tRSS ratio\tsuccess\thalf rate\tp99 at half rate\tserver CPU/req\tdatabase CPU/req\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%.1f MiB\t%.3f\t%.2f\t%.2f\t%.2f\t%.1f%%\t%.0f/s\t%s\t%s\t%s\t\n",
			r.Scenario, r.Requests, r.RPS, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond),
			float64(r.PeakRSS)/(1<<20), r.RPSRatio, r.P50Ratio, r.P99Ratio, r.RSSRatio, 100*r.Success,
			r.HalfRate, r.HalfP99.Round(time.Microsecond), r.ServerCPU.Round(time.Microsecond), r.DatabaseCPU.Round(time.Microsecond))
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nratios are to the bare Fiber handler of the same run (req/s: higher is better; latency and RSS: lower is better);")
	fmt.Fprintln(w, "CPU/req: processor time of the measured process and of the PostgreSQL server per request of the closed loop (/proc, 10 ms ticks)")
	for _, r := range results {
		if r.Scenario == ceilingName {
			fmt.Fprintf(w, "order rows: no HTTP server; the rows one order writes, as one SQL statement sent back to back by %d connections of this\n", workers)
			fmt.Fprintln(w, "  process (its server CPU is this process's): as the store's pool sends statements, the ceiling of place order here;")
			fmt.Fprintln(w, "  prepared: the same statement prepared once per connection (a reused plan), which the pool does not do;")
			fmt.Fprintln(w, "  PL/pgSQL call: the same statement as the body of a function called through the pool (plans kept per session); no half-rate runs")
			break
		}
	}
}

// startPostgres starts a throwaway server (or uses SHOP_TEST_DATABASE_URL)
// with a fresh database.
func startPostgres(context.Context) (string, func(), error) { return pgtest.Start() }
