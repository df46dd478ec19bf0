package monitoring

import (
	"fmt"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

var promqlParser = parser.NewParser(parser.Options{})

// usedExpressions returns every PromQL expression of env's rules and
// dashboards, keyed by where it comes from.
func usedExpressions(t testing.TB, env platform.Environment) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, g := range rules(alerts(env)).Groups {
		for _, r := range g.Rules {
			out["rule "+r.Alert+" "+r.Labels["severity"]] = r.Expr
		}
	}
	boards, err := dashboards(env)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range boards {
		qs := d.queries()
		if len(qs) == 0 {
			t.Fatalf("dashboard %s has no queries", d.File)
		}
		for k, v := range qs {
			out["dashboard "+d.File+" "+k] = expandGrafanaMacros(v)
		}
	}
	return out
}

// metricNames returns the metric names an expression selects.
func metricNames(t testing.TB, expr string) []string {
	t.Helper()
	node, err := promqlParser.ParseExpr(expr)
	if err != nil {
		t.Fatalf("parse %q: %v", expr, err)
	}
	var names []string
	parser.Inspect(node, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			names = append(names, vs.Name)
		}
		return nil
	})
	return names
}

// TestPromQLParses parses every rule and dashboard expression with the
// Prometheus v0.316 parser, and the whole rule file with rulefmt.
func TestPromQLParses(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			for where, expr := range usedExpressions(t, env) {
				if _, err := promqlParser.ParseExpr(expr); err != nil {
					t.Errorf("%s: %q: %v", where, expr, err)
				}
				if strings.Contains(expr, "$") {
					t.Errorf("%s: unexpanded variable in %q", where, expr)
				}
			}
			f, err := generate(env)
			if err != nil {
				t.Fatal(err)
			}
			groups, errs := rulefmt.Parse(f.Rules, false, model.UTF8Validation, promqlParser, nil)
			for _, e := range errs {
				t.Errorf("rulefmt: %v", e)
			}
			n := 0
			for _, g := range groups.Groups {
				for _, r := range g.Rules {
					n++
					for _, k := range []string{"summary", "description", "runbook_url"} {
						if r.Annotations[k] == "" {
							t.Errorf("rule %s: no %s annotation", r.Alert, k)
						}
					}
					if s := r.Labels["severity"]; s != severityCritical && s != severityWarning {
						t.Errorf("rule %s: severity %q", r.Alert, s)
					}
				}
			}
			if n == 0 {
				t.Fatal("no rules")
			}
		})
	}
}

// serverMetricPrefix marks the storefront's own metrics; every other name
// must be in exporterMetrics.
const serverMetricPrefix = "shop_"

// usedMetricNames splits the metric names read by env's rules and
// dashboards into the server's and everyone else's.
func usedMetricNames(t testing.TB, env platform.Environment) (server, others map[string][]string) {
	server, others = map[string][]string{}, map[string][]string{}
	for where, expr := range usedExpressions(t, env) {
		for _, n := range metricNames(t, expr) {
			if strings.HasPrefix(n, serverMetricPrefix) {
				server[n] = append(server[n], where)
			} else {
				others[n] = append(others[n], where)
			}
		}
	}
	return server, others
}

// TestExporterMetricNamesAreKnown checks every non-storefront metric name
// against the per-exporter lists (exporter_metrics.go).
func TestExporterMetricNamesAreKnown(t *testing.T) {
	known := map[string]string{}
	for source, names := range exporterMetrics {
		for _, n := range names {
			known[n] = source
		}
	}
	for _, env := range environments(t) {
		_, others := usedMetricNames(t, env)
		for name, where := range others {
			if _, ok := known[name]; !ok {
				sort.Strings(where)
				t.Errorf("%s: metric %q is in no exporter list (used by %v)", env.Name, name, where)
			}
		}
	}
}

// contractMetrics are every metric name contract declares: the string
// values of its Metric* constants, read from the package's source so that a
// new metric needs no second list here.
var contractMetrics = func() []string {
	files, err := filepath.Glob(filepath.Join("..", "..", "contract", "*.go"))
	if err != nil || len(files) == 0 {
		panic(fmt.Sprintf("contract sources: %v %v", files, err))
	}
	var names []string
	for _, path := range files {
		f, err := goparser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			panic(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "Metric") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						names = append(names, v)
					}
				}
			}
		}
	}
	sort.Strings(names)
	return names
}()

// TestContractMetricsAreRead guards the reader above: it finds the
// contract's metrics (a few named here) and nothing else.
func TestContractMetricsAreRead(t *testing.T) {
	for _, want := range []string{contract.MetricHTTPRequests, contract.MetricDBWaitDuration, contract.MetricCatalogCacheBytes} {
		if !slices.Contains(contractMetrics, want) {
			t.Errorf("contractMetrics %v lack %s", contractMetrics, want)
		}
	}
	for _, m := range contractMetrics {
		if !strings.HasPrefix(m, "shop_") {
			t.Errorf("contractMetrics holds %q, not a shop_ metric", m)
		}
	}
}

// TestServerMetricNamesComeFromContract: a storefront metric used by a rule
// or dashboard is a contract name (or a histogram series of one).
func TestServerMetricNamesComeFromContract(t *testing.T) {
	for _, env := range environments(t) {
		server, _ := usedMetricNames(t, env)
		for name, where := range server {
			if !inContract(name) {
				t.Errorf("%s: %q (used by %v) is not a contract metric", env.Name, name, where)
			}
		}
	}
}

func inContract(name string) bool {
	for _, c := range contractMetrics {
		if name == c || name == c+"_bucket" || name == c+"_sum" || name == c+"_count" {
			return true
		}
	}
	return false
}
