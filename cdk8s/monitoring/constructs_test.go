package monitoring

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/internal/k8stest"
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

// TestConstructsAddTheirObjects builds each construct alone from minimal
// props (the optional ones left at their defaults) and lists what it adds:
// every object, in order, named from the props.
func TestConstructsAddTheirObjects(t *testing.T) {
	file := []byte("x")
	cases := []struct {
		name  string
		build func(scope constructs.Construct)
		want  []string
	}{
		{"prometheus", func(s constructs.Construct) {
			NewPrometheus(s, "prometheus", &PrometheusProps{Namespace: "m", Image: "i", Config: file, Rules: file, StorageGiB: 10, RetentionDays: 7})
		}, []string{
			"StorageClass//monitoring-gp3", "ServiceAccount/m/prometheus", "ClusterRole//m-prometheus", "ClusterRoleBinding//m-prometheus",
			"ConfigMap/m/prometheus-config", "ConfigMap/m/prometheus-rules", "Service/m/prometheus", "Service/m/prometheus-headless",
			"StatefulSet/m/prometheus", "PodDisruptionBudget/m/prometheus",
		}},
		{"alertmanager", func(s constructs.Construct) {
			NewAlertmanager(s, "alertmanager", &AlertmanagerProps{Namespace: "m", Image: "i", Config: file})
		}, []string{
			"ServiceAccount/m/alertmanager", "ConfigMap/m/alertmanager-config", "Service/m/alertmanager", "Service/m/alertmanager-cluster",
			"StatefulSet/m/alertmanager", "PodDisruptionBudget/m/alertmanager",
		}},
		{"grafana without dashboards (the default)", func(s constructs.Construct) {
			NewGrafana(s, "grafana", &GrafanaProps{Namespace: "m", Image: "i", Datasources: file, DashboardProviders: file})
		}, []string{
			"ServiceAccount/m/grafana", "ConfigMap/m/grafana-datasources", "ConfigMap/m/grafana-dashboard-providers",
			"Deployment/m/grafana", "Service/m/grafana", "PodDisruptionBudget/m/grafana",
		}},
		{"grafana with dashboards, in file name order", func(s constructs.Construct) {
			NewGrafana(s, "grafana", &GrafanaProps{Namespace: "m", Image: "i", Datasources: file, DashboardProviders: file,
				Dashboards: map[string][]byte{"b.json": file, "a.json": file}})
		}, []string{
			"ServiceAccount/m/grafana", "ConfigMap/m/grafana-datasources", "ConfigMap/m/grafana-dashboard-providers",
			"ConfigMap/m/grafana-dashboard-a", "ConfigMap/m/grafana-dashboard-b",
			"Deployment/m/grafana", "Service/m/grafana", "PodDisruptionBudget/m/grafana",
		}},
		{"kube-state-metrics", func(s constructs.Construct) {
			NewKubeStateMetrics(s, "ksm", &KubeStateMetricsProps{Namespace: "m", Image: "i"})
		}, []string{
			"ServiceAccount/m/kube-state-metrics", "ClusterRole//m-kube-state-metrics", "ClusterRoleBinding//m-kube-state-metrics",
			"Deployment/m/kube-state-metrics", "PodDisruptionBudget/m/kube-state-metrics",
		}},
		{"postgres exporter", func(s constructs.Construct) {
			NewPostgresExporter(s, "pg", &PostgresExporterProps{Namespace: "m", Name: "pg-x", Image: "i", Secret: "s"})
		}, []string{"ServiceAccount/m/pg-x", "Deployment/m/pg-x", "PodDisruptionBudget/m/pg-x"}},
		{"network policies", func(s constructs.Construct) {
			NewNetworkPolicies(s, "np", &NetworkPoliciesProps{Namespace: "m", VPCCIDR: "10.0.0.0/16", StorefrontNamespace: "shop",
				Backend: "backend", Frontend: "frontend", ExternalDNSNamespace: "external-dns", DatabasePort: 5432})
		}, []string{
			"NetworkPolicy/m/default-deny", "NetworkPolicy/m/allow-ingress-from-namespace", "NetworkPolicy/m/allow-dns-egress",
			"NetworkPolicy/m/prometheus-egress", "NetworkPolicy/m/kube-state-metrics-egress", "NetworkPolicy/m/postgres-exporter-egress",
			"NetworkPolicy/m/alertmanager-egress", "NetworkPolicy/m/grafana-egress",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := cdk8s.NewApp(nil)
			tc.build(cdk8s.NewChart(app, str(chartID), nil))
			var got []string
			for _, doc := range k8stest.SplitYAML([]byte(*app.SynthYaml())) {
				var o object
				if err := yaml.Unmarshal(doc, &o); err != nil {
					t.Fatal(err)
				}
				got = append(got, o.Kind+"/"+o.Namespace+"/"+o.Name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("objects\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
