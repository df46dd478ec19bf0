// Package monitoring holds the observability chart: Prometheus,
// AlertManager, Grafana and the exporters their dashboards need, each a
// construct (NewPrometheus, NewAlertmanager, NewGrafana,
// NewKubeStateMetrics, NewPostgresExporter, NewNetworkPolicies) with flat
// props that Build maps from the environment once.
//
// Every configuration file (prometheus.yml, the alert rules, alertmanager.yml,
// Grafana's provisioning and dashboards) is Go data rendered once by
// generate; the constructs' ConfigMaps carry those bytes and the tests check
// the same bytes with promtool, amtool, the Prometheus parser and a real
// Prometheus. docs/monitoring.md describes the architecture.
package monitoring

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/platform"
)

// ChartID is the id of the monitoring chart; synth writes it to
// dist/<env>/k8s/monitoring.k8s.yaml.
const chartID = "monitoring"

// Build adds the monitoring chart of env to app.
func Build(app cdk8s.App, env platform.Environment) {
	files, err := generate(env)
	if err != nil {
		panic(fmt.Sprintf("monitoring: %v", err))
	}
	chart := cdk8s.NewChart(app, jsii.String(chartID), &cdk8s.ChartProps{DisableResourceNameHashes: jsii.Bool(true)})
	ns := env.Names.MonitoringNamespace
	newNamespace(chart, ns)
	NewPrometheus(chart, "prometheus", &PrometheusProps{
		Namespace:     ns,
		Image:         env.MirroredImage(prometheusImage),
		Config:        files.Prometheus,
		Rules:         files.Rules,
		StorageGiB:    env.Monitoring.StorageGiB,
		RetentionDays: env.Monitoring.RetentionDays,
	})
	NewAlertmanager(chart, "alertmanager", &AlertmanagerProps{
		Namespace: ns,
		Image:     env.MirroredImage(alertmanagerImage),
		Config:    files.Alertmanager,
	})
	NewGrafana(chart, "grafana", &GrafanaProps{
		Namespace:          ns,
		Image:              env.MirroredImage(grafanaImage),
		Datasources:        files.GrafanaDatasources,
		DashboardProviders: files.GrafanaProviders,
		Dashboards:         files.Dashboards,
	})
	NewKubeStateMetrics(chart, "kube-state-metrics", &KubeStateMetricsProps{
		Namespace: ns,
		Image:     env.MirroredImage(kubeStateMetricsImage),
	})
	NewPostgresExporter(chart, postgresExporter, &PostgresExporterProps{
		Namespace: ns,
		Name:      postgresExporter,
		Image:     env.MirroredImage(postgresExporterImage),
		Secret:    postgresExporterSecret,
	})
	if env.Database.ReadReplica {
		NewPostgresExporter(chart, postgresReplicaExporter, &PostgresExporterProps{
			Namespace: ns,
			Name:      postgresReplicaExporter,
			Image:     env.MirroredImage(postgresExporterImage),
			Secret:    postgresReplicaExporterSecret,
		})
	}
	NewNetworkPolicies(chart, "network-policies", &NetworkPoliciesProps{
		Namespace:            ns,
		VPCCIDR:              env.Network.CIDR,
		StorefrontNamespace:  env.Names.Namespace,
		Backend:              env.Names.Backend,
		Frontend:             env.Names.Frontend,
		ExternalDNSNamespace: env.Names.ExternalDNSNamespace,
		DatabasePort:         env.Database.Port,
	})
}

// newNamespace adds the monitoring namespace, enforcing PodSecurity
// "restricted".
func newNamespace(scope constructs.Construct, name string) {
	k8s.NewKubeNamespace(scope, str("namespace"), &k8s.KubeNamespaceProps{
		Metadata: &k8s.ObjectMeta{
			Name: str(name),
			// Nothing here needs more than "restricted": there is no
			// node-exporter (it would need host namespaces); node-level
			// numbers come from the kubelet and kube-state-metrics.
			Labels: charts.StringMap(charts.PodSecurityLabels(charts.PodSecurityRestricted)),
		},
		// Empty, as before (the API server adds the kubernetes finalizer).
		Spec: &k8s.NamespaceSpec{},
	})
}
