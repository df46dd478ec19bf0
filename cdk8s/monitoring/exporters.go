package monitoring

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/shopstack/shopstack/platform"
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

func addKubeStateMetrics(scope constructs.Construct, env platform.Environment) {
	ns := env.Names.MonitoringNamespace
	addObject(scope, "kube-state-metrics-service-account", &corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: v1Meta(ns, kubeStateMetrics, kubeStateMetrics),
	})
	var rules []rbacv1.PolicyRule
	var names []string
	for _, r := range kubeStateMetricsResources {
		rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{r.group}, Resources: []string{r.resource}, Verbs: []string{"list", "watch"}})
		names = append(names, r.resource)
	}
	addObject(scope, "kube-state-metrics-cluster-role", &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta: metav1.ObjectMeta{Name: ns + "-" + kubeStateMetrics, Labels: labels(kubeStateMetrics)},
		Rules:      rules,
	})
	addObject(scope, "kube-state-metrics-cluster-role-binding", &rbacv1.ClusterRoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: ns + "-" + kubeStateMetrics, Labels: labels(kubeStateMetrics)},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: ns + "-" + kubeStateMetrics},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: kubeStateMetrics, Namespace: ns}},
	})
	addObject(scope, "kube-state-metrics-deployment", &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: v1Meta(ns, kubeStateMetrics, kubeStateMetrics),
		Spec: appsv1.DeploymentSpec{
			// One replica: two would export every series twice.
			Replicas: ptr(int32(1)),
			Selector: v1Selector(kubeStateMetrics),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels(kubeStateMetrics)},
				Spec: corev1.PodSpec{
					ServiceAccountName: kubeStateMetrics,
					SecurityContext:    v1PodSecurity(exporterUID),
					Containers: []corev1.Container{{
						Name:  kubeStateMetrics,
						Image: env.MirroredImage(kubeStateMetricsImage),
						Args: []string{
							fmt.Sprintf("--port=%d", kubeStateMetricsPort),
							fmt.Sprintf("--telemetry-port=%d", kubeStateMetricsTelPort),
							"--resources=" + strings.Join(names, ","),
						},
						Ports: []corev1.ContainerPort{
							v1Port(metricsPortName, kubeStateMetricsPort),
							v1Port("telemetry", kubeStateMetricsTelPort),
						},
						Resources:       v1Res(50, 64, 200, 256),
						SecurityContext: v1ContainerSecurity(),
						LivenessProbe:   v1HttpProbe("/livez", metricsPortName, 5, 15, 4),
						ReadinessProbe:  v1HttpProbe("/readyz", "telemetry", 5, 10, 3),
					}},
				},
			},
		},
	})
	v1AddPDB(scope, ns, kubeStateMetrics, nil, ptr(intstr.FromInt32(1)))
}

// addPostgresExporter runs postgres_exporter against the database whose
// connection settings are in secret (keys DATA_SOURCE_URI,
// DATA_SOURCE_USER, DATA_SOURCE_PASS; created outside git from the Secrets
// Manager secret, see docs/monitoring.md).
func addPostgresExporter(scope constructs.Construct, env platform.Environment, app, secret string) {
	ns := env.Names.MonitoringNamespace
	addObject(scope, app+"-service-account", &corev1.ServiceAccount{
		TypeMeta:                     metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta:                   v1Meta(ns, app, app),
		AutomountServiceAccountToken: ptr(false),
	})
	addObject(scope, app+"-deployment", &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: v1Meta(ns, app, app),
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(1)),
			Selector: v1Selector(app),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels(app)},
				Spec: corev1.PodSpec{
					ServiceAccountName:           app,
					AutomountServiceAccountToken: ptr(false),
					SecurityContext:              v1PodSecurity(exporterUID),
					Containers: []corev1.Container{{
						Name:  postgresExporter,
						Image: env.MirroredImage(postgresExporterImage),
						Args:  []string{fmt.Sprintf("--web.listen-address=:%d", postgresExporterPort)},
						EnvFrom: []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{
							LocalObjectReference: corev1.LocalObjectReference{Name: secret},
						}}},
						Ports:           []corev1.ContainerPort{v1Port(metricsPortName, postgresExporterPort)},
						Resources:       v1Res(25, 32, 100, 128),
						SecurityContext: v1ContainerSecurity(),
						// "/" is the exporter's landing page: alive even
						// when the database is not (pg_up says that).
						LivenessProbe:  v1HttpProbe("/", metricsPortName, 5, 15, 4),
						ReadinessProbe: v1HttpProbe("/", metricsPortName, 5, 10, 3),
					}},
				},
			},
		},
	})
	v1AddPDB(scope, ns, app, nil, ptr(intstr.FromInt32(1)))
}
