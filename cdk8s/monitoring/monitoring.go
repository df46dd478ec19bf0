// Package monitoring holds the observability charts: Prometheus,
// AlertManager, Grafana and the exporters their dashboards need.
//
// Every configuration file (prometheus.yml, the alert rules, alertmanager.yml,
// Grafana's provisioning and dashboards) is Go data rendered once by
// Generate; the ConfigMaps below carry those bytes and the tests check the
// same bytes with promtool, amtool, the Prometheus parser and a real
// Prometheus. docs/monitoring.md describes the architecture.
package monitoring

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/platform"
)

// ChartID is the id of the monitoring chart; synth writes it to
// dist/<env>/k8s/monitoring.k8s.yaml.
const chartID = "monitoring"

// Build adds the monitoring charts of env to app.
func Build(app cdk8s.App, env platform.Environment) {
	files, err := generate(env)
	if err != nil {
		panic(fmt.Sprintf("monitoring: %v", err))
	}
	chart := cdk8s.NewChart(app, jsii.String(chartID), &cdk8s.ChartProps{DisableResourceNameHashes: jsii.Bool(true)})
	ns := env.Names.MonitoringNamespace
	addObject(chart, "namespace", &corev1.Namespace{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{
			Name: ns,
			// Nothing here needs more than "restricted": there is no
			// node-exporter (it would need host namespaces); node-level
			// numbers come from the kubelet and kube-state-metrics.
			Labels: charts.PodSecurityLabels(charts.PodSecurityRestricted),
		},
	})
	addStorageClass(chart, env)
	addPrometheus(chart, env, files)
	addAlertmanager(chart, env, files)
	addGrafana(chart, env, files)
	addKubeStateMetrics(chart, env)
	addPostgresExporter(chart, env, postgresExporter, postgresExporterSecret)
	if env.Database.ReadReplica {
		addPostgresExporter(chart, env, postgresReplicaExporter, postgresReplicaExporterSecret)
	}
	addNetworkPolicies(chart, env)
}
