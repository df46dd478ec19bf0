package monitoring

import (
	"fmt"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/cdk8s/charts"
)

// StorageClassName is the EBS StorageClass of Prometheus' volume.
const storageClassName = "monitoring-gp3"

// EBSProvisioner is the CSI driver of EKS Auto Mode's block storage.
const ebsProvisioner = "ebs.csi.eks.amazonaws.com"

// prometheusHeadlessService governs the Prometheus StatefulSet.
const prometheusHeadlessService = "prometheus-headless"

// prometheusUID is the "nobody" user the Prometheus image runs as.
const prometheusUID = 65534

// PrometheusProps configures NewPrometheus.
type PrometheusProps struct {
	// Namespace of the namespaced objects. Required.
	Namespace string
	// Image is the Prometheus image reference. Required.
	Image string
	// Config is prometheus.yml and Rules the alert rule file, as rendered
	// by generate. Required.
	Config, Rules []byte
	// StorageGiB is the size of the TSDB volume. Required.
	StorageGiB int
	// RetentionDays is the TSDB's time-based retention. Required.
	RetentionDays int
}

// Prometheus is one Prometheus server: a StatefulSet with its own EBS
// volume, its RBAC for discovery and scraping, its configuration and the
// Services in front of it.
type Prometheus struct {
	constructs.Construct
	// StatefulSet runs the server; Service is what Grafana queries.
	StatefulSet k8s.KubeStatefulSet
	Service     k8s.KubeService
}

// NewPrometheus adds a Prometheus server to scope.
func NewPrometheus(scope constructs.Construct, id string, props *PrometheusProps) *Prometheus {
	c := newComponent(scope, id, props)
	p := *props
	check(c, "PrometheusProps", concat(
		required("Namespace", p.Namespace), required("Image", p.Image),
		nonEmpty("Config", p.Config), nonEmpty("Rules", p.Rules),
		positive("StorageGiB", p.StorageGiB), positive("RetentionDays", p.RetentionDays),
	))
	newPrometheusStorageClass(c)
	newServiceAccount(c, p.Namespace, prometheusName, nil)
	newPrometheusRBAC(c, p.Namespace)
	newConfigMap(c, "config", p.Namespace, "prometheus-config", prometheusName, prometheusConfigFile, p.Config)
	newConfigMap(c, "rules", p.Namespace, "prometheus-rules", prometheusName, rulesFile, p.Rules)
	prom := &Prometheus{Construct: c}
	prom.Service = newHTTPService(c, p.Namespace, prometheusName, prometheusPort)
	// The headless Service that governs the StatefulSet: it gives the pod
	// its stable DNS name (prometheus-0.prometheus-headless.<ns>.svc).
	// "StatefulSets currently require a Headless Service to be responsible
	// for the network identity of the Pods. You are responsible for
	// creating this Service." (StatefulSets, Limitations,
	// https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations).
	// The ClusterIP Service above stays what Grafana queries.
	k8s.NewKubeService(c, str("headless-service"), &k8s.KubeServiceProps{
		Metadata: meta(p.Namespace, prometheusHeadlessService, prometheusName),
		Spec: &k8s.ServiceSpec{
			ClusterIp: str("None"),
			Selector:  charts.StringMap(map[string]string{appNameLabel: prometheusName}),
			Ports:     &[]*k8s.ServicePort{{Name: str("http"), Port: num(prometheusPort), TargetPort: intOrStr("http"), Protocol: str("TCP")}},
		},
	})
	prom.StatefulSet = newPrometheusStatefulSet(c, &p)
	// A single replica: the budget documents that its eviction is allowed
	// (a minAvailable of 1 would block every node drain forever).
	newPDB(c, p.Namespace, prometheusName, 0, 1)
	return prom
}

// newPrometheusStorageClass defines an encrypted gp3 class for EKS Auto
// Mode. The volume is created in the zone the pod is scheduled to
// (WaitForFirstConsumer) and kept when the claim is deleted (Retain): losing
// the TSDB by deleting a StatefulSet should take two steps.
func newPrometheusStorageClass(scope constructs.Construct) {
	k8s.NewKubeStorageClass(scope, str("storage-class"), &k8s.KubeStorageClassProps{
		Metadata:             meta("", storageClassName, prometheusName),
		Provisioner:          str(ebsProvisioner),
		Parameters:           charts.StringMap(map[string]string{"type": "gp3", "encrypted": "true"}),
		ReclaimPolicy:        str("Retain"),
		VolumeBindingMode:    str("WaitForFirstConsumer"),
		AllowVolumeExpansion: jsii.Bool(true),
	})
}

// newPrometheusRBAC grants read-only discovery and scraping. The kubelets
// are scraped directly on their port (kubeletJob), which the kubelet
// authorizes as get on nodes/metrics for /metrics and /metrics/*
// ("Kubelet authentication/authorization",
// https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization).
// Never nodes/proxy: it reaches every other kubelet API, including exec
// and attach over WebSocket, which a GET (verb get) opens (same page,
// #get-nodes-proxy-warning).
func newPrometheusRBAC(scope constructs.Construct, namespace string) {
	read := strs("get", "list", "watch")
	newClusterRole(scope, namespace, prometheusName, []*k8s.PolicyRule{
		{ApiGroups: strs(""), Resources: strs("nodes", "nodes/metrics", "services", "endpoints", "pods"), Verbs: read},
		{ApiGroups: strs("discovery.k8s.io"), Resources: strs("endpointslices"), Verbs: read},
		{ApiGroups: strs("networking.k8s.io"), Resources: strs("ingresses"), Verbs: read},
		{NonResourceUrLs: strs("/metrics"), Verbs: strs("get")},
	})
}

// prometheusRetentionSize caps the TSDB at 85% of its volume, so that the
// time-based retention can never fill the disk.
func prometheusRetentionSize(storageGiB int) string {
	return fmt.Sprintf("%dMB", storageGiB*1024*85/100)
}

func newPrometheusStatefulSet(scope constructs.Construct, p *PrometheusProps) k8s.KubeStatefulSet {
	container := &k8s.Container{
		Name:  str(prometheusName),
		Image: str(p.Image),
		Args: strs(
			"--config.file="+prometheusConfigDir+"/"+prometheusConfigFile,
			"--storage.tsdb.path="+prometheusDataDir,
			fmt.Sprintf("--storage.tsdb.retention.time=%dd", p.RetentionDays),
			"--storage.tsdb.retention.size="+prometheusRetentionSize(p.StorageGiB),
			fmt.Sprintf("--web.listen-address=:%d", prometheusPort),
			"--web.enable-lifecycle",
		),
		Ports:           &[]*k8s.ContainerPort{port("http", prometheusPort)},
		Resources:       charts.Resources{CPURequestMilli: 250, MemoryRequestMiB: 1024, CPULimitMilli: 1000, MemoryLimitMiB: 2048}.Requirements(),
		SecurityContext: containerSecurity(),
		// WAL replay after a restart can take minutes.
		StartupProbe:   httpProbe("/-/ready", "http", 0, 10, 60),
		ReadinessProbe: httpProbe("/-/ready", "http", 0, 10, 3),
		LivenessProbe:  httpProbe("/-/healthy", "http", 0, 15, 4),
		VolumeMounts: &[]*k8s.VolumeMount{
			mount("config", prometheusConfigDir),
			mount("rules", prometheusRulesDir),
			writableMount("data", prometheusDataDir),
		},
	}
	sts := &statefulSetWithTypedClaims{}
	k8s.NewKubeStatefulSet_Override(sts, scope, str("statefulset"), &k8s.KubeStatefulSetProps{
		Metadata: meta(p.Namespace, prometheusName, prometheusName),
		Spec: &k8s.StatefulSetSpec{
			// One replica: a second would double the storage and give
			// Grafana two diverging histories behind one Service.
			Replicas: num(1),
			// Immutable once created (apps validation): an existing
			// StatefulSet named the ClusterIP Service; see docs/monitoring.md
			// for the one-time replacement.
			ServiceName:         str(prometheusHeadlessService),
			PodManagementPolicy: str("Parallel"),
			Selector:            selector(prometheusName),
			PersistentVolumeClaimRetentionPolicy: &k8s.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: str("Retain"), WhenScaled: str("Retain"),
			},
			// The API server's default (RollingUpdate), written as before.
			UpdateStrategy: &k8s.StatefulSetUpdateStrategy{},
			Template: &k8s.PodTemplateSpec{
				Metadata: &k8s.ObjectMeta{
					Labels:      charts.StringMap(labels(prometheusName)),
					Annotations: charts.StringMap(map[string]string{"checksum/config": checksum(p.Config, p.Rules)}),
				},
				Spec: &k8s.PodSpec{
					ServiceAccountName:            str(prometheusName),
					SecurityContext:               podSecurity(prometheusUID),
					TerminationGracePeriodSeconds: num(300),
					Containers:                    &[]*k8s.Container{container},
					Volumes: &[]*k8s.Volume{
						configMapVolume("config", "prometheus-config"),
						configMapVolume("rules", "prometheus-rules"),
					},
				},
			},
			VolumeClaimTemplates: &[]*k8s.KubePersistentVolumeClaimProps{{
				Metadata: &k8s.ObjectMeta{Name: str("data"), Labels: charts.StringMap(labels(prometheusName))},
				Spec: &k8s.PersistentVolumeClaimSpec{
					AccessModes:      strs("ReadWriteOnce"),
					StorageClassName: str(storageClassName),
					Resources: &k8s.VolumeResourceRequirements{Requests: &map[string]k8s.Quantity{
						"storage": k8s.Quantity_FromString(str(strconv.Itoa(p.StorageGiB) + "Gi")),
					}},
				},
			}},
		},
	})
	return sts
}

// statefulSetWithTypedClaims is a KubeStatefulSet whose volumeClaimTemplates
// carry apiVersion and kind, which the typed k8s.KubePersistentVolumeClaimProps
// cannot hold (its rendering keeps metadata and spec only, and drops a JSON
// patch's other fields). The manifest has carried them since the StatefulSet
// was first applied, and volumeClaimTemplates are immutable: the diff
// (go tool task diff) would call their removal a replacement. It overrides
// toJson as a jsii subclass does; the embedded call is the generated one.
type statefulSetWithTypedClaims struct{ k8s.KubeStatefulSet }

func (s *statefulSetWithTypedClaims) ToJson() interface{} {
	obj := s.KubeStatefulSet.ToJson()
	spec, _ := obj.(map[string]interface{})["spec"].(map[string]interface{})
	claims, _ := spec["volumeClaimTemplates"].([]interface{})
	for _, c := range claims {
		if claim, ok := c.(map[string]interface{}); ok {
			claim["apiVersion"] = "v1"
			claim["kind"] = "PersistentVolumeClaim"
		}
	}
	return obj
}
