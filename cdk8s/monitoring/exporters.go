package monitoring

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/cdk8s/charts"
)

const exporterUID = 65534

// kubeStateMetricsResources are the only object kinds kube-state-metrics
// watches: what the rules and dashboards read. Its ClusterRole grants
// exactly these.
var kubeStateMetricsResources = []struct{ group, resource string }{
	{"", "nodes"},
	{"", "pods"},
	{"", "persistentvolumeclaims"},
	{"apps", "deployments"},
	{"apps", "statefulsets"},
	{"autoscaling", "horizontalpodautoscalers"},
}

// KubeStateMetricsProps configures NewKubeStateMetrics.
type KubeStateMetricsProps struct {
	// Namespace of the namespaced objects. Required.
	Namespace string
	// Image is the kube-state-metrics image reference. Required.
	Image string
}

// KubeStateMetrics is one kube-state-metrics (two would export every
// series twice) watching kubeStateMetricsResources only.
type KubeStateMetrics struct {
	constructs.Construct
	Deployment k8s.KubeDeployment
}

// NewKubeStateMetrics adds kube-state-metrics to scope.
func NewKubeStateMetrics(scope constructs.Construct, id string, props *KubeStateMetricsProps) *KubeStateMetrics {
	c := newComponent(scope, id, props)
	p := *props
	check(c, "KubeStateMetricsProps", concat(required("Namespace", p.Namespace), required("Image", p.Image)))
	newServiceAccount(c, p.Namespace, kubeStateMetrics, nil)
	var rules []*k8s.PolicyRule
	var names []string
	for _, r := range kubeStateMetricsResources {
		rules = append(rules, &k8s.PolicyRule{ApiGroups: strs(r.group), Resources: strs(r.resource), Verbs: strs("list", "watch")})
		names = append(names, r.resource)
	}
	newClusterRole(c, p.Namespace, kubeStateMetrics, rules)
	container := &k8s.Container{
		Name:  str(kubeStateMetrics),
		Image: str(p.Image),
		Args: strs(
			fmt.Sprintf("--port=%d", kubeStateMetricsPort),
			fmt.Sprintf("--telemetry-port=%d", kubeStateMetricsTelPort),
			"--resources="+strings.Join(names, ","),
		),
		Ports: &[]*k8s.ContainerPort{
			port(metricsPortName, kubeStateMetricsPort),
			port("telemetry", kubeStateMetricsTelPort),
		},
		Resources:       charts.Resources{CPURequestMilli: 50, MemoryRequestMiB: 64, CPULimitMilli: 200, MemoryLimitMiB: 256}.Requirements(),
		SecurityContext: containerSecurity(),
		LivenessProbe:   httpProbe("/livez", metricsPortName, 5, 15, 4),
		ReadinessProbe:  httpProbe("/readyz", "telemetry", 5, 10, 3),
	}
	ksm := &KubeStateMetrics{Construct: c}
	ksm.Deployment = newExporterDeployment(c, p.Namespace, kubeStateMetrics, nil, container)
	newPDB(c, p.Namespace, kubeStateMetrics, 0, 1)
	return ksm
}

// PostgresExporterProps configures NewPostgresExporter.
type PostgresExporterProps struct {
	// Namespace of every object. Required.
	Namespace string
	// Name of the Deployment, ServiceAccount and PDB, and the
	// app.kubernetes.io/name of its pods (which the scrape job and the
	// network policies select). Required.
	Name string
	// Image is the postgres_exporter image reference. Required.
	Image string
	// Secret holds the connection settings (keys DATA_SOURCE_URI,
	// DATA_SOURCE_USER, DATA_SOURCE_PASS; created outside git from the
	// Secrets Manager secret, see docs/monitoring.md). Required.
	Secret string
}

// PostgresExporter is postgres_exporter against one database.
type PostgresExporter struct {
	constructs.Construct
	Deployment k8s.KubeDeployment
}

// NewPostgresExporter adds a postgres_exporter to scope.
func NewPostgresExporter(scope constructs.Construct, id string, props *PostgresExporterProps) *PostgresExporter {
	c := newComponent(scope, id, props)
	p := *props
	check(c, "PostgresExporterProps", concat(
		required("Namespace", p.Namespace), required("Name", p.Name), required("Image", p.Image), required("Secret", p.Secret),
	))
	newServiceAccount(c, p.Namespace, p.Name, jsii.Bool(false))
	container := &k8s.Container{
		Name:            str(postgresExporter),
		Image:           str(p.Image),
		Args:            strs(fmt.Sprintf("--web.listen-address=:%d", postgresExporterPort)),
		EnvFrom:         &[]*k8s.EnvFromSource{{SecretRef: &k8s.SecretEnvSource{Name: str(p.Secret)}}},
		Ports:           &[]*k8s.ContainerPort{port(metricsPortName, postgresExporterPort)},
		Resources:       charts.Resources{CPURequestMilli: 25, MemoryRequestMiB: 32, CPULimitMilli: 100, MemoryLimitMiB: 128}.Requirements(),
		SecurityContext: containerSecurity(),
		// "/" is the exporter's landing page: alive even when the
		// database is not (pg_up says that).
		LivenessProbe:  httpProbe("/", metricsPortName, 5, 15, 4),
		ReadinessProbe: httpProbe("/", metricsPortName, 5, 10, 3),
	}
	pe := &PostgresExporter{Construct: c}
	pe.Deployment = newExporterDeployment(c, p.Namespace, p.Name, jsii.Bool(false), container)
	newPDB(c, p.Namespace, p.Name, 0, 1)
	return pe
}

// newExporterDeployment runs one replica of an exporter's container as
// exporterUID, under the ServiceAccount named app.
func newExporterDeployment(scope constructs.Construct, namespace, app string, automountToken *bool, container *k8s.Container) k8s.KubeDeployment {
	return k8s.NewKubeDeployment(scope, str("deployment"), &k8s.KubeDeploymentProps{
		Metadata: meta(namespace, app, app),
		Spec: &k8s.DeploymentSpec{
			Replicas: num(1),
			Selector: selector(app),
			// The API server's default (RollingUpdate), written as before.
			Strategy: &k8s.DeploymentStrategy{},
			Template: &k8s.PodTemplateSpec{
				Metadata: &k8s.ObjectMeta{Labels: charts.StringMap(labels(app))},
				Spec: &k8s.PodSpec{
					ServiceAccountName:           str(app),
					AutomountServiceAccountToken: automountToken,
					SecurityContext:              podSecurity(exporterUID),
					Containers:                   &[]*k8s.Container{container},
				},
			},
		},
	})
}
