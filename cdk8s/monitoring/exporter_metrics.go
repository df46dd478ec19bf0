package monitoring

import "github.com/shopstack/shopstack/cdk8s/charts"

// Metric names read from the exporters and from Prometheus/AlertManager
// themselves. The storefront's own names come from contract and are
// checked against a real scrape of the server; these are checked against the
// lists below (TestMetricNamesExist), which record the version each name was
// taken from. Bump the image and this file together.

// kube-state-metrics (KubeStateMetricsImage).
const (
	metricKubeNodeInfo              = "kube_node_info"
	metricKubeNodeStatusCondition   = "kube_node_status_condition"
	metricKubeNodeAllocatable       = "kube_node_status_allocatable"
	metricKubePodStatusPhase        = "kube_pod_status_phase"
	metricKubePodWaitingReason      = "kube_pod_container_status_waiting_reason"
	metricKubePodRestarts           = "kube_pod_container_status_restarts_total"
	metricKubePodRequests           = "kube_pod_container_resource_requests"
	metricKubePodLimits             = "kube_pod_container_resource_limits"
	metricKubeDeploymentUnavailable = "kube_deployment_status_replicas_unavailable"
	metricKubeDeploymentSpec        = "kube_deployment_spec_replicas"
	metricKubeHPACurrent            = "kube_horizontalpodautoscaler_status_current_replicas"
	metricKubeHPADesired            = "kube_horizontalpodautoscaler_status_desired_replicas"
	metricKubeHPAMin                = "kube_horizontalpodautoscaler_spec_min_replicas"
	metricKubeHPAMax                = "kube_horizontalpodautoscaler_spec_max_replicas"
)

// postgres_exporter (PostgresExporterImage).
const (
	metricPgUp                 = "pg_up"
	metricPgBackends           = "pg_stat_database_numbackends"
	metricPgMaxConnections     = "pg_settings_max_connections"
	metricPgXactCommit         = "pg_stat_database_xact_commit"
	metricPgXactRollback       = "pg_stat_database_xact_rollback"
	metricPgBlksHit            = "pg_stat_database_blks_hit"
	metricPgBlksRead           = "pg_stat_database_blks_read"
	metricPgDeadlocks          = "pg_stat_database_deadlocks"
	metricPgActivityCount      = "pg_stat_activity_count"
	metricPgActivityMaxTxDur   = "pg_stat_activity_max_tx_duration"
	metricPgReplicationLag     = "pg_replication_lag_seconds"
	metricPgReplicationReplica = "pg_replication_is_replica"
)

// kubelet /metrics and /metrics/cadvisor (Kubernetes kubeletMetricsK8sMinor).
const (
	metricKubeletVolumeAvailable    = "kubelet_volume_stats_available_bytes"
	metricKubeletVolumeCapacity     = "kubelet_volume_stats_capacity_bytes"
	metricKubeletVolumeUsed         = "kubelet_volume_stats_used_bytes"
	metricKubeletRunningPods        = "kubelet_running_pods"
	metricContainerCPU              = "container_cpu_usage_seconds_total"
	metricContainerMemoryWorkingSet = "container_memory_working_set_bytes"
	metricContainerCPUThrottled     = "container_cpu_cfs_throttled_periods_total"
	metricContainerCPUPeriods       = "container_cpu_cfs_periods_total"
)

// nginx-prometheus-exporter (charts.NginxExporterImage), from stub_status.
const (
	metricNginxUp          = "nginx_up"
	metricNginxRequests    = "nginx_http_requests_total"
	metricNginxConnections = "nginx_connections_active"
)

// Prometheus and AlertManager self-monitoring. These are also checked
// against a real scrape of Debian's prometheus and prometheus-alertmanager
// in TestSelfMetricNamesFromRealBinaries.
const (
	metricUp                           = "up"
	metricPromConfigReloadOK           = "prometheus_config_last_reload_successful"
	metricPromNotificationsErrors      = "prometheus_notifications_errors_total"
	metricPromNotificationsSent        = "prometheus_notifications_sent_total"
	metricPromNotificationsDiscovered  = "prometheus_notifications_alertmanagers_discovered"
	metricPromRuleEvalFailures         = "prometheus_rule_evaluation_failures_total"
	metricAlertmanagerConfigReloadOK   = "alertmanager_config_last_reload_successful"
	metricAlertmanagerNotifications    = "alertmanager_notifications_total"
	metricAlertmanagerNotificationsErr = "alertmanager_notifications_failed_total"
)

// exporterMetrics lists, per source and version, the metric names known to
// exist there. A rule or dashboard may only read a name listed here or
// exported by the storefront server.
var exporterMetrics = map[string][]string{
	"kube-state-metrics " + kubeStateMetricsVer: {
		metricKubeNodeInfo, metricKubeNodeStatusCondition, metricKubeNodeAllocatable,
		metricKubePodStatusPhase, metricKubePodWaitingReason, metricKubePodRestarts,
		metricKubePodRequests, metricKubePodLimits, metricKubeDeploymentUnavailable,
		metricKubeDeploymentSpec, metricKubeHPACurrent, metricKubeHPADesired,
		metricKubeHPAMin, metricKubeHPAMax,
	},
	"postgres_exporter " + postgresExporterVer: {
		metricPgUp, metricPgBackends, metricPgMaxConnections, metricPgXactCommit,
		metricPgXactRollback, metricPgBlksHit, metricPgBlksRead, metricPgDeadlocks,
		metricPgActivityCount, metricPgActivityMaxTxDur, metricPgReplicationLag,
		metricPgReplicationReplica,
	},
	"kubelet/cadvisor " + kubeletMetricsK8sMinor: {
		metricKubeletVolumeAvailable, metricKubeletVolumeCapacity, metricKubeletVolumeUsed,
		metricKubeletRunningPods, metricContainerCPU, metricContainerMemoryWorkingSet,
		metricContainerCPUThrottled, metricContainerCPUPeriods,
	},
	"nginx-prometheus-exporter " + charts.NginxExporterVersion: {metricNginxUp, metricNginxRequests, metricNginxConnections},
	"prometheus/alertmanager (self)": {
		metricUp, metricPromConfigReloadOK, metricPromNotificationsErrors,
		metricPromNotificationsSent, metricPromNotificationsDiscovered, metricPromRuleEvalFailures,
		metricAlertmanagerConfigReloadOK, metricAlertmanagerNotifications, metricAlertmanagerNotificationsErr,
	},
}
