package monitoring

import "github.com/shopstack/shopstack/cdk8s/charts"

// Images are pinned to exact release tags. The metric names the rules and
// dashboards read from each exporter are listed in exporter_metrics.go with
// the version they were taken from; bump both together. These are the
// upstream references: the manifests pull them through the environment's
// ECR pull-through cache (platform.Environment.MirroredImage).
const (
	// PrometheusImage is the Prometheus 3.5 LTS line. Its configuration is
	// checked by Debian's promtool 2.42 (older) and by the Go loader of
	// prometheus v0.316.0 (newer), so only fields both accept are generated.
	prometheusImage = "quay.io/prometheus/prometheus:v3.5.0"
	// AlertmanagerImage is checked by Debian's amtool 0.25 and the Go config
	// package of alertmanager v0.34.2.
	alertmanagerImage      = "quay.io/prometheus/alertmanager:v0.28.1"
	grafanaImage           = "docker.io/grafana/grafana:12.0.2"
	kubeStateMetricsImage  = "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0"
	postgresExporterImage  = "quay.io/prometheuscommunity/postgres-exporter:v0.17.1"
	kubeStateMetricsVer    = "v2.15.0"
	postgresExporterVer    = "v0.17.1"
	kubeletMetricsK8sMinor = "1.34"
)

// Component names: Deployment/StatefulSet/Service names and the value of the
// app.kubernetes.io/name label of their pods. Prometheus' is declared in
// charts, whose storefront NetworkPolicies admit its pods.
const (
	prometheusName          = charts.PrometheusName
	alertmanager            = "alertmanager"
	grafana                 = "grafana"
	kubeStateMetrics        = "kube-state-metrics"
	postgresExporter        = "postgres-exporter"
	postgresReplicaExporter = "postgres-exporter-replica"
)

// Ports.
const (
	prometheusPort          = 9090
	alertmanagerPort        = 9093
	alertmanagerClusterPort = 9094
	grafanaPort             = 3000
	kubeStateMetricsPort    = 8080
	kubeStateMetricsTelPort = 8081
	postgresExporterPort    = 9187
	// KubeletPort is the kubelet's HTTPS port (the kubelet's default
	// --port), where Prometheus scrapes /metrics and /metrics/cadvisor.
	kubeletPort = 10250
	// MetricsPortName is the container port name of every exporter port that
	// Prometheus scrapes in namespace monitoring. (The frontend's
	// nginx-prometheus-exporter sidecar, its image, port and port name are
	// the charts' own: charts.NginxExporter*.)
	metricsPortName = "metrics"
)

// Scrape job names. Alert rules and dashboards select on these.
const (
	jobBackend          = "storefront-backend"
	jobFrontend         = "storefront-frontend"
	jobKubelet          = "kubelet"
	jobCadvisor         = "cadvisor"
	jobKubeStateMetrics = "kube-state-metrics"
	jobPostgres         = "postgres"
	jobPostgresReplica  = "postgres-replica"
	jobPrometheus       = "prometheus"
	jobAlertmanager     = "alertmanager"
	jobGrafana          = "grafana"
	jobExternalDNS      = "external-dns"
)

// Secrets created outside git (docs/monitoring.md has the commands). Only
// their names appear in manifests.
const (
	// ReceiversSecret holds the AlertManager receiver credentials as files.
	receiversSecret = "alertmanager-receivers"
	// ReceiversSecretPagingKey is the PagerDuty Events v2 routing key.
	receiversSecretPagingKey = "pagerduty-routing-key"
	// ReceiversSecretChatKey is the Slack incoming-webhook URL.
	receiversSecretChatKey = "slack-webhook-url"
	// GrafanaAdminSecret holds keys admin-user and admin-password.
	grafanaAdminSecret = "grafana-admin"
	// PostgresExporterSecret holds DATA_SOURCE_URI, DATA_SOURCE_USER and
	// DATA_SOURCE_PASS for postgres_exporter.
	postgresExporterSecret = "postgres-exporter"
	// PostgresReplicaExporterSecret is the same for the read replica.
	postgresReplicaExporterSecret = "postgres-exporter-replica"
)

// Paths inside the containers.
const (
	prometheusConfigDir   = "/etc/prometheus/config"
	prometheusRulesDir    = "/etc/prometheus/rules"
	prometheusDataDir     = "/prometheus"
	alertmanagerConfigDir = "/etc/alertmanager/config"
	alertmanagerSecretDir = "/etc/alertmanager/secrets"
	serviceAccountDir     = "/var/run/secrets/kubernetes.io/serviceaccount"
)

// Receiver names of the AlertManager routing tree.
const (
	receiverPaging = "paging"
	receiverChat   = "chat"
)

// Severities.
const (
	severityCritical = "critical"
	severityWarning  = "warning"
)

// GrafanaDatasourceUID is the uid of the provisioned Prometheus data source;
// every dashboard panel refers to it.
const grafanaDatasourceUID = "prometheus"

// RunbooksURL is where docs/runbooks.md is published; alert annotations link
// to its sections.
const runbooksURL = "https://github.com/shopstack/shopstack/blob/main/docs/runbooks.md"
