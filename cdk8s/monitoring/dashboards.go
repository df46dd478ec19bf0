//lint:file-ignore SA1019 The dashboards are written in Grafana's v1 JSON model on purpose: the SDK deprecates it for dashboardv2, but Grafana's schema v2 needs the Dynamic Dashboards and kubernetesDashboards feature toggles and is "public preview ... Do not enable this feature in production environments" (https://grafana.com/docs/grafana/v12.4/as-code/observability-as-code/schema-v2/); the provisioned Grafana 12.0 reads v1 from files.

package monitoring

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// Dashboard file names in the grafana-dashboards ConfigMap.
const (
	dashboardPlatform   = "platform-overview.json"
	dashboardStorefront = "storefront-api.json"
	dashboardDatabase   = "database.json"
)

// Panel titles the end-to-end test looks up in the storefront dashboard.
const (
	panelRequestsByRoute = "Requests per second by route"
	panelLatencyP50      = "Latency p50 by route"
	panelLatencyP95      = "Latency p95 by route"
	panelLatencyP99      = "Latency p99 by route"
)

// NamedDashboard is a dashboard with the file name it is provisioned as.
type namedDashboard struct {
	File      string
	Dashboard dashboard.Dashboard
}

// JSON is the dashboard as Grafana reads it from a provisioning file.
func (d namedDashboard) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(d.Dashboard, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Dashboards builds every dashboard of env with the Grafana Foundation SDK.
func dashboards(env platform.Environment) ([]namedDashboard, error) {
	var out []namedDashboard
	for _, d := range []struct {
		file  string
		build func(platform.Environment) *dashboard.DashboardBuilder
	}{
		{dashboardPlatform, platformDashboard},
		{dashboardStorefront, storefrontDashboard},
		{dashboardDatabase, databaseDashboard},
	} {
		built, err := d.build(env).Build()
		if err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", d.file, err)
		}
		out = append(out, namedDashboard{File: d.file, Dashboard: built})
	}
	return out, nil
}

// queries returns every PromQL expression of the dashboard, keyed by
// "<panel title>/<refId>".
func (d namedDashboard) queries() map[string]string {
	out := map[string]string{}
	add := func(p dashboard.Panel) {
		for _, t := range p.Targets {
			q, ok := t.(*prometheus.Dataquery)
			if !ok {
				if v, ok2 := t.(prometheus.Dataquery); ok2 {
					q = &v
				} else {
					continue
				}
			}
			title, ref := "", ""
			if p.Title != nil {
				title = *p.Title
			}
			if q.RefId != nil {
				ref = *q.RefId
			}
			out[title+"/"+ref] = q.Expr
		}
	}
	for _, p := range d.Dashboard.Panels {
		if p.Panel != nil {
			add(*p.Panel)
		}
		if p.RowPanel != nil {
			for _, rp := range p.RowPanel.Panels {
				add(rp)
			}
		}
	}
	return out
}

var datasource = common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr(grafanaDatasourceUID)}

// q is one query of a panel.
type q struct{ expr, legend string }

// board collects panels and numbers them.
type board struct {
	b      *dashboard.DashboardBuilder
	nextID uint32
}

func newBoard(env platform.Environment, uid, title, description string) *board {
	b := dashboard.NewDashboardBuilder(title).
		Uid(uid).
		Description(description).
		Tags([]string{"shopstack", env.Name}).
		Refresh("30s").
		Time("now-3h", "now").
		Timezone(common.TimeZoneUtc).
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Readonly()
	return &board{b: b, nextID: 1}
}

func (bd *board) id() uint32 { bd.nextID++; return bd.nextID - 1 }

func (bd *board) row(title string) *board {
	bd.b.WithRow(dashboard.NewRowBuilder(title).Id(bd.id()))
	return bd
}

func targets(qs []q) []cog.Builder[variants.Dataquery] {
	out := make([]cog.Builder[variants.Dataquery], len(qs))
	for i, x := range qs {
		out[i] = prometheus.NewDataqueryBuilder().
			Datasource(datasource).
			Expr(x.expr).
			LegendFormat(x.legend).
			RefId(string(rune('A' + i))).
			Range()
	}
	return out
}

// graph adds a time series panel, width w of 24.
func (bd *board) graph(title, description, unit string, w uint32, qs ...q) *board {
	bd.b.WithPanel(timeseries.NewPanelBuilder().
		Id(bd.id()).
		Title(title).
		Description(description).
		Datasource(datasource).
		Unit(unit).
		Height(8).
		Span(w).
		FillOpacity(10).
		Legend(common.NewVizLegendOptionsBuilder().
			ShowLegend(true).
			DisplayMode(common.LegendDisplayModeList).
			Placement(common.LegendPlacementBottom)).
		Targets(targets(qs)))
	return bd
}

// single adds a stat panel showing the last value.
func (bd *board) single(title, description, unit string, w uint32, x q) *board {
	bd.b.WithPanel(stat.NewPanelBuilder().
		Id(bd.id()).
		Title(title).
		Description(description).
		Datasource(datasource).
		Unit(unit).
		Height(4).
		Span(w).
		GraphMode(common.BigValueGraphModeArea).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"})).
		Targets(targets([]q{x})))
	return bd
}

// rate is rate(selector[$__rate_interval]); Grafana picks the window from
// the scrape interval and the zoom.
func rate(selector string) string { return "rate(" + selector + "[$__rate_interval])" }

func platformDashboard(env platform.Environment) *dashboard.DashboardBuilder {
	ksm := eq("job", jobKubeStateMetrics)
	cad := eq("job", jobCadvisor)
	ours := re("namespace", env.Names.Namespace+"|"+env.Names.MonitoringNamespace)
	real := []string{cad, ours, `container!=""`, `container!="POD"`}
	byWorkload := "sum by (namespace, container) "
	bd := newBoard(env, "shopstack-platform", "Platform overview",
		"Nodes, pods, CPU and memory per workload against requests and limits, autoscaling. Workloads are named by container (one container per Deployment).")
	bd.row("Cluster").
		single("Nodes", "Nodes known to the cluster.", units.Short, 6, q{fmt.Sprintf("count(%s)", sel(metricKubeNodeInfo, ksm)), "nodes"}).
		single("Ready nodes", "Nodes whose Ready condition is true.", units.Short, 6, q{fmt.Sprintf(`sum(%s)`, sel(metricKubeNodeStatusCondition, ksm, eq("condition", "Ready"), eq("status", "true"))), "ready"}).
		single("Running pods", "Pods in phase Running in the storefront and monitoring namespaces.", units.Short, 6, q{fmt.Sprintf(`sum(%s)`, sel(metricKubePodStatusPhase, ksm, ours, eq("phase", "Running"))), "running"}).
		single("Allocatable CPU", "CPU cores the scheduler may place pods on, all nodes.", "cores", 6, q{fmt.Sprintf(`sum(%s)`, sel(metricKubeNodeAllocatable, ksm, eq("resource", "cpu"))), "cores"}).
		graph("Pods by phase", "", units.Short, 12, q{fmt.Sprintf("sum by (namespace, phase) (%s) > 0", sel(metricKubePodStatusPhase, ksm, ours)), "{{namespace}} {{phase}}"}).
		graph("Container restarts", "Restarts per pod over the interval.", units.Short, 12, q{fmt.Sprintf("sum by (namespace, pod) (increase(%s[$__rate_interval])) > 0", sel(metricKubePodRestarts, ksm, ours)), "{{namespace}}/{{pod}}"})
	bd.row("Workloads").
		graph("CPU per workload vs requests and limits", "Used CPU (cAdvisor) summed over each workload's pods, against the sum of their requests and limits (kube-state-metrics).", "cores", 12,
			q{byWorkload + "(" + rate(sel(metricContainerCPU, real...)) + ")", "{{namespace}}/{{container}} used"},
			q{byWorkload + "(" + sel(metricKubePodRequests, ksm, ours, eq("resource", "cpu")) + ")", "{{namespace}}/{{container}} requested"},
			q{byWorkload + "(" + sel(metricKubePodLimits, ksm, ours, eq("resource", "cpu")) + ")", "{{namespace}}/{{container}} limit"}).
		graph("Memory per workload vs requests and limits", "Working set (what the OOM killer counts) summed over each workload's pods, against requests and limits.", units.BytesIEC, 12,
			q{byWorkload + "(" + sel(metricContainerMemoryWorkingSet, real...) + ")", "{{namespace}}/{{container}} working set"},
			q{byWorkload + "(" + sel(metricKubePodRequests, ksm, ours, eq("resource", "memory")) + ")", "{{namespace}}/{{container}} requested"},
			q{byWorkload + "(" + sel(metricKubePodLimits, ksm, ours, eq("resource", "memory")) + ")", "{{namespace}}/{{container}} limit"}).
		graph("CPU throttling per workload", "Share of CFS periods in which the workload hit its CPU limit.", units.PercentUnit, 24,
			q{byWorkload + "(" + rate(sel(metricContainerCPUThrottled, real...)) + ") / " + byWorkload + "(" + rate(sel(metricContainerCPUPeriods, real...)) + ")", "{{namespace}}/{{container}}"})
	hpa := []string{ksm, eq("namespace", env.Names.Namespace)}
	bd.row("Autoscaling").
		graph("HPA replicas vs min/max", "Current and desired replicas of each storefront HPA between its bounds.", units.Short, 12,
			q{sel(metricKubeHPACurrent, hpa...), "{{horizontalpodautoscaler}} current"},
			q{sel(metricKubeHPADesired, hpa...), "{{horizontalpodautoscaler}} desired"},
			q{sel(metricKubeHPAMin, hpa...), "{{horizontalpodautoscaler}} min"},
			q{sel(metricKubeHPAMax, hpa...), "{{horizontalpodautoscaler}} max"}).
		graph("Unavailable replicas", "Deployment replicas not available.", units.Short, 12,
			q{sel(metricKubeDeploymentUnavailable, ksm, ours), "{{namespace}}/{{deployment}}"})
	return bd.b
}

func storefrontDashboard(env platform.Environment) *dashboard.DashboardBuilder {
	backend := eq("job", jobBackend)
	reqs := sel(contract.MetricHTTPRequests, backend)
	bucket := sel(contract.MetricHTTPRequestDuration+"_bucket", backend)
	latency := func(quantile string) string {
		return fmt.Sprintf("histogram_quantile(%s, sum by (route, le) (%s))", quantile, rate(bucket))
	}
	bd := newBoard(env, "shopstack-storefront", "Storefront API",
		"Requests, errors and latency per route of the storefront API, checkout outcomes, orders, the backend's connection pool and the frontend's nginx.")
	bd.row("Traffic").
		graph(panelRequestsByRoute, "Route labels are route templates (e.g. /api/v1/products/:id), never raw paths.", units.RequestsPerSecond, 12,
			q{"sum by (route) (" + rate(reqs) + ")", "{{route}}"}).
		graph("Requests per second by status", "", units.RequestsPerSecond, 12,
			q{"sum by (status) (" + rate(reqs) + ")", "{{status}}"}).
		graph("5xx ratio", "Share of requests answered 5xx; StorefrontHighErrorRatio warns at 1% and pages at 5%.", units.PercentUnit, 12,
			q{"sum(" + rate(sel(contract.MetricHTTPRequests, backend, re(contract.LabelStatus, "5.."))) + ") / sum(" + rate(reqs) + ")", "5xx"}).
		graph("Requests in flight", "", units.Short, 12,
			q{"sum by (pod) (" + sel(contract.MetricHTTPInFlight, backend) + ")", "{{pod}}"})
	bd.row("Latency").
		graph(panelLatencyP50, "", units.Seconds, 8, q{latency("0.5"), "{{route}}"}).
		graph(panelLatencyP95, "", units.Seconds, 8, q{latency("0.95"), "{{route}}"}).
		graph(panelLatencyP99, "StorefrontHighLatency warns above 1s and pages above 3s (all routes together).", units.Seconds, 8, q{latency("0.99"), "{{route}}"})
	bd.row("Business").
		graph("Checkout outcomes", "Checkouts per second by result: succeeded, declined, out_of_stock, invalid, cart_changed are customer outcomes; failed (payment provider) and error (internal) are ours.", units.OpsPerSecond, 12,
			q{"sum by (result) (" + rate(sel(contract.MetricCheckouts, backend)) + ")", "{{result}}"}).
		graph("Orders per minute", "", units.Short, 6,
			q{"sum(" + rate(sel(contract.MetricOrdersPlaced, backend)) + ") * 60", "orders/min"}).
		single("Orders in range", "Orders placed in the selected time range.", units.Short, 6,
			q{"sum(increase(" + sel(contract.MetricOrdersPlaced, backend) + "[$__range]))", "orders"})
	bd.row("Backend connection pool").
		graph("Pool connections", "The backend's database/sql pool, all pods.", units.Short, 12,
			q{"sum(" + sel(contract.MetricDBInUseConnections, backend) + ")", "in use"},
			q{"sum(" + sel(contract.MetricDBIdleConnections, backend) + ")", "idle"},
			q{"sum(" + sel(contract.MetricDBOpenConnections, backend) + ")", "open"},
			q{"sum(" + sel(contract.MetricDBMaxOpenConns, backend) + ")", "max"}).
		graph("Pool waits", "How often and how long requests waited for a free connection.", units.Short, 12,
			q{"sum(" + rate(sel(contract.MetricDBWaitCount, backend)) + ")", "waits/s"},
			q{"sum(" + rate(sel(contract.MetricDBWaitDuration, backend)) + ")", "seconds waited/s"})
	lookups := sel(contract.MetricCatalogCacheLookups, backend)
	bd.row("Catalog read cache").
		graph("Catalog cache hit ratio", "Share of catalog reads (lists, product pages, categories, search) answered from the backend's cache without the database. Every catalog write, checkout's stock changes included, empties the cache of every replica; a replica that is not listening for those changes caches nothing (ratio 0).", units.PercentUnit, 12,
			q{"sum(" + rate(sel(contract.MetricCatalogCacheLookups, backend, eq(contract.LabelResult, contract.CacheHit))) + ") / sum(" + rate(lookups) + ")", "hit ratio"}).
		graph("Catalog cache size", "Encoded catalog answers held per pod, their gzip and brotli variants included (at most 64 MiB each).", units.BytesIEC, 12,
			q{"sum by (pod) (" + sel(contract.MetricCatalogCacheBytes, backend) + ")", "{{pod}}"})
	frontend := eq("job", jobFrontend)
	bd.row("Frontend (nginx)").
		graph("Frontend requests per second", "From the nginx-prometheus-exporter sidecar (stub_status).", units.RequestsPerSecond, 12,
			q{"sum(" + rate(sel(metricNginxRequests, frontend)) + ")", "requests/s"}).
		graph("Frontend active connections", "", units.Short, 12,
			q{"sum by (pod) (" + sel(metricNginxConnections, frontend) + ")", "{{pod}}"})
	return bd.b
}

func databaseDashboard(env platform.Environment) *dashboard.DashboardBuilder {
	jobs := jobPostgres
	if env.Database.ReadReplica {
		jobs += "|" + jobPostgresReplica
	}
	pg := re("job", jobs)
	db := eq("datname", env.Database.DatabaseName)
	bd := newBoard(env, "shopstack-database", "Database",
		"RDS PostgreSQL through postgres_exporter: connections, transactions, cache hit ratio, deadlocks, long-running statements.")
	bd.row("Health").
		single("PostgreSQL up", "1 when postgres_exporter can connect.", units.Short, 6, q{"min(" + sel(metricPgUp, pg) + ")", "up"}).
		single("Connections used", "Share of max_connections in use.", units.PercentUnit, 6,
			q{"sum(" + sel(metricPgBackends, eq("job", jobPostgres)) + ") / max(" + sel(metricPgMaxConnections, eq("job", jobPostgres)) + ")", "used"}).
		single("Cache hit ratio", "Blocks found in shared buffers.", units.PercentUnit, 6,
			q{cacheHit(sel(metricPgBlksHit, eq("job", jobPostgres), db), sel(metricPgBlksRead, eq("job", jobPostgres), db)), "hit ratio"}).
		single("Deadlocks in range", "", units.Short, 6,
			q{"sum(increase(" + sel(metricPgDeadlocks, eq("job", jobPostgres)) + "[$__range]))", "deadlocks"})
	bd.row("Connections").
		graph("Connections vs max_connections", "", units.Short, 12,
			q{"sum by (job, datname) (" + sel(metricPgBackends, pg) + ")", "{{job}} {{datname}}"},
			q{"max by (job) (" + sel(metricPgMaxConnections, pg) + ")", "{{job}} max_connections"}).
		graph("Connections by state", "", units.Short, 12,
			q{"sum by (state) (" + sel(metricPgActivityCount, eq("job", jobPostgres), db) + ")", "{{state}}"})
	bd.row("Work").
		graph("Transactions per second", "", units.OpsPerSecond, 12,
			q{"sum(" + rate(sel(metricPgXactCommit, eq("job", jobPostgres), db)) + ")", "commits"},
			q{"sum(" + rate(sel(metricPgXactRollback, eq("job", jobPostgres), db)) + ")", "rollbacks"}).
		graph("Cache hit ratio", "", units.PercentUnit, 12,
			q{cacheHit(sel(metricPgBlksHit, eq("job", jobPostgres), db), sel(metricPgBlksRead, eq("job", jobPostgres), db)), "hit ratio"}).
		graph("Deadlocks", "", units.Short, 12,
			q{"sum by (datname) (increase(" + sel(metricPgDeadlocks, eq("job", jobPostgres)) + "[$__rate_interval]))", "{{datname}}"}).
		graph("Slow queries: longest running transaction", fmt.Sprintf("Age of the oldest open transaction per state. Statements slower than %dms are also logged by RDS (log_min_duration_statement) to CloudWatch Logs.", env.Database.SlowStatementMillis), units.Seconds, 12,
			q{"max by (state) (" + sel(metricPgActivityMaxTxDur, eq("job", jobPostgres), db) + ")", "{{state}}"})
	if env.Database.ReadReplica {
		bd.row("Replication").
			graph("Replica lag", "Seconds the read replica's replay is behind the primary.", units.Seconds, 24,
				q{"max by (instance) (" + sel(metricPgReplicationLag, eq("job", jobPostgresReplica)) + ")", "{{instance}}"})
	}
	return bd.b
}

func cacheHit(hit, read string) string {
	h := "sum(" + rate(hit) + ")"
	return h + " / (" + h + " + sum(" + rate(read) + "))"
}

// grafanaMacros are the Grafana variables used in queries, with the value
// the parser tests substitute.
var grafanaMacros = strings.NewReplacer("$__rate_interval", "2m", "$__range", "1h", "$__interval", "30s")

// expandGrafanaMacros replaces Grafana's query variables with durations so
// that the query is plain PromQL.
func expandGrafanaMacros(expr string) string { return grafanaMacros.Replace(expr) }
