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
	PrometheusImage = "quay.io/prometheus/prometheus:v3.5.0"
	// AlertmanagerImage is checked by Debian's amtool 0.25 and the Go config
	// package of alertmanager v0.34.2.
	AlertmanagerImage      = "quay.io/prometheus/alertmanager:v0.28.1"
	GrafanaImage           = "docker.io/grafana/grafana:12.0.2"
	KubeStateMetricsImage  = "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0"
	PostgresExporterImage  = "quay.io/prometheuscommunity/postgres-exporter:v0.17.1"
	kubeStateMetricsVer    = "v2.15.0"
	postgresExporterVer    = "v0.17.1"
	kubeletMetricsK8sMinor = "1.34"
)

// Component names: Deployment/StatefulSet/Service names and the value of the
// app.kubernetes.io/name label of their pods. Prometheus is declared in
// charts, whose storefront NetworkPolicies admit its pods.
const (
	Prometheus              = charts.PrometheusName
	Alertmanager            = "alertmanager"
	Grafana                 = "grafana"
	KubeStateMetrics        = "kube-state-metrics"
	PostgresExporter        = "postgres-exporter"
	PostgresReplicaExporter = "postgres-exporter-replica"
)

// Ports.
const (
	PrometheusPort          = 9090
	AlertmanagerPort        = 9093
	AlertmanagerClusterPort = 9094
	GrafanaPort             = 3000
	KubeStateMetricsPort    = 8080
	KubeStateMetricsTelPort = 8081
	PostgresExporterPort    = 9187
	// KubeletPort is the kubelet's HTTPS port (the kubelet's default
	// --port), where Prometheus scrapes /metrics and /metrics/cadvisor.
	KubeletPort = 10250
	// MetricsPortName is the container port name of every exporter port that
	// Prometheus scrapes in namespace monitoring. (The frontend's
	// nginx-prometheus-exporter sidecar, its image, port and port name are
	// the charts' own: charts.NginxExporter*.)
	MetricsPortName = "metrics"
)

// Scrape job names. Alert rules and dashboards select on these.
const (
	JobBackend          = "storefront-backend"
	JobFrontend         = "storefront-frontend"
	JobKubelet          = "kubelet"
	JobCadvisor         = "cadvisor"
	JobKubeStateMetrics = "kube-state-metrics"
	JobPostgres         = "postgres"
	JobPostgresReplica  = "postgres-replica"
	JobPrometheus       = "prometheus"
	JobAlertmanager     = "alertmanager"
	JobGrafana          = "grafana"
	JobExternalDNS      = "external-dns"
)

// Secrets created outside git (docs/monitoring.md has the commands). Only
// their names appear in manifests.
const (
	// ReceiversSecret holds the AlertManager receiver credentials as files.
	ReceiversSecret = "alertmanager-receivers"
	// ReceiversSecretPagingKey is the PagerDuty Events v2 routing key.
	ReceiversSecretPagingKey = "pagerduty-routing-key"
	// ReceiversSecretChatKey is the Slack incoming-webhook URL.
	ReceiversSecretChatKey = "slack-webhook-url"
	// GrafanaAdminSecret holds keys admin-user and admin-password.
	GrafanaAdminSecret = "grafana-admin"
	// PostgresExporterSecret holds DATA_SOURCE_URI, DATA_SOURCE_USER and
	// DATA_SOURCE_PASS for postgres_exporter.
	PostgresExporterSecret = "postgres-exporter"
	// PostgresReplicaExporterSecret is the same for the read replica.
	PostgresReplicaExporterSecret = "postgres-exporter-replica"
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
	ReceiverPaging = "paging"
	ReceiverChat   = "chat"
)

// Severities.
const (
	SeverityCritical = "critical"
	SeverityWarning  = "warning"
)

// GrafanaDatasourceUID is the uid of the provisioned Prometheus data source;
// every dashboard panel refers to it.
const GrafanaDatasourceUID = "prometheus"

// RunbooksURL is where docs/runbooks.md is published; alert annotations link
// to its sections.
const RunbooksURL = "https://github.com/shopstack/shopstack/blob/main/docs/runbooks.md"
