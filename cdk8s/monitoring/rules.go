package monitoring

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// Alert is one alert name with its severities. Alerts that have a warning
// and a critical level share the name (the "twins"): AlertManager's inhibit
// rule silences the warning while the critical fires in the same namespace.
type alert struct {
	Name string
	// Group is the rule group the alert belongs to.
	Group string
	// Summary and Description are annotation templates. They may refer to
	// alert labels as {{ $labels.<name> }} and to nothing else, so that the
	// rule unit tests can render the expected annotations exactly.
	Summary     string
	Description string
	Levels      []level
	// Tests run through `promtool test rules`: at least one case where the
	// alert fires and one where it does not.
	Tests []alertTest
}

// Level is one severity of an alert.
type level struct {
	Severity string
	Expr     string
	For      string
}

// AlertTest is a promtool rule unit test of one alert.
type alertTest struct {
	Name   string
	Series []testSeries
	// EvalTime is when the alert state is checked (after every `for`).
	EvalTime string
	// Firing lists the alerts expected at EvalTime, by severity, with the
	// labels the expression yields. Empty means "does not fire".
	Firing []expectedAlert
}

// TestSeries is an input series in promtool's expanding notation.
type testSeries struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}

// ExpectedAlert is one alert expected to fire.
type expectedAlert struct {
	Severity string
	Labels   map[string]string
}

// RunbookURL is the link to the alert's section of docs/runbooks.md (each
// alert has a "## <AlertName>" heading; GitHub's anchor is its lower case).
func (a alert) RunbookURL() string { return runbooksURL + "#" + strings.ToLower(a.Name) }

// Rule groups.
const (
	groupStorefront = "storefront"
	groupKubernetes = "kubernetes"
	groupDatabase   = "database"
	groupMonitoring = "monitoring"
)

// sel renders a selector: metric{k="v",...}; matchers are given as
// complete strings (`job="x"`, `status=~"5.."`) in the order written.
func sel(metric string, matchers ...string) string {
	if len(matchers) == 0 {
		return metric
	}
	return metric + "{" + strings.Join(matchers, ",") + "}"
}

func eq(label, value string) string { return fmt.Sprintf("%s=%q", label, value) }
func re(label, value string) string { return fmt.Sprintf("%s=~%q", label, value) }

// Alerts returns every alert of env, in a stable order: one rule group
// after another, each built by its own function (the rules file lists the
// groups in this order).
func alerts(env platform.Environment) []alert {
	var alerts []alert
	for _, group := range [][]alert{storefrontAlerts(env), kubernetesAlerts(env), monitoringAlerts(env), databaseAlerts(env)} {
		alerts = append(alerts, group...)
	}
	return alerts
}

// storefrontAlerts watch the storefront backend: errors, latency, checkouts.
func storefrontAlerts(env platform.Environment) []alert {
	backend := eq("job", jobBackend)
	shop := map[string]string{"namespace": env.Names.Namespace}

	reqs := func(extra ...string) string {
		return sel(contract.MetricHTTPRequests, append([]string{backend}, extra...)...)
	}
	errorRatio := func(threshold string) string {
		return fmt.Sprintf("sum by (namespace) (rate(%s[5m])) / sum by (namespace) (rate(%s[5m])) > %s",
			reqs(re(contract.LabelStatus, "5..")), reqs(), threshold)
	}
	p99 := func(threshold string) string {
		return fmt.Sprintf("histogram_quantile(0.99, sum by (namespace, le) (rate(%s[5m]))) > %s",
			sel(contract.MetricHTTPRequestDuration+"_bucket", backend), threshold)
	}
	checkouts := func(extra ...string) string {
		return sel(contract.MetricCheckouts, append([]string{backend}, extra...)...)
	}
	checkoutFailures := func(threshold string) string {
		// Only ours: the payment provider failed or we did. Declined cards,
		// out_of_stock, invalid and cart_changed (the cart cost something
		// else than the total shown; nothing charged, the customer is asked
		// again) are customer outcomes and stay out of the numerator.
		failed := re(contract.LabelResult, contract.CheckoutFailed+"|"+contract.CheckoutError)
		return fmt.Sprintf("(sum by (namespace) (rate(%s[10m])) / sum by (namespace) (rate(%s[10m])) > %s) and on (namespace) (sum by (namespace) (increase(%s[10m])) >= 10)",
			checkouts(failed), checkouts(), threshold, checkouts())
	}
	reqSeries := func(status, values string) testSeries {
		return testSeries{Series: sel(contract.MetricHTTPRequests, backend, eq("namespace", env.Names.Namespace),
			eq(contract.LabelMethod, "GET"), eq(contract.LabelRoute, contract.APIBase+"/products"), eq(contract.LabelStatus, status)), Values: values}
	}
	bucket := func(le, values string) testSeries {
		return testSeries{Series: sel(contract.MetricHTTPRequestDuration+"_bucket", backend, eq("namespace", env.Names.Namespace),
			eq(contract.LabelRoute, contract.APIBase+"/products"), eq("le", le)), Values: values}
	}
	checkoutSeries := func(result, values string) testSeries {
		return testSeries{Series: checkouts(eq("namespace", env.Names.Namespace), eq(contract.LabelResult, result)), Values: values}
	}
	alerts := []alert{
		{
			Name: "StorefrontHighErrorRatio", Group: groupStorefront,
			Summary:     "Storefront API 5xx ratio is high in {{ $labels.namespace }}",
			Description: "More than 1% (warning) or 5% (critical) of the storefront API requests in namespace {{ $labels.namespace }} answered 5xx over the last 5 minutes.",
			Levels: []level{
				{severityWarning, errorRatio("0.01"), "10m"},
				{severityCritical, errorRatio("0.05"), "5m"},
			},
			Tests: []alertTest{
				{Name: "10% errors fire both levels", EvalTime: "20m",
					Series: []testSeries{reqSeries("200", "0+540x30"), reqSeries("500", "0+60x30")},
					Firing: []expectedAlert{{severityWarning, shop}, {severityCritical, shop}}},
				{Name: "2% errors fire the warning only", EvalTime: "20m",
					Series: []testSeries{reqSeries("200", "0+588x30"), reqSeries("503", "0+12x30")},
					Firing: []expectedAlert{{severityWarning, shop}}},
				{Name: "no errors", EvalTime: "20m",
					Series: []testSeries{reqSeries("200", "0+600x30"), reqSeries("500", "0x30")}},
			},
		},
		{
			Name: "StorefrontHighLatency", Group: groupStorefront,
			Summary:     "Storefront API p99 latency is high in {{ $labels.namespace }}",
			Description: "The 99th percentile of storefront API request duration in namespace {{ $labels.namespace }} is above 1s (warning) or 3s (critical) over 5 minutes.",
			Levels: []level{
				{severityWarning, p99("1"), "10m"},
				{severityCritical, p99("3"), "5m"},
			},
			Tests: []alertTest{
				{Name: "requests taking 2.5-5s fire both levels", EvalTime: "20m",
					Series: []testSeries{bucket("0.1", "0x30"), bucket("1", "0x30"), bucket("2.5", "0x30"), bucket("5", "0+600x30"), bucket("+Inf", "0+600x30")},
					Firing: []expectedAlert{{severityWarning, shop}, {severityCritical, shop}}},
				{Name: "fast requests", EvalTime: "20m",
					Series: []testSeries{bucket("0.1", "0+600x30"), bucket("1", "0+600x30"), bucket("2.5", "0+600x30"), bucket("5", "0+600x30"), bucket("+Inf", "0+600x30")}},
			},
		},
		{
			Name: "StorefrontCheckoutFailures", Group: groupStorefront,
			Summary:     "Checkouts are failing in {{ $labels.namespace }}",
			Description: "More than 10% (warning) or 30% (critical) of checkouts in namespace {{ $labels.namespace }} ended with a payment-provider failure or an internal error over 10 minutes (declined cards, out-of-stock, invalid and changed carts are customer outcomes and do not count). At least 10 checkouts are needed before it fires.",
			Levels: []level{
				{severityWarning, checkoutFailures("0.1"), "10m"},
				{severityCritical, checkoutFailures("0.3"), "5m"},
			},
			Tests: []alertTest{
				{Name: "20% provider failures fire the warning", EvalTime: "30m",
					Series: []testSeries{checkoutSeries(contract.CheckoutSucceeded, "0+8x40"), checkoutSeries(contract.CheckoutFailed, "0+2x40")},
					Firing: []expectedAlert{{severityWarning, shop}}},
				{Name: "half the checkouts error fire both", EvalTime: "30m",
					Series: []testSeries{checkoutSeries(contract.CheckoutSucceeded, "0+5x40"), checkoutSeries(contract.CheckoutError, "0+5x40")},
					Firing: []expectedAlert{{severityWarning, shop}, {severityCritical, shop}}},
				{Name: "declines are not failures", EvalTime: "30m",
					Series: []testSeries{checkoutSeries(contract.CheckoutSucceeded, "0+5x40"), checkoutSeries(contract.CheckoutDeclined, "0+5x40"), checkoutSeries(contract.CheckoutFailed, "0x40")}},
				{Name: "changed carts are not failures", EvalTime: "30m",
					Series: []testSeries{checkoutSeries(contract.CheckoutSucceeded, "0+5x40"), checkoutSeries(contract.CheckoutCartChanged, "0+5x40"), checkoutSeries(contract.CheckoutError, "0x40")}},
				{Name: "too few checkouts to judge", EvalTime: "30m",
					Series: []testSeries{checkoutSeries(contract.CheckoutSucceeded, "0+0.2x40"), checkoutSeries(contract.CheckoutFailed, "0+0.2x40")}},
			},
		},
	}
	return alerts
}

// kubernetesAlerts watch the workloads in the shop and monitoring namespaces.
func kubernetesAlerts(env platform.Environment) []alert {
	ours := re("namespace", env.Names.Namespace+"|"+env.Names.MonitoringNamespace)
	ksm := eq("job", jobKubeStateMetrics)
	kubelet := eq("job", jobKubelet)
	pvFree := func(threshold string) string {
		return fmt.Sprintf("%s / %s < %s", sel(metricKubeletVolumeAvailable, kubelet, ours), sel(metricKubeletVolumeCapacity, kubelet, ours), threshold)
	}
	pvLabels := map[string]string{"job": jobKubelet, "namespace": env.Names.MonitoringNamespace, "persistentvolumeclaim": "data-prometheus-0", "node": "i-0abc", "instance": "i-0abc"}
	pvSeries := func(available string) []testSeries {
		return []testSeries{
			{Series: seriesOf(metricKubeletVolumeAvailable, pvLabels), Values: available},
			{Series: seriesOf(metricKubeletVolumeCapacity, pvLabels), Values: "100x30"},
		}
	}
	alerts := []alert{
		{
			Name: "KubePodCrashLooping", Group: groupKubernetes,
			Summary:     "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
			Description: "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been waiting in CrashLoopBackOff for 15 minutes.",
			Levels: []level{{severityWarning,
				fmt.Sprintf("max_over_time(%s[5m]) >= 1", sel(metricKubePodWaitingReason, ksm, ours, eq("reason", "CrashLoopBackOff"))), "15m"}},
			Tests: func() []alertTest {
				l := map[string]string{"job": jobKubeStateMetrics, "namespace": env.Names.Namespace, "pod": "backend-7d9f-abcde", "container": "backend", "reason": "CrashLoopBackOff"}
				return []alertTest{
					{Name: "crash loop", EvalTime: "25m", Series: []testSeries{{seriesOf(metricKubePodWaitingReason, l), "1x30"}}, Firing: []expectedAlert{{severityWarning, l}}},
					{Name: "running", EvalTime: "25m", Series: []testSeries{{seriesOf(metricKubePodWaitingReason, l), "0x30"}}},
				}
			}(),
		},
		{
			Name: "KubeDeploymentReplicasUnavailable", Group: groupKubernetes,
			Summary:     "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has unavailable replicas",
			Description: "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had unavailable replicas for 15 minutes.",
			Levels: []level{{severityWarning,
				fmt.Sprintf("%s > 0", sel(metricKubeDeploymentUnavailable, ksm, ours)), "15m"}},
			Tests: func() []alertTest {
				l := map[string]string{"job": jobKubeStateMetrics, "namespace": env.Names.Namespace, "deployment": env.Names.Backend}
				return []alertTest{
					{Name: "two unavailable", EvalTime: "25m", Series: []testSeries{{seriesOf(metricKubeDeploymentUnavailable, l), "2x30"}}, Firing: []expectedAlert{{severityWarning, l}}},
					{Name: "all available", EvalTime: "25m", Series: []testSeries{{seriesOf(metricKubeDeploymentUnavailable, l), "0x30"}}},
				}
			}(),
		},
		{
			Name: "KubeHpaMaxedOut", Group: groupKubernetes,
			Summary:     "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is pinned at its maximum",
			Description: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at its maximum replica count for 15 minutes: the workload may need more than it is allowed.",
			Levels: []level{{severityWarning,
				fmt.Sprintf("%s >= %s", sel(metricKubeHPACurrent, ksm, ours), sel(metricKubeHPAMax, ksm, ours)), "15m"}},
			Tests: func() []alertTest {
				l := map[string]string{"job": jobKubeStateMetrics, "namespace": env.Names.Namespace, "horizontalpodautoscaler": env.Names.Backend}
				max := fmt.Sprintf("%dx30", env.Backend.MaxReplicas)
				return []alertTest{
					{Name: "at max", EvalTime: "25m", Series: []testSeries{{seriesOf(metricKubeHPACurrent, l), max}, {seriesOf(metricKubeHPAMax, l), max}}, Firing: []expectedAlert{{severityWarning, l}}},
					{Name: "below max", EvalTime: "25m", Series: []testSeries{{seriesOf(metricKubeHPACurrent, l), fmt.Sprintf("%dx30", env.Backend.MinReplicas)}, {seriesOf(metricKubeHPAMax, l), max}}},
				}
			}(),
		},
		{
			Name: "KubePersistentVolumeFillingUp", Group: groupKubernetes,
			Summary:     "Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is filling up",
			Description: "Less than 15% (warning) or 5% (critical) of the volume claimed by {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is free.",
			Levels: []level{
				{severityWarning, pvFree("0.15"), "10m"},
				{severityCritical, pvFree("0.05"), "5m"},
			},
			Tests: []alertTest{
				{Name: "10% free fires the warning", EvalTime: "20m", Series: pvSeries("10x30"), Firing: []expectedAlert{{severityWarning, pvLabels}}},
				{Name: "2% free fires both", EvalTime: "20m", Series: pvSeries("2x30"), Firing: []expectedAlert{{severityWarning, pvLabels}, {severityCritical, pvLabels}}},
				{Name: "half free", EvalTime: "20m", Series: pvSeries("50x30")},
			},
		},
	}
	return alerts
}

// databaseAlerts watch PostgreSQL through postgres_exporter (and the replica's lag when there is one).
func databaseAlerts(env platform.Environment) []alert {
	pgJobs := jobPostgres
	if env.Database.ReadReplica {
		pgJobs += "|" + jobPostgresReplica
	}
	pg := re("job", pgJobs)
	connRatio := func(threshold string) string {
		return fmt.Sprintf("sum by (job, instance) (%s) / max by (job, instance) (%s) > %s",
			sel(metricPgBackends, pg), sel(metricPgMaxConnections, pg), threshold)
	}
	pgInstance := map[string]string{"job": jobPostgres, "instance": "10.1.0.7:9187"}
	alerts := []alert{
		{
			Name: "PostgresDown", Group: groupDatabase,
			Summary:     "PostgreSQL is unreachable from {{ $labels.job }}",
			Description: "postgres_exporter ({{ $labels.job }}, {{ $labels.instance }}) cannot connect to the database (pg_up == 0) for 2 minutes.",
			Levels:      []level{{severityCritical, fmt.Sprintf("%s == 0", sel(metricPgUp, pg)), "2m"}},
			Tests: []alertTest{
				{Name: "down", EvalTime: "5m", Series: []testSeries{{seriesOf(metricPgUp, pgInstance), "0x10"}}, Firing: []expectedAlert{{severityCritical, pgInstance}}},
				{Name: "up", EvalTime: "5m", Series: []testSeries{{seriesOf(metricPgUp, pgInstance), "1x10"}}},
			},
		},
		{
			Name: "PostgresConnectionsNearLimit", Group: groupDatabase,
			Summary:     "PostgreSQL connections are near max_connections ({{ $labels.job }})",
			Description: "The database behind {{ $labels.job }} uses more than 80% (warning) or 95% (critical) of max_connections: new backend pods may fail to connect.",
			Levels: []level{
				{severityWarning, connRatio("0.8"), "10m"},
				{severityCritical, connRatio("0.95"), "5m"},
			},
			Tests: func() []alertTest {
				backends := func(db, v string) testSeries {
					return testSeries{seriesOf(metricPgBackends, charts.Merge(pgInstance, map[string]string{"datname": db})), v}
				}
				maxConn := testSeries{seriesOf(metricPgMaxConnections, pgInstance), "100x30"}
				return []alertTest{
					{Name: "90% used fires the warning", EvalTime: "20m", Series: []testSeries{backends(env.Database.DatabaseName, "85x30"), backends("postgres", "5x30"), maxConn}, Firing: []expectedAlert{{severityWarning, pgInstance}}},
					{Name: "all used fires both", EvalTime: "20m", Series: []testSeries{backends(env.Database.DatabaseName, "100x30"), maxConn}, Firing: []expectedAlert{{severityWarning, pgInstance}, {severityCritical, pgInstance}}},
					{Name: "10% used", EvalTime: "20m", Series: []testSeries{backends(env.Database.DatabaseName, "10x30"), maxConn}},
				}
			}(),
		},
	}
	if env.Database.ReadReplica {
		lag := func(threshold string) string {
			return fmt.Sprintf("max by (job, instance) (%s) > %s", sel(metricPgReplicationLag, eq("job", jobPostgresReplica)), threshold)
		}
		l := map[string]string{"job": jobPostgresReplica, "instance": "10.1.0.8:9187"}
		alerts = append(alerts, alert{
			Name: "PostgresReplicationLag", Group: groupDatabase,
			Summary:     "The read replica lags behind the primary",
			Description: "The read replica ({{ $labels.instance }}) is more than 30s (warning) or 5 minutes (critical) behind the primary: reads served from it are stale.",
			Levels: []level{
				{severityWarning, lag("30"), "5m"},
				{severityCritical, lag("300"), "5m"},
			},
			Tests: []alertTest{
				{Name: "2 minutes behind", EvalTime: "15m", Series: []testSeries{{seriesOf(metricPgReplicationLag, l), "120x20"}}, Firing: []expectedAlert{{severityWarning, l}}},
				{Name: "10 minutes behind", EvalTime: "15m", Series: []testSeries{{seriesOf(metricPgReplicationLag, l), "600x20"}}, Firing: []expectedAlert{{severityWarning, l}, {severityCritical, l}}},
				{Name: "caught up", EvalTime: "15m", Series: []testSeries{{seriesOf(metricPgReplicationLag, l), "0x20"}}},
			},
		})
	}
	return alerts
}

// monitoringAlerts watch the monitoring itself: targets, Prometheus, AlertManager.
func monitoringAlerts(env platform.Environment) []alert {
	prom := eq("job", jobPrometheus)
	am := eq("job", jobAlertmanager)
	promSelf := map[string]string{"job": jobPrometheus, "instance": "localhost:9090"}
	amSelf := map[string]string{"job": jobAlertmanager, "instance": "10.1.0.9:9093"}
	alerts := []alert{
		{
			Name: "TargetDown", Group: groupMonitoring,
			Summary:     "Prometheus cannot scrape {{ $labels.job }} target {{ $labels.instance }}",
			Description: "Scrapes of job {{ $labels.job }} at {{ $labels.instance }} have failed for 5 minutes (the target is down, unreachable, or exceeded its sample limit).",
			Levels:      []level{{severityWarning, fmt.Sprintf("%s == 0", metricUp), "5m"}},
			Tests: func() []alertTest {
				l := map[string]string{"job": jobBackend, "instance": "10.1.2.3:8080", "namespace": env.Names.Namespace, "pod": "backend-7d9f-abcde", "container": "backend"}
				return []alertTest{
					{Name: "down", EvalTime: "10m", Series: []testSeries{{seriesOf(metricUp, l), "0x15"}}, Firing: []expectedAlert{{severityWarning, l}}},
					{Name: "up", EvalTime: "10m", Series: []testSeries{{seriesOf(metricUp, l), "1x15"}}},
				}
			}(),
		},
		{
			Name: "PrometheusConfigReloadFailed", Group: groupMonitoring,
			Summary:     "Prometheus failed to reload its configuration",
			Description: "Prometheus {{ $labels.instance }} has failed to load its configuration for 10 minutes; it keeps running the previous one.",
			Levels:      []level{{severityWarning, fmt.Sprintf("max_over_time(%s[5m]) == 0", sel(metricPromConfigReloadOK, prom)), "10m"}},
			Tests: []alertTest{
				{Name: "failed", EvalTime: "20m", Series: []testSeries{{seriesOf(metricPromConfigReloadOK, promSelf), "0x30"}}, Firing: []expectedAlert{{severityWarning, promSelf}}},
				{Name: "ok", EvalTime: "20m", Series: []testSeries{{seriesOf(metricPromConfigReloadOK, promSelf), "1x30"}}},
			},
		},
		{
			Name: "PrometheusNotificationsFailing", Group: groupMonitoring,
			Summary:     "Prometheus fails to send alerts to AlertManager",
			Description: "More than 1% of the alert notifications Prometheus {{ $labels.instance }} sent to AlertManager failed over 15 minutes: alerts may not reach anyone.",
			Levels: []level{{severityCritical, fmt.Sprintf("sum by (job, instance) (rate(%s[5m])) / sum by (job, instance) (rate(%s[5m])) > 0.01",
				sel(metricPromNotificationsErrors, prom), sel(metricPromNotificationsSent, prom)), "15m"}},
			Tests: func() []alertTest {
				am0 := charts.Merge(promSelf, map[string]string{"alertmanager": "http://10.1.0.9:9093/api/v2/alerts"})
				return []alertTest{
					{Name: "half failing", EvalTime: "30m", Series: []testSeries{{seriesOf(metricPromNotificationsErrors, am0), "0+5x40"}, {seriesOf(metricPromNotificationsSent, am0), "0+10x40"}}, Firing: []expectedAlert{{severityCritical, promSelf}}},
					{Name: "none failing", EvalTime: "30m", Series: []testSeries{{seriesOf(metricPromNotificationsErrors, am0), "0x40"}, {seriesOf(metricPromNotificationsSent, am0), "0+10x40"}}},
				}
			}(),
		},
		{
			Name: "PrometheusNotConnectedToAlertmanagers", Group: groupMonitoring,
			Summary:     "Prometheus has discovered no AlertManager",
			Description: "Prometheus {{ $labels.instance }} has had no AlertManager to send alerts to for 10 minutes.",
			Levels:      []level{{severityCritical, fmt.Sprintf("max_over_time(%s[5m]) < 1", sel(metricPromNotificationsDiscovered, prom)), "10m"}},
			Tests: []alertTest{
				{Name: "none", EvalTime: "20m", Series: []testSeries{{seriesOf(metricPromNotificationsDiscovered, promSelf), "0x30"}}, Firing: []expectedAlert{{severityCritical, promSelf}}},
				{Name: "two", EvalTime: "20m", Series: []testSeries{{seriesOf(metricPromNotificationsDiscovered, promSelf), "2x30"}}},
			},
		},
		{
			Name: "PrometheusRuleEvaluationFailures", Group: groupMonitoring,
			Summary:     "Prometheus fails to evaluate rules in group {{ $labels.rule_group }}",
			Description: "Prometheus {{ $labels.instance }} has failed to evaluate rules of {{ $labels.rule_group }} for 15 minutes: some alerts cannot fire.",
			Levels:      []level{{severityWarning, fmt.Sprintf("increase(%s[5m]) > 0", sel(metricPromRuleEvalFailures, prom)), "15m"}},
			Tests: func() []alertTest {
				l := charts.Merge(promSelf, map[string]string{"rule_group": prometheusRulesDir + "/" + rulesFile + ";" + groupStorefront})
				return []alertTest{
					{Name: "failing", EvalTime: "25m", Series: []testSeries{{seriesOf(metricPromRuleEvalFailures, l), "0+1x30"}}, Firing: []expectedAlert{{severityWarning, l}}},
					{Name: "ok", EvalTime: "25m", Series: []testSeries{{seriesOf(metricPromRuleEvalFailures, l), "3x30"}}},
				}
			}(),
		},
		{
			Name: "AlertmanagerConfigReloadFailed", Group: groupMonitoring,
			Summary:     "AlertManager failed to reload its configuration",
			Description: "AlertManager {{ $labels.instance }} has failed to load its configuration for 10 minutes; it keeps running the previous one.",
			Levels:      []level{{severityWarning, fmt.Sprintf("max_over_time(%s[5m]) == 0", sel(metricAlertmanagerConfigReloadOK, am)), "10m"}},
			Tests: []alertTest{
				{Name: "failed", EvalTime: "20m", Series: []testSeries{{seriesOf(metricAlertmanagerConfigReloadOK, amSelf), "0x30"}}, Firing: []expectedAlert{{severityWarning, amSelf}}},
				{Name: "ok", EvalTime: "20m", Series: []testSeries{{seriesOf(metricAlertmanagerConfigReloadOK, amSelf), "1x30"}}},
			},
		},
		{
			Name: "AlertmanagerNotificationsFailing", Group: groupMonitoring,
			Summary:     "AlertManager fails to deliver {{ $labels.integration }} notifications",
			Description: "More than 1% of AlertManager {{ $labels.instance }}'s {{ $labels.integration }} notifications failed over 10 minutes: that receiver is not being reached.",
			Levels: []level{{severityCritical, fmt.Sprintf("sum by (job, instance, integration) (rate(%s[5m])) / sum by (job, instance, integration) (rate(%s[5m])) > 0.01",
				sel(metricAlertmanagerNotificationsErr, am), sel(metricAlertmanagerNotifications, am)), "10m"}},
			Tests: func() []alertTest {
				slack := charts.Merge(amSelf, map[string]string{"integration": "slack"})
				return []alertTest{
					{Name: "slack failing", EvalTime: "20m", Series: []testSeries{{seriesOf(metricAlertmanagerNotificationsErr, slack), "0+2x30"}, {seriesOf(metricAlertmanagerNotifications, slack), "0+4x30"}}, Firing: []expectedAlert{{severityCritical, slack}}},
					{Name: "slack ok", EvalTime: "20m", Series: []testSeries{{seriesOf(metricAlertmanagerNotificationsErr, slack), "0x30"}, {seriesOf(metricAlertmanagerNotifications, slack), "0+4x30"}}},
				}
			}(),
		},
	}
	return alerts
}

// seriesOf renders metric{labels} with labels in sorted order.
func seriesOf(metric string, labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := make([]string, len(keys))
	for i, k := range keys {
		m[i] = eq(k, labels[k])
	}
	return sel(metric, m...)
}

// RuleFile is a Prometheus rule file.
type ruleFile struct {
	Groups []ruleGroup `yaml:"groups"`
}

// RuleGroup is a group of rules evaluated together.
type ruleGroup struct {
	Name  string `yaml:"name"`
	Rules []rule `yaml:"rules"`
}

// Rule is an alerting rule.
type rule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for,omitempty"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// RulesFile is the name of the rule file in the rules ConfigMap.
const rulesFile = "shopstack.rules.yml"

// Rules renders the alerts as a rule file, grouped by Alert.Group in the
// order groups first appear.
func rules(alerts []alert) *ruleFile {
	out := &ruleFile{}
	index := map[string]int{}
	for _, a := range alerts {
		i, ok := index[a.Group]
		if !ok {
			i = len(out.Groups)
			index[a.Group] = i
			out.Groups = append(out.Groups, ruleGroup{Name: a.Group})
		}
		for _, l := range a.Levels {
			out.Groups[i].Rules = append(out.Groups[i].Rules, rule{
				Alert:       a.Name,
				Expr:        l.Expr,
				For:         l.For,
				Labels:      map[string]string{"severity": l.Severity},
				Annotations: a.annotations(),
			})
		}
	}
	return out
}

func (a alert) annotations() map[string]string {
	return map[string]string{"summary": a.Summary, "description": a.Description, "runbook_url": a.RunbookURL()}
}

// RuleTestFile is promtool's rule unit test file.
type ruleTestFile struct {
	RuleFiles          []string       `yaml:"rule_files"`
	EvaluationInterval string         `yaml:"evaluation_interval"`
	Tests              []ruleTestCase `yaml:"tests"`
}

// RuleTestCase is one promtool test.
type ruleTestCase struct {
	Name          string          `yaml:"name"`
	Interval      string          `yaml:"interval"`
	InputSeries   []testSeries    `yaml:"input_series"`
	AlertRuleTest []alertRuleTest `yaml:"alert_rule_test"`
}

// AlertRuleTest checks the alerts of one name at one time.
type alertRuleTest struct {
	EvalTime  string           `yaml:"eval_time"`
	Alertname string           `yaml:"alertname"`
	ExpAlerts []expAlertRecord `yaml:"exp_alerts"`
}

// ExpAlertRecord is one expected alert with all its labels and annotations.
type expAlertRecord struct {
	ExpLabels      map[string]string `yaml:"exp_labels"`
	ExpAnnotations map[string]string `yaml:"exp_annotations"`
}

var labelRef = regexp.MustCompile(`\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}`)

// render expands {{ $labels.x }} the way Prometheus' template engine does.
func render(tmpl string, labels map[string]string) string {
	return labelRef.ReplaceAllStringFunc(tmpl, func(m string) string {
		return labels[labelRef.FindStringSubmatch(m)[1]]
	})
}

// RuleTests renders every alert's tests as a promtool test file reading
// rulesPath (relative to the test file).
func ruleTests(alerts []alert, rulesPath string) *ruleTestFile {
	out := &ruleTestFile{RuleFiles: []string{rulesPath}, EvaluationInterval: "1m"}
	for _, a := range alerts {
		for _, t := range a.Tests {
			check := alertRuleTest{EvalTime: t.EvalTime, Alertname: a.Name, ExpAlerts: []expAlertRecord{}}
			for _, f := range t.Firing {
				labels := charts.Merge(f.Labels, map[string]string{"severity": f.Severity})
				ann := map[string]string{}
				for k, v := range a.annotations() {
					ann[k] = render(v, labels)
				}
				check.ExpAlerts = append(check.ExpAlerts, expAlertRecord{ExpLabels: labels, ExpAnnotations: ann})
			}
			out.Tests = append(out.Tests, ruleTestCase{
				Name:          a.Name + ": " + t.Name,
				Interval:      "1m",
				InputSeries:   t.Series,
				AlertRuleTest: []alertRuleTest{check},
			})
		}
	}
	return out
}
