package monitoring

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// The tests in this file run real processes on loopback: the storefront
// server built from ./server/cmd/server on an SQLite file, Debian's
// prometheus and prometheus-alertmanager. Every wait is bounded.

var (
	serverBinOnce sync.Once
	serverBin     string
	serverBinErr  error
)

// buildServer builds the storefront server once per test process, from the
// last commit (git archive HEAD) rather than the working tree, which other
// engineers may be editing at the same moment.
func buildServer(t *testing.T) string {
	t.Helper()
	serverBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "shopstack-monitoring-server-")
		if err != nil {
			serverBinErr = err
			return
		}
		src := filepath.Join(dir, "src")
		serverBin = filepath.Join(dir, "server")
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		sh := exec.CommandContext(ctx, "sh", "-c",
			`mkdir -p "$1" && git archive HEAD go.mod go.sum contract server platform | tar -x -C "$1"`, "sh", src)
		sh.Dir = filepath.Join("..", "..")
		if out, err := sh.CombinedOutput(); err != nil {
			serverBinErr = fmt.Errorf("git archive HEAD server: %v\n%s", err, out)
			return
		}
		cmd := exec.CommandContext(ctx, "go", "build", "-o", serverBin, "./server/cmd/server")
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=readonly")
		if out, err := cmd.CombinedOutput(); err != nil {
			serverBinErr = fmt.Errorf("go build ./server/cmd/server: %v\n%s", err, out)
		}
	})
	if serverBinErr != nil {
		t.Fatal(serverBinErr)
	}
	return serverBin
}

// freeAddr picks a port for a process that cannot bind its own first:
// Prometheus, whose configuration must name its own address (the
// prometheus scrape job) before it starts. Everything else binds port 0
// and reports what it got (listeningAddr, listeningOn).
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// listeningAddr waits, at most d, for the server's JSON log line
// {"msg":"listening","addr":...} in logPath and returns the address.
func listeningAddr(t *testing.T, logPath string, d time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		b, _ := os.ReadFile(logPath)
		for _, line := range strings.Split(string(b), "\n") {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" && rec.Addr != "" {
				return rec.Addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no \"listening\" line in %s after %s:\n%s", logPath, d, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startAlertmanager runs Debian's prometheus-alertmanager with config on
// a port it binds itself (127.0.0.1:0) and returns the address it logged
// (`msg="Listening on" address=127.0.0.1:NNNNN`, exporter-toolkit's line),
// once /-/ready answers.
func startAlertmanager(t *testing.T, config string) string {
	t.Helper()
	logPath := start(t, tool(t, "prometheus-alertmanager"), nil,
		"--config.file="+config,
		"--storage.path="+t.TempDir(),
		"--web.listen-address=127.0.0.1:0",
		"--cluster.listen-address=",
	)
	addr := listeningOn(t, logPath, time.Minute)
	waitOK(t, "http://"+addr+"/-/ready", time.Minute)
	return addr
}

// listeningOn waits, at most d, for the logfmt line of a Prometheus-family
// binary that names the address it bound (msg="Listening on"
// address=HOST:PORT) and returns that address.
func listeningOn(t *testing.T, logPath string, d time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		b, _ := os.ReadFile(logPath)
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.Contains(line, `msg="Listening on"`) {
				continue
			}
			for _, field := range strings.Fields(line) {
				if addr, ok := strings.CutPrefix(field, "address="); ok && !strings.HasSuffix(addr, ":0") {
					return addr
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no \"Listening on\" line in %s after %s:\n%s", logPath, d, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// start runs a process until the test ends (SIGTERM, then SIGKILL after
// 10s) and returns the path of its log (stdout and stderr).
func start(t *testing.T, name string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	logf, err := os.Create(filepath.Join(t.TempDir(), filepath.Base(name)+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			if len(b) > 4000 {
				b = b[len(b)-4000:]
			}
			t.Logf("%s log (tail):\n%s", name, b)
		}
		logf.Close()
	})
	return logf.Name()
}

// waitOK polls url until it answers 200, at most d.
func waitOK(t *testing.T, u string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s (last error %v)", u, d, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startServer runs the real storefront server on an SQLite file and
// returns its base URL.
func startServer(t *testing.T) string {
	t.Helper()
	bin := buildServer(t)
	// Port 0: the server binds a free port itself and logs it ("listening"),
	// so no port is chosen here and bound again there.
	logPath := start(t, bin, []string{
		contract.EnvListenAddr + "=127.0.0.1:0",
		contract.EnvSQLitePath + "=" + filepath.Join(t.TempDir(), "shop.db"),
		contract.EnvCookieSecure + "=false",
		contract.EnvLogLevel + "=info",
	}, contract.CmdServe)
	base := "http://" + listeningAddr(t, logPath, time.Minute)
	waitOK(t, base+contract.PathReadyz, time.Minute)
	return base
}

// shopper drives the storefront API like a customer.
type shopper struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newShopper(t *testing.T, base string) *shopper {
	jar, _ := cookiejar.New(nil)
	return &shopper{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (s *shopper) do(method, path string, body any, header map[string]string) (int, []byte) {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.c.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// shownTotal is the total the shop's checkout shows the shopper for the
// shipping method: the cart's subtotal plus the method's price (minor
// units). POST /orders must carry it as expected_total.
func (s *shopper) shownTotal(method string) int64 {
	s.t.Helper()
	var cart struct {
		Subtotal struct {
			Amount int64 `json:"amount"`
		} `json:"subtotal"`
	}
	if code, body := s.do("GET", contract.APIBase+"/cart", nil, nil); code != 200 || json.Unmarshal(body, &cart) != nil {
		s.t.Fatalf("GET cart: %d %s", code, body)
	}
	var methods struct {
		Items []struct {
			Code  string `json:"code"`
			Price struct {
				Amount int64 `json:"amount"`
			} `json:"price"`
		} `json:"items"`
	}
	if code, body := s.do("GET", contract.APIBase+"/shipping-methods", nil, nil); code != 200 || json.Unmarshal(body, &methods) != nil {
		s.t.Fatalf("GET shipping-methods: %d %s", code, body)
	}
	for _, m := range methods.Items {
		if m.Code == method {
			return cart.Subtotal.Amount + m.Price.Amount
		}
	}
	s.t.Fatalf("no shipping method %q in %+v", method, methods.Items)
	return 0
}

// representativeTraffic browses the catalog, hits unknown paths (which must
// not become route labels), registers, fills a cart and checks out once with
// a good card and once with a declined one. It returns the raw paths used,
// so that the caller can check none of them became a label value.
func representativeTraffic(t *testing.T, base string, rounds int) []string {
	t.Helper()
	s := newShopper(t, base)
	var raw []string
	type product struct {
		ID    int64  `json:"id"`
		Slug  string `json:"slug"`
		SKU   string `json:"sku"`
		Stock int    `json:"stock"`
	}
	var list struct {
		Items []product `json:"items"`
	}
	code, body := s.do("GET", contract.APIBase+"/products?per_page=50", nil, nil)
	if code != 200 || json.Unmarshal(body, &list) != nil || len(list.Items) == 0 {
		t.Fatalf("GET products: %d %s", code, body)
	}
	for i := 0; i < rounds; i++ {
		s.do("GET", contract.APIBase+"/categories", nil, nil)
		s.do("GET", contract.APIBase+"/products", nil, nil)
		p := list.Items[i%len(list.Items)]
		path := contract.APIBase + "/products/" + p.Slug
		raw = append(raw, path)
		s.do("GET", path, nil, nil)
		s.do("GET", contract.APIBase+"/images/"+p.SKU+".svg", nil, nil)
		s.do("GET", contract.APIBase+"/search?q=blue", nil, nil)
		s.do("GET", contract.APIBase+"/search?q=", nil, nil) // 422
		unknown := fmt.Sprintf("/wp-admin/%d.php", i)
		raw = append(raw, unknown, contract.APIBase+"/products/no-such-"+strconv.Itoa(i))
		s.do("GET", unknown, nil, nil)                                               // unmatched
		s.do("GET", contract.APIBase+"/products/no-such-"+strconv.Itoa(i), nil, nil) // 404 on a template
	}
	// One customer checks out three times: a good card, a declined one, and
	// a total that is no longer what the cart costs (409 cart_changed).
	email := fmt.Sprintf("monitoring-%d@example.com", time.Now().UnixNano())
	if code, body := s.do("POST", contract.APIBase+"/auth/register", map[string]string{"email": email, "password": "correct horse battery", "name": "Monitoring Test"}, nil); code != 201 {
		t.Fatalf("register: %d %s", code, body)
	}
	var inStock product
	for _, p := range list.Items {
		if p.Stock > 2 {
			inStock = p
			break
		}
	}
	address := map[string]string{"name": "Monitoring Test", "line1": "1 Test Street", "city": "Dublin", "region": "D", "postal_code": "D01", "country": "IE", "phone": "+353100000"}
	for i, tc := range []struct {
		card  string
		stale bool // send a total other than the one shown
		want  int
	}{{"4242424242424242", false, 201}, {"4000000000000002", false, 402}, {"4242424242424242", true, 409}} {
		if code, body := s.do("POST", contract.APIBase+"/cart/items", map[string]any{"product_id": inStock.ID, "quantity": 1}, nil); code != 200 && code != 201 {
			t.Fatalf("add to cart: %d %s", code, body)
		}
		total := s.shownTotal("standard")
		if tc.stale {
			total++
		}
		order := map[string]any{
			"shipping_address": address, "shipping_method": "standard",
			"payment":        map[string]any{"card_number": tc.card, "exp_month": 12, "exp_year": time.Now().Year() + 2, "cvc": "123"},
			"expected_total": total,
		}
		code, body := s.do("POST", contract.APIBase+"/orders", order, map[string]string{"Idempotency-Key": fmt.Sprintf("00000000-0000-4000-8000-%012d", time.Now().UnixNano()%1e12+int64(i))})
		t.Logf("checkout with %s: %d", tc.card, code)
		if code != tc.want {
			t.Fatalf("checkout with %s: %d %s, want %d", tc.card, code, body, tc.want)
		}
	}
	return raw
}

// scrape fetches and parses the server's /metrics.
func scrape(t *testing.T, base string) ([]byte, map[string]*dto.MetricFamily) {
	t.Helper()
	resp, err := http.Get(base + contract.PathMetrics)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return body, families
}

// seriesCount counts the time series of a family as Prometheus stores them.
func seriesCount(f *dto.MetricFamily) int {
	n := 0
	for _, m := range f.Metric {
		switch f.GetType() {
		case dto.MetricType_HISTOGRAM:
			n += len(m.GetHistogram().GetBucket()) + 3 // buckets, +Inf, _sum, _count
		case dto.MetricType_SUMMARY:
			n += len(m.GetSummary().GetQuantile()) + 2
		default:
			n++
		}
	}
	return n
}

// TestServerMetricsFromRealScrape builds and starts the real server, sends
// representative traffic and checks, on its /metrics: every storefront
// metric a rule or dashboard reads exists; the route label holds route
// templates only; the series count fits the scrape's sample_limit. It logs
// the cardinality and scrape size reported in docs/monitoring.md.
func TestServerMetricsFromRealScrape(t *testing.T) {
	base := startServer(t)
	raw := representativeTraffic(t, base, 40)
	body, families := scrape(t, base)

	scraped := map[string]bool{}
	for name, f := range families {
		scraped[name] = true
		if f.GetType() == dto.MetricType_HISTOGRAM {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				scraped[name+s] = true
			}
		}
	}
	for _, c := range contractMetrics {
		if !scraped[c] {
			t.Errorf("contract metric %s is not exported by the server", c)
		}
	}
	for _, env := range environments(t) {
		server, _ := usedMetricNames(t, env)
		for name, where := range server {
			if !scraped[name] {
				t.Errorf("%s: %s (used by %v) is not in the server's /metrics", env.Name, name, where)
			}
		}
	}

	// The checkouts of representativeTraffic, each under its own result.
	results := map[string]float64{}
	for _, m := range families[contract.MetricCheckouts].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == contract.LabelResult {
				results[l.GetValue()] = m.GetCounter().GetValue()
			}
		}
	}
	for r, want := range map[string]float64{contract.CheckoutSucceeded: 1, contract.CheckoutDeclined: 1, contract.CheckoutCartChanged: 1, contract.CheckoutInvalid: 0} {
		if got, ok := results[r]; !ok || got != want {
			t.Errorf("%s{%s=%q} = %v (present %v), want %v", contract.MetricCheckouts, contract.LabelResult, r, got, ok, want)
		}
	}

	routes := map[string]bool{}
	for _, m := range families[contract.MetricHTTPRequests].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == contract.LabelRoute {
				routes[l.GetValue()] = true
			}
		}
	}
	for _, p := range raw {
		if routes[p] {
			t.Errorf("raw path %q became a route label value", p)
		}
	}
	if !routes[contract.RouteUnmatched] {
		t.Errorf("unknown paths are not labelled %q: %v", contract.RouteUnmatched, keys(routes))
	}

	total, shop := 0, 0
	var lines []string
	for name, f := range families {
		n := seriesCount(f)
		total += n
		if strings.HasPrefix(name, serverMetricPrefix) {
			shop += n
			lines = append(lines, fmt.Sprintf("%6d %s", n, name))
		}
	}
	sort.Strings(lines)
	t.Logf("route label values (%d): %v", len(routes), keys(routes))
	t.Logf("series per backend pod after representative traffic: %d total, %d shop_*; scrape size %d bytes\n%s",
		total, shop, len(body), strings.Join(lines, "\n"))
	if total > backendSampleLimit/2 {
		t.Errorf("%d series per pod is more than half the scrape's sample_limit %d", total, backendSampleLimit)
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// promQuery runs an instant query against a Prometheus HTTP API.
func promQuery(t *testing.T, base, expr string) (int, error) {
	t.Helper()
	resp, err := http.PostForm(base+"/api/v1/query", url.Values{"query": {expr}})
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, err
	}
	if r.Status != "success" {
		return 0, fmt.Errorf("query %q: %s", expr, r.Error)
	}
	return len(r.Data.Result), nil
}

// TestPrometheusEndToEnd runs Debian's prometheus with a configuration made
// by PrometheusConfig (the backend job, its metrics path and sample limit,
// switched to a static target) and the generated rules, pointed at Debian's
// prometheus-alertmanager running the generated alertmanager.yml. Traffic
// goes to the real server; the storefront dashboard's request-rate and
// latency queries must then return data through Prometheus' HTTP API. The
// self-monitoring metric names the rules read are checked on the two
// daemons' own /metrics.
func TestPrometheusEndToEnd(t *testing.T) {
	env := platform.Dev()
	base := startServer(t)
	dir, _ := generated(t, env)

	// AlertManager with the generated configuration (clustering off: one
	// process). It must load the file and serve.
	amAddr := startAlertmanager(t, filepath.Join(dir, "alertmanager", alertmanagerConfigFile))

	promAddr := freeAddr(t)
	backendAddr := strings.TrimPrefix(base, "http://")
	cfg := prometheusConfig(env).withOverrides(scrapeOverrides{
		StaticTargets: map[string][]string{jobBackend: {backendAddr}, jobPrometheus: {promAddr}},
		TargetLabels:  map[string]string{"namespace": env.Names.Namespace},
		// Short, so that rate() has samples within seconds.
		ScrapeInterval: "1s",
		RuleFiles:      []string{filepath.Join(dir, "prometheus", rulesFile)},
		Alertmanagers:  []string{amAddr},
	})
	b, err := marshalYAML(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "prometheus", "e2e.yml")
	if err := os.WriteFile(cfgPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// Debian's promtool accepts this variant in full (rules included).
	if out, err := run(t, filepath.Dir(cfgPath), "promtool", "check", "config", cfgPath); err != nil {
		t.Fatalf("promtool check config (e2e variant): %v\n%s", err, out)
	}
	start(t, tool(t, "prometheus"), nil,
		"--config.file="+cfgPath,
		"--storage.tsdb.path="+t.TempDir(),
		"--web.listen-address="+promAddr,
	)
	promBase := "http://" + promAddr
	waitOK(t, promBase+"/-/ready", time.Minute)

	// Traffic in the background while waiting for the queries.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c := &http.Client{Timeout: 5 * time.Second}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			for _, p := range []string{"/products", "/categories", "/search?q=blue", "/products/no-such"} {
				if resp, err := c.Get(base + contract.APIBase + p); err == nil {
					resp.Body.Close()
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	defer func() { close(stop); wg.Wait() }()

	boards, err := dashboards(env)
	if err != nil {
		t.Fatal(err)
	}
	var queries map[string]string
	for _, d := range boards {
		if d.File == dashboardStorefront {
			queries = d.queries()
		}
	}
	// The dashboards' $__rate_interval becomes 15s: 15 samples at 1s.
	window := strings.NewReplacer("$__rate_interval", "15s", "$__range", "1m")
	for _, panel := range []string{panelRequestsByRoute, panelLatencyP50, panelLatencyP95, panelLatencyP99} {
		expr, ok := queries[panel+"/A"]
		if !ok {
			t.Fatalf("storefront dashboard has no panel %q", panel)
		}
		expr = window.Replace(expr)
		deadline := time.Now().Add(90 * time.Second)
		for {
			n, err := promQuery(t, promBase, expr)
			if err == nil && n > 0 {
				t.Logf("%s: %d series from %s", panel, n, expr)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: no data after 90s from %s (err %v)", panel, expr, err)
			}
			time.Sleep(time.Second)
		}
	}
	if n, err := promQuery(t, promBase, fmt.Sprintf(`%s{job=%q} == 1`, metricUp, jobBackend)); err != nil || n != 1 {
		t.Errorf("backend target not up: %d, %v", n, err)
	}
	// Rules load and evaluate without failures.
	if n, err := promQuery(t, promBase, fmt.Sprintf(`sum(%s) > 0`, metricPromRuleEvalFailures)); err != nil || n != 0 {
		t.Errorf("rule evaluation failures: %d, %v", n, err)
	}

	// Self-monitoring names on the real daemons.
	_, promFamilies := scrape(t, promBase)
	_, amFamilies := scrape(t, "http://"+amAddr)
	for _, name := range exporterMetrics["prometheus/alertmanager (self)"] {
		switch {
		case strings.HasPrefix(name, "prometheus_"):
			if _, ok := promFamilies[name]; !ok {
				t.Errorf("Debian prometheus does not export %s", name)
			}
		case strings.HasPrefix(name, "alertmanager_"):
			if _, ok := amFamilies[name]; !ok {
				t.Errorf("Debian prometheus-alertmanager does not export %s", name)
			}
		}
	}
}
