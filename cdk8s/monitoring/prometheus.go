package monitoring

import (
	"fmt"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/shopstack/shopstack/platform"
)

// StorageClassName is the EBS StorageClass of Prometheus' volume.
const storageClassName = "monitoring-gp3"

// EBSProvisioner is the CSI driver of EKS Auto Mode's block storage.
const ebsProvisioner = "ebs.csi.eks.amazonaws.com"

// addStorageClass defines an encrypted gp3 class for EKS Auto Mode. The
// volume is created in the zone the pod is scheduled to
// (WaitForFirstConsumer) and kept when the claim is deleted (Retain): losing
// the TSDB by deleting a StatefulSet should take two steps.
func addStorageClass(scope constructs.Construct, env platform.Environment) {
	addObject(scope, "storage-class", &storagev1.StorageClass{
		TypeMeta:             metav1.TypeMeta{APIVersion: "storage.k8s.io/v1", Kind: "StorageClass"},
		ObjectMeta:           metav1.ObjectMeta{Name: storageClassName, Labels: labels(Prometheus)},
		Provisioner:          ebsProvisioner,
		Parameters:           map[string]string{"type": "gp3", "encrypted": "true"},
		ReclaimPolicy:        ptr(corev1.PersistentVolumeReclaimRetain),
		VolumeBindingMode:    ptr(storagev1.VolumeBindingWaitForFirstConsumer),
		AllowVolumeExpansion: ptr(true),
	})
}

// prometheusHeadlessService governs the Prometheus StatefulSet.
const prometheusHeadlessService = "prometheus-headless"

// prometheusUID is the "nobody" user the Prometheus image runs as.
const prometheusUID = 65534

// PrometheusRetentionSize caps the TSDB at 85% of its volume, so that the
// time-based retention can never fill the disk.
func prometheusRetentionSize(env platform.Environment) string {
	return fmt.Sprintf("%dMB", env.Monitoring.StorageGiB*1024*85/100)
}

func addPrometheus(scope constructs.Construct, env platform.Environment, files *files) {
	ns := env.Names.MonitoringNamespace
	addObject(scope, "prometheus-service-account", &corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: meta(ns, Prometheus, Prometheus),
	})
	// Read-only discovery and scraping. The kubelets are scraped directly
	// on their port (kubeletJob), which the kubelet authorizes as get on
	// nodes/metrics for /metrics and /metrics/* ("Kubelet
	// authentication/authorization",
	// https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization).
	// Never nodes/proxy: it reaches every other kubelet API, including
	// exec and attach over WebSocket, which a GET (verb get) opens
	// (same page, #get-nodes-proxy-warning).
	addObject(scope, "prometheus-cluster-role", &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta: metav1.ObjectMeta{Name: ns + "-" + Prometheus, Labels: labels(Prometheus)},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"nodes", "nodes/metrics", "services", "endpoints", "pods"}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: []string{"get", "list", "watch"}},
			{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}},
		},
	})
	addObject(scope, "prometheus-cluster-role-binding", &rbacv1.ClusterRoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: ns + "-" + Prometheus, Labels: labels(Prometheus)},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: ns + "-" + Prometheus},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: Prometheus, Namespace: ns}},
	})
	addObject(scope, "prometheus-config", &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta(ns, "prometheus-config", Prometheus),
		Data:       map[string]string{prometheusConfigFile: string(files.Prometheus)},
	})
	addObject(scope, "prometheus-rules", &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta(ns, "prometheus-rules", Prometheus),
		Data:       map[string]string{rulesFile: string(files.Rules)},
	})
	addObject(scope, "prometheus-service", &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta(ns, Prometheus, Prometheus),
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{appNameLabel: Prometheus},
			Ports:    []corev1.ServicePort{{Name: "http", Port: prometheusPort, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}},
		},
	})
	// The headless Service that governs the StatefulSet: it gives the pod
	// its stable DNS name (prometheus-0.prometheus-headless.<ns>.svc).
	// "StatefulSets currently require a Headless Service to be responsible
	// for the network identity of the Pods. You are responsible for
	// creating this Service." (StatefulSets, Limitations,
	// https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations).
	// The ClusterIP Service above stays what Grafana queries.
	addObject(scope, "prometheus-headless-service", &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta(ns, prometheusHeadlessService, Prometheus),
		Spec: corev1.ServiceSpec{
			ClusterIP: corev1.ClusterIPNone,
			Selector:  map[string]string{appNameLabel: Prometheus},
			Ports:     []corev1.ServicePort{{Name: "http", Port: prometheusPort, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}},
		},
	})
	storage := resource.MustParse(strconv.Itoa(env.Monitoring.StorageGiB) + "Gi")
	addObject(scope, "prometheus-statefulset", &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: meta(ns, Prometheus, Prometheus),
		Spec: appsv1.StatefulSetSpec{
			// One replica: a second would double the storage and give
			// Grafana two diverging histories behind one Service.
			Replicas: ptr(int32(1)),
			// Immutable once created (apps validation): an existing
			// StatefulSet named the ClusterIP Service; see docs/monitoring.md
			// for the one-time replacement.
			ServiceName:         prometheusHeadlessService,
			PodManagementPolicy: appsv1.ParallelPodManagement,
			Selector:            selector(Prometheus),
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
				WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      labels(Prometheus),
					Annotations: map[string]string{"checksum/config": checksum(files.Prometheus, files.Rules)},
				},
				Spec: corev1.PodSpec{
					ServiceAccountName:            Prometheus,
					SecurityContext:               podSecurity(prometheusUID),
					TerminationGracePeriodSeconds: ptr(int64(300)),
					Containers: []corev1.Container{{
						Name:  Prometheus,
						Image: env.MirroredImage(prometheusImage),
						Args: []string{
							"--config.file=" + prometheusConfigDir + "/" + prometheusConfigFile,
							"--storage.tsdb.path=" + prometheusDataDir,
							fmt.Sprintf("--storage.tsdb.retention.time=%dd", env.Monitoring.RetentionDays),
							"--storage.tsdb.retention.size=" + prometheusRetentionSize(env),
							fmt.Sprintf("--web.listen-address=:%d", prometheusPort),
							"--web.enable-lifecycle",
						},
						Ports:           []corev1.ContainerPort{port("http", prometheusPort)},
						Resources:       res(250, 1024, 1000, 2048),
						SecurityContext: containerSecurity(),
						// WAL replay after a restart can take minutes.
						StartupProbe:   httpProbe("/-/ready", "http", 0, 10, 60),
						ReadinessProbe: httpProbe("/-/ready", "http", 0, 10, 3),
						LivenessProbe:  httpProbe("/-/healthy", "http", 0, 15, 4),
						VolumeMounts: []corev1.VolumeMount{
							mount("config", prometheusConfigDir),
							mount("rules", prometheusRulesDir),
							writableMount("data", prometheusDataDir),
						},
					}},
					Volumes: []corev1.Volume{
						configMapVolume("config", "prometheus-config"),
						configMapVolume("rules", "prometheus-rules"),
					},
				},
			},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
				TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
				ObjectMeta: metav1.ObjectMeta{Name: "data", Labels: labels(Prometheus)},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					StorageClassName: ptr(storageClassName),
					Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: storage}},
				},
			}},
		},
	})
	// A single replica: the budget documents that its eviction is allowed
	// (a minAvailable of 1 would block every node drain forever).
	addPDB(scope, ns, Prometheus, nil, ptr(intstr.FromInt32(1)))
}

func addPDB(scope constructs.Construct, ns, app string, minAvailable, maxUnavailable *intstr.IntOrString) {
	addObject(scope, app+"-pdb", &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: meta(ns, app, app),
		Spec: policyv1.PodDisruptionBudgetSpec{
			Selector:       selector(app),
			MinAvailable:   minAvailable,
			MaxUnavailable: maxUnavailable,
		},
	})
}
