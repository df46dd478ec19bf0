package monitoring

import (
	"fmt"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// TestConstructsRejectBadProps: nil props and every missing or invalid
// field panic, all at once, with a message that names the construct path.
func TestConstructsRejectBadProps(t *testing.T) {
	cases := []struct {
		name  string
		build func(scope constructs.Construct)
		want  string
	}{
		{"prometheus nil", func(s constructs.Construct) { NewPrometheus(s, "prometheus", nil) },
			"monitoring/prometheus: *monitoring.PrometheusProps is nil"},
		{"prometheus empty", func(s constructs.Construct) { NewPrometheus(s, "prometheus", &PrometheusProps{}) },
			"monitoring/prometheus: PrometheusProps: Namespace is required; Image is required; Config is required; Rules is required; StorageGiB = 0: want > 0; RetentionDays = 0: want > 0"},
		{"prometheus negative storage", func(s constructs.Construct) {
			NewPrometheus(s, "prometheus", &PrometheusProps{Namespace: "m", Image: "i", Config: []byte("c"), Rules: []byte("r"), StorageGiB: -1, RetentionDays: 1})
		}, "monitoring/prometheus: PrometheusProps: StorageGiB = -1: want > 0"},
		{"alertmanager nil", func(s constructs.Construct) { NewAlertmanager(s, "alertmanager", nil) },
			"monitoring/alertmanager: *monitoring.AlertmanagerProps is nil"},
		{"alertmanager empty", func(s constructs.Construct) { NewAlertmanager(s, "alertmanager", &AlertmanagerProps{}) },
			"monitoring/alertmanager: AlertmanagerProps: Namespace is required; Image is required; Config is required"},
		{"grafana nil", func(s constructs.Construct) { NewGrafana(s, "grafana", nil) },
			"monitoring/grafana: *monitoring.GrafanaProps is nil"},
		{"grafana empty", func(s constructs.Construct) { NewGrafana(s, "grafana", &GrafanaProps{}) },
			"monitoring/grafana: GrafanaProps: Namespace is required; Image is required; Datasources is required; DashboardProviders is required"},
		{"kube-state-metrics nil", func(s constructs.Construct) { NewKubeStateMetrics(s, "ksm", nil) },
			"monitoring/ksm: *monitoring.KubeStateMetricsProps is nil"},
		{"kube-state-metrics empty", func(s constructs.Construct) { NewKubeStateMetrics(s, "ksm", &KubeStateMetricsProps{}) },
			"monitoring/ksm: KubeStateMetricsProps: Namespace is required; Image is required"},
		{"postgres exporter nil", func(s constructs.Construct) { NewPostgresExporter(s, "pg", nil) },
			"monitoring/pg: *monitoring.PostgresExporterProps is nil"},
		{"postgres exporter empty", func(s constructs.Construct) { NewPostgresExporter(s, "pg", &PostgresExporterProps{}) },
			"monitoring/pg: PostgresExporterProps: Namespace is required; Name is required; Image is required; Secret is required"},
		{"network policies nil", func(s constructs.Construct) { NewNetworkPolicies(s, "np", nil) },
			"monitoring/np: *monitoring.NetworkPoliciesProps is nil"},
		{"network policies empty", func(s constructs.Construct) { NewNetworkPolicies(s, "np", &NetworkPoliciesProps{}) },
			"monitoring/np: NetworkPoliciesProps: Namespace is required; VPCCIDR is required; StorefrontNamespace is required; Backend is required; Frontend is required; ExternalDNSNamespace is required; DatabasePort = 0: want > 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			chart := cdk8s.NewChart(cdk8s.NewApp(nil), str(chartID), nil)
			got := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				tc.build(chart)
				return ""
			}()
			if got != tc.want {
				t.Errorf("panic = %q\nwant    %q", got, tc.want)
			}
		})
	}
}
