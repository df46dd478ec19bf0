package monitoring

import "github.com/shopstack/shopstack/cdk8s/charts"

// Metric names read from the exporters and from Prometheus/AlertManager
// themselves. The storefront's own names come from server/contract and are
// checked against a real scrape of the server; these are checked against the
// lists below (TestMetricNamesExist), which record the version each name was
// taken from. Bump the image and this file together.

// kube-state-metrics (KubeStateMetricsImage).
const (
	MetricKubeNodeInfo              = "kube_node_info"
	MetricKubeNodeStatusCondition   = "kube_node_status_condition"
	MetricKubeNodeAllocatable       = "kube_node_status_allocatable"
	MetricKubePodStatusPhase        = "kube_pod_status_phase"
	MetricKubePodWaitingReason      = "kube_pod_container_status_waiting_reason"
	MetricKubePodRestarts           = "kube_pod_container_status_restarts_total"
	MetricKubePodRequests           = "kube_pod_container_resource_requests"
	MetricKubePodLimits             = "kube_pod_container_resource_limits"
	MetricKubeDeploymentUnavailable = "kube_deployment_status_replicas_unavailable"
	MetricKubeDeploymentSpec        = "kube_deployment_spec_replicas"
	MetricKubeHPACurrent            = "kube_horizontalpodautoscaler_status_current_replicas"
	MetricKubeHPADesired            = "kube_horizontalpodautoscaler_status_desired_replicas"
	MetricKubeHPAMin                = "kube_horizontalpodautoscaler_spec_min_replicas"
	MetricKubeHPAMax                = "kube_horizontalpodautoscaler_spec_max_replicas"
)

// postgres_exporter (PostgresExporterImage).
const (
	MetricPgUp                 = "pg_up"
	MetricPgBackends           = "pg_stat_database_numbackends"
	MetricPgMaxConnections     = "pg_settings_max_connections"
	MetricPgXactCommit         = "pg_stat_database_xact_commit"
	MetricPgXactRollback       = "pg_stat_database_xact_rollback"
	MetricPgBlksHit            = "pg_stat_database_blks_hit"
	MetricPgBlksRead           = "pg_stat_database_blks_read"
	MetricPgDeadlocks          = "pg_stat_database_deadlocks"
	MetricPgActivityCount      = "pg_stat_activity_count"
	MetricPgActivityMaxTxDur   = "pg_stat_activity_max_tx_duration"
	MetricPgReplicationLag     = "pg_replication_lag_seconds"
	MetricPgReplicationReplica = "pg_replication_is_replica"
)

// kubelet /metrics and /metrics/cadvisor (Kubernetes kubeletMetricsK8sMinor).
const (
	MetricKubeletVolumeAvailable    = "kubelet_volume_stats_available_bytes"
	MetricKubeletVolumeCapacity     = "kubelet_volume_stats_capacity_bytes"
	MetricKubeletVolumeUsed         = "kubelet_volume_stats_used_bytes"
	MetricKubeletRunningPods        = "kubelet_running_pods"
	MetricContainerCPU              = "container_cpu_usage_seconds_total"
	MetricContainerMemoryWorkingSet = "container_memory_working_set_bytes"
	MetricContainerCPUThrottled     = "container_cpu_cfs_throttled_periods_total"
	MetricContainerCPUPeriods       = "container_cpu_cfs_periods_total"
)

// nginx-prometheus-exporter (charts.NginxExporterImage), from stub_status.
const (
	MetricNginxUp          = "nginx_up"
	MetricNginxRequests    = "nginx_http_requests_total"
	MetricNginxConnections = "nginx_connections_active"
)

// Prometheus and AlertManager self-monitoring. These are also checked
// against a real scrape of Debian's prometheus and prometheus-alertmanager
// in TestSelfMetricNamesFromRealBinaries.
const (
	MetricUp                           = "up"
	MetricPromConfigReloadOK           = "prometheus_config_last_reload_successful"
	MetricPromNotificationsErrors      = "prometheus_notifications_errors_total"
	MetricPromNotificationsSent        = "prometheus_notifications_sent_total"
	MetricPromNotificationsDiscovered  = "prometheus_notifications_alertmanagers_discovered"
	MetricPromRuleEvalFailures         = "prometheus_rule_evaluation_failures_total"
	MetricAlertmanagerConfigReloadOK   = "alertmanager_config_last_reload_successful"
	MetricAlertmanagerNotifications    = "alertmanager_notifications_total"
	MetricAlertmanagerNotificationsErr = "alertmanager_notifications_failed_total"
)

// exporterMetrics lists, per source and version, the metric names known to
// exist there. A rule or dashboard may only read a name listed here or
// exported by the storefront server.
var exporterMetrics = map[string][]string{
	"kube-state-metrics " + kubeStateMetricsVer: {
		MetricKubeNodeInfo, MetricKubeNodeStatusCondition, MetricKubeNodeAllocatable,
		MetricKubePodStatusPhase, MetricKubePodWaitingReason, MetricKubePodRestarts,
		MetricKubePodRequests, MetricKubePodLimits, MetricKubeDeploymentUnavailable,
		MetricKubeDeploymentSpec, MetricKubeHPACurrent, MetricKubeHPADesired,
		MetricKubeHPAMin, MetricKubeHPAMax,
	},
	"postgres_exporter " + postgresExporterVer: {
		MetricPgUp, MetricPgBackends, MetricPgMaxConnections, MetricPgXactCommit,
		MetricPgXactRollback, MetricPgBlksHit, MetricPgBlksRead, MetricPgDeadlocks,
		MetricPgActivityCount, MetricPgActivityMaxTxDur, MetricPgReplicationLag,
		MetricPgReplicationReplica,
	},
	"kubelet/cadvisor " + kubeletMetricsK8sMinor: {
		MetricKubeletVolumeAvailable, MetricKubeletVolumeCapacity, MetricKubeletVolumeUsed,
		MetricKubeletRunningPods, MetricContainerCPU, MetricContainerMemoryWorkingSet,
		MetricContainerCPUThrottled, MetricContainerCPUPeriods,
	},
	"nginx-prometheus-exporter " + charts.NginxExporterVersion: {MetricNginxUp, MetricNginxRequests, MetricNginxConnections},
	"prometheus/alertmanager (self)": {
		MetricUp, MetricPromConfigReloadOK, MetricPromNotificationsErrors,
		MetricPromNotificationsSent, MetricPromNotificationsDiscovered, MetricPromRuleEvalFailures,
		MetricAlertmanagerConfigReloadOK, MetricAlertmanagerNotifications, MetricAlertmanagerNotificationsErr,
	},
}
