package monitoring

import (
	"strconv"
	"strings"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// The Prometheus configuration as Go data. Only the fields shopstack uses
// are modelled, with the YAML names of the Prometheus configuration file;
// every field here is accepted by promtool 2.42 and by Prometheus 3.

// PromConfig is prometheus.yml.
type promConfig struct {
	Global        promGlobal      `yaml:"global"`
	RuleFiles     []string        `yaml:"rule_files,omitempty"`
	Alerting      *promAlerting   `yaml:"alerting,omitempty"`
	ScrapeConfigs []*scrapeConfig `yaml:"scrape_configs"`
}

// PromGlobal is the global block.
type promGlobal struct {
	ScrapeInterval     string            `yaml:"scrape_interval"`
	ScrapeTimeout      string            `yaml:"scrape_timeout"`
	EvaluationInterval string            `yaml:"evaluation_interval"`
	ExternalLabels     map[string]string `yaml:"external_labels,omitempty"`
}

// PromAlerting points Prometheus at AlertManager.
type promAlerting struct {
	Alertmanagers []alertmanagerTarget `yaml:"alertmanagers"`
}

// AlertmanagerTarget is one entry of alerting.alertmanagers.
type alertmanagerTarget struct {
	APIVersion          string          `yaml:"api_version"`
	Timeout             string          `yaml:"timeout,omitempty"`
	KubernetesSDConfigs []kubernetesSD  `yaml:"kubernetes_sd_configs,omitempty"`
	StaticConfigs       []staticConfig  `yaml:"static_configs,omitempty"`
	RelabelConfigs      []relabelConfig `yaml:"relabel_configs,omitempty"`
}

// ScrapeConfig is one scrape job.
type scrapeConfig struct {
	JobName              string          `yaml:"job_name"`
	ScrapeInterval       string          `yaml:"scrape_interval,omitempty"`
	ScrapeTimeout        string          `yaml:"scrape_timeout,omitempty"`
	MetricsPath          string          `yaml:"metrics_path,omitempty"`
	Scheme               string          `yaml:"scheme,omitempty"`
	SampleLimit          int             `yaml:"sample_limit,omitempty"`
	Authorization        *authorization  `yaml:"authorization,omitempty"`
	TLSConfig            *tlsConfig      `yaml:"tls_config,omitempty"`
	KubernetesSDConfigs  []kubernetesSD  `yaml:"kubernetes_sd_configs,omitempty"`
	StaticConfigs        []staticConfig  `yaml:"static_configs,omitempty"`
	RelabelConfigs       []relabelConfig `yaml:"relabel_configs,omitempty"`
	MetricRelabelConfigs []relabelConfig `yaml:"metric_relabel_configs,omitempty"`
}

// Authorization sends a bearer token read from a file.
type authorization struct {
	CredentialsFile string `yaml:"credentials_file"`
}

// TLSConfig verifies the server against a CA file.
type tlsConfig struct {
	CAFile string `yaml:"ca_file"`
}

// KubernetesSD is a kubernetes_sd_configs entry.
type kubernetesSD struct {
	Role       string        `yaml:"role"`
	Namespaces *sdNamespaces `yaml:"namespaces,omitempty"`
	Selectors  []sdSelector  `yaml:"selectors,omitempty"`
}

// SDNamespaces limits discovery to some namespaces.
type sdNamespaces struct {
	Names []string `yaml:"names"`
}

// SDSelector is a label selector applied by the API server to the watch.
type sdSelector struct {
	Role  string `yaml:"role"`
	Label string `yaml:"label,omitempty"`
}

// StaticConfig is a fixed target list.
type staticConfig struct {
	Targets []string          `yaml:"targets"`
	Labels  map[string]string `yaml:"labels,omitempty"`
}

// RelabelConfig is one relabelling step.
type relabelConfig struct {
	SourceLabels []string `yaml:"source_labels,flow,omitempty"`
	Separator    string   `yaml:"separator,omitempty"`
	Regex        string   `yaml:"regex,omitempty"`
	TargetLabel  string   `yaml:"target_label,omitempty"`
	Replacement  string   `yaml:"replacement,omitempty"`
	Action       string   `yaml:"action,omitempty"`
}

// scrapeOverrides turns the in-cluster configuration into one for a test
// outside a cluster: the listed jobs scrape fixed targets instead of
// discovering pods (their relabelling, which reads discovery labels, goes
// too), every other job is dropped, alerting and rule files are removed.
type scrapeOverrides struct {
	// StaticTargets maps a job name to host:port targets.
	StaticTargets map[string][]string
	// TargetLabels are added to every static target (e.g. namespace).
	TargetLabels map[string]string
	// ScrapeInterval replaces the global interval.
	ScrapeInterval string
	// RuleFiles replaces rule_files (none when empty).
	RuleFiles []string
	// Alertmanagers are static AlertManager host:port targets (none when empty).
	Alertmanagers []string
}

// Label names of the kubernetes_sd_configs meta labels used below.
const (
	metaNamespace     = "__meta_kubernetes_namespace"
	metaPodName       = "__meta_kubernetes_pod_name"
	metaPodPhase      = "__meta_kubernetes_pod_phase"
	metaContainerName = "__meta_kubernetes_pod_container_name"
	metaPortNumber    = "__meta_kubernetes_pod_container_port_number"
	metaPortName      = "__meta_kubernetes_pod_container_port_name"
	metaNodeName      = "__meta_kubernetes_node_name"
	appNameLabel      = charts.LabelName
)

// podLabelMeta is the meta label holding the value of a pod label.
func podLabelMeta(label string) string {
	r := strings.NewReplacer(".", "_", "/", "_", "-", "_")
	return "__meta_kubernetes_pod_label_" + r.Replace(label)
}

// PrometheusConfig is the in-cluster prometheus.yml of env.
func prometheusConfig(env platform.Environment) *promConfig {
	mon := env.Names.MonitoringNamespace
	cfg := &promConfig{
		Global: promGlobal{
			ScrapeInterval:     "30s",
			ScrapeTimeout:      "10s",
			EvaluationInterval: "30s",
			ExternalLabels:     map[string]string{"cluster": env.Cluster.Name, "environment": env.Name},
		},
		RuleFiles: []string{prometheusRulesDir + "/*.yml"},
		Alerting: &promAlerting{Alertmanagers: []alertmanagerTarget{{
			APIVersion: "v2",
			Timeout:    "10s",
			// Every AlertManager replica gets every alert (they deduplicate
			// among themselves), so discover the pods, not the Service.
			KubernetesSDConfigs: []kubernetesSD{podSD(mon, alertmanager)},
			RelabelConfigs:      keepPod(alertmanager, "http"),
		}}},
	}
	cfg.ScrapeConfigs = []*scrapeConfig{
		backendJob(env),
		frontendJob(env),
		kubeletJob(jobKubelet, "/metrics", kubeletKeep),
		kubeletJob(jobCadvisor, "/metrics/cadvisor", cadvisorKeep),
		monitoringPodJob(mon, jobKubeStateMetrics, kubeStateMetrics, metricsPortName),
		monitoringPodJob(mon, jobPostgres, postgresExporter, metricsPortName),
		annotatedPodsJob(jobExternalDNS, env.Names.ExternalDNSNamespace),
	}
	if env.Database.ReadReplica {
		cfg.ScrapeConfigs = append(cfg.ScrapeConfigs, monitoringPodJob(mon, jobPostgresReplica, postgresReplicaExporter, metricsPortName))
	}
	cfg.ScrapeConfigs = append(cfg.ScrapeConfigs,
		&scrapeConfig{JobName: jobPrometheus, StaticConfigs: []staticConfig{{Targets: []string{"localhost:" + strconv.Itoa(prometheusPort)}}}},
		monitoringPodJob(mon, jobAlertmanager, alertmanager, "http"),
		monitoringPodJob(mon, jobGrafana, grafana, "http"),
	)
	return cfg
}

// withOverrides returns a copy of cfg for a test outside a cluster.
func (cfg *promConfig) withOverrides(o scrapeOverrides) *promConfig {
	out := &promConfig{Global: cfg.Global, RuleFiles: o.RuleFiles}
	if len(o.Alertmanagers) > 0 {
		out.Alerting = &promAlerting{Alertmanagers: []alertmanagerTarget{{
			APIVersion: "v2", StaticConfigs: []staticConfig{{Targets: o.Alertmanagers}},
		}}}
	}
	if o.ScrapeInterval != "" {
		out.Global.ScrapeInterval = o.ScrapeInterval
		out.Global.EvaluationInterval = o.ScrapeInterval
		out.Global.ScrapeTimeout = o.ScrapeInterval
	}
	for _, sc := range cfg.ScrapeConfigs {
		targets, ok := o.StaticTargets[sc.JobName]
		if !ok {
			continue
		}
		c := *sc
		c.KubernetesSDConfigs = nil
		c.RelabelConfigs = nil
		c.StaticConfigs = []staticConfig{{Targets: targets, Labels: o.TargetLabels}}
		out.ScrapeConfigs = append(out.ScrapeConfigs, &c)
	}
	return out
}

// withStaticDiscovery returns a copy of cfg in which every
// kubernetes_sd_configs block is replaced by a static target, everything
// else (relabelling, authorization, TLS, limits, alerting) kept. Debian
// builds Prometheus without Kubernetes service discovery, so this is the
// form in which Debian's promtool 2.42 can check the rest of the file.
func (cfg *promConfig) withStaticDiscovery() *promConfig {
	out := *cfg
	static := []staticConfig{{Targets: []string{"127.0.0.1:9"}}}
	if cfg.Alerting != nil {
		a := *cfg.Alerting
		a.Alertmanagers = nil
		for _, am := range cfg.Alerting.Alertmanagers {
			if len(am.KubernetesSDConfigs) > 0 {
				am.KubernetesSDConfigs, am.StaticConfigs = nil, static
			}
			a.Alertmanagers = append(a.Alertmanagers, am)
		}
		out.Alerting = &a
	}
	out.ScrapeConfigs = nil
	for _, sc := range cfg.ScrapeConfigs {
		c := *sc
		if len(c.KubernetesSDConfigs) > 0 {
			c.KubernetesSDConfigs, c.StaticConfigs = nil, static
		}
		out.ScrapeConfigs = append(out.ScrapeConfigs, &c)
	}
	return &out
}

func podSD(namespace, app string) kubernetesSD {
	return kubernetesSD{
		Role:       "pod",
		Namespaces: &sdNamespaces{Names: []string{namespace}},
		Selectors:  []sdSelector{{Role: "pod", Label: appNameLabel + "=" + app}},
	}
}

// keepPod keeps the running pods labelled app.kubernetes.io/name=app and,
// of their container ports, only the one named port.
func keepPod(app, port string) []relabelConfig {
	return []relabelConfig{
		{SourceLabels: []string{podLabelMeta(appNameLabel)}, Regex: app, Action: "keep"},
		{SourceLabels: []string{metaPortName}, Regex: port, Action: "keep"},
		{SourceLabels: []string{metaPodPhase}, Regex: "Pending|Succeeded|Failed|Completed", Action: "drop"},
	}
}

// podTargetLabels copies the pod's namespace, name and container onto every
// series of the target.
var podTargetLabels = []relabelConfig{
	{SourceLabels: []string{metaNamespace}, TargetLabel: "namespace"},
	{SourceLabels: []string{metaPodName}, TargetLabel: "pod"},
	{SourceLabels: []string{metaContainerName}, TargetLabel: "container"},
}

// backendJob scrapes the storefront API pods on the server's own port and
// metrics path (both from contract).
func backendJob(env platform.Environment) *scrapeConfig {
	relabel := []relabelConfig{
		{SourceLabels: []string{podLabelMeta(appNameLabel)}, Regex: env.Names.Backend, Action: "keep"},
		{SourceLabels: []string{metaPortNumber}, Regex: strconv.Itoa(contract.Port), Action: "keep"},
		{SourceLabels: []string{metaPodPhase}, Regex: "Pending|Succeeded|Failed|Completed", Action: "drop"},
	}
	return &scrapeConfig{
		JobName:     jobBackend,
		MetricsPath: contract.PathMetrics,
		// A backstop against a label explosion: the server bounds its route
		// label to route templates; measured ~ a few hundred series per pod.
		SampleLimit:         backendSampleLimit,
		KubernetesSDConfigs: []kubernetesSD{podSD(env.Names.Namespace, env.Names.Backend)},
		RelabelConfigs:      append(relabel, podTargetLabels...),
	}
}

// BackendSampleLimit fails a backend scrape (up==0, TargetDown fires) rather
// than ingest an unbounded number of series from one pod.
const backendSampleLimit = 5000

// frontendJob scrapes the nginx-prometheus-exporter sidecar of the frontend
// pods: the pod port the charts name charts.NginxExporterPortName, on the
// path they configure, so the job and the sidecar agree by construction.
func frontendJob(env platform.Environment) *scrapeConfig {
	return &scrapeConfig{
		JobName:             jobFrontend,
		MetricsPath:         charts.NginxExporterMetricsPath,
		SampleLimit:         1000,
		KubernetesSDConfigs: []kubernetesSD{podSD(env.Names.Namespace, env.Names.Frontend)},
		RelabelConfigs:      append(keepPod(env.Names.Frontend, charts.NginxExporterPortName), podTargetLabels...),
	}
}

// Metric names kept from the kubelet and cAdvisor endpoints: what the rules
// and dashboards read, nothing more (cAdvisor alone exports thousands of
// series per node).
var (
	kubeletKeep  = []string{metricKubeletVolumeAvailable, metricKubeletVolumeCapacity, metricKubeletVolumeUsed, metricKubeletRunningPods}
	cadvisorKeep = []string{metricContainerCPU, metricContainerMemoryWorkingSet, metricContainerCPUThrottled, metricContainerCPUPeriods}
)

// kubeletJob scrapes every node's kubelet directly on KubeletPort over
// HTTPS with the ServiceAccount token, which the kubelet authorizes as get
// on nodes/metrics (/metrics and /metrics/cadvisor are both under
// /metrics/*; "Kubelet authentication/authorization",
// https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization).
// Discovery role node gives one target per node at its InternalIP
// (Prometheus configuration, <kubernetes_sd_config> role node,
// https://prometheus.io/docs/prometheus/latest/configuration/configuration/#node);
// the port is pinned to KubeletPort, the one port Prometheus' egress
// policy opens towards the nodes.
//
// TLS is verified, with the cluster CA of the ServiceAccount (ca.crt),
// never insecure_skip_verify:
//   - EKS issues each kubelet's serving certificate through a
//     kubernetes.io/kubelet-serving CertificateSigningRequest and, since
//     Kubernetes 1.24, does not issue it if an IP or DNS SAN cannot be
//     verified (Amazon EKS User Guide, "Certificate signing considerations
//     before upgrading your cluster to Kubernetes 1.24",
//     https://docs.aws.amazon.com/eks/latest/userguide/security-k8s.html#csr-considerations,
//     source awsdocs/amazon-eks-user-guide latest/ug/security/security-k8s.adoc);
//   - the EKS guide installs the upstream metrics-server manifest as is
//     ("View resource usage with the Kubernetes Metrics Server",
//     https://docs.aws.amazon.com/eks/latest/userguide/metrics-server.html),
//     and metrics-server without --kubelet-insecure-tls verifies the
//     kubelets' certificates at their InternalIP against its in-cluster CA,
//     the same ca.crt (kubernetes-sigs/metrics-server,
//     cmd/metrics-server/app/options/kubelet_client.go);
//   - Prometheus' own example does the same and only suggests
//     insecure_skip_verify for self-signed node certificates
//     (documentation/examples/prometheus-kubernetes.yml).
//
// Not verifiable without a cluster: should a node ever present a
// certificate that ca.crt does not verify, its kubelet and cadvisor
// targets go down and TargetDown fires; the scrape never degrades to an
// unverified connection.
func kubeletJob(job, path string, keep []string) *scrapeConfig {
	return &scrapeConfig{
		JobName:             job,
		Scheme:              "https",
		MetricsPath:         path,
		Authorization:       &authorization{CredentialsFile: serviceAccountDir + "/token"},
		TLSConfig:           &tlsConfig{CAFile: serviceAccountDir + "/ca.crt"},
		KubernetesSDConfigs: []kubernetesSD{{Role: "node"}},
		RelabelConfigs: []relabelConfig{
			{SourceLabels: []string{"__address__"}, Regex: `([^:]+)(?::\d+)?`, Replacement: "${1}:" + strconv.Itoa(kubeletPort), TargetLabel: "__address__"},
			{SourceLabels: []string{metaNodeName}, TargetLabel: "node"},
			{SourceLabels: []string{metaNodeName}, TargetLabel: "instance"},
		},
		MetricRelabelConfigs: []relabelConfig{
			{SourceLabels: []string{"__name__"}, Regex: strings.Join(keep, "|"), Action: "keep"},
		},
	}
}

// annotatedPodsJob scrapes the pods of namespace that ask for it with the
// prometheus.io/scrape, /port and /path annotations (ExternalDNS, whose
// chart sets them).
func annotatedPodsJob(job, namespace string) *scrapeConfig {
	ann := func(name string) string { return "__meta_kubernetes_pod_annotation_prometheus_io_" + name }
	return &scrapeConfig{
		JobName:             job,
		SampleLimit:         2000,
		KubernetesSDConfigs: []kubernetesSD{{Role: "pod", Namespaces: &sdNamespaces{Names: []string{namespace}}}},
		RelabelConfigs: append([]relabelConfig{
			{SourceLabels: []string{ann("scrape")}, Regex: "true", Action: "keep"},
			{SourceLabels: []string{metaPodPhase}, Regex: "Pending|Succeeded|Failed|Completed", Action: "drop"},
			// The annotated port, whatever ports the containers declare
			// (the per-port targets then coincide and are deduplicated).
			{SourceLabels: []string{"__address__", ann("port")}, Regex: `([^:]+)(?::\d+)?;(\d+)`, Replacement: "${1}:${2}", TargetLabel: "__address__"},
			{SourceLabels: []string{ann("path")}, Regex: "(.+)", TargetLabel: "__metrics_path__"},
		}, podTargetLabels...),
	}
}

// monitoringPodJob scrapes an exporter in namespace monitoring. It sets no
// namespace/pod target labels: kube-state-metrics and the other exporters
// export series about other objects that carry those labels themselves.
func monitoringPodJob(namespace, job, app, port string) *scrapeConfig {
	return &scrapeConfig{
		JobName:             job,
		KubernetesSDConfigs: []kubernetesSD{podSD(namespace, app)},
		RelabelConfigs:      keepPod(app, port),
	}
}
