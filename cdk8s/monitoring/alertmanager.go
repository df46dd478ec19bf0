package monitoring

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/shopstack/shopstack/platform"
)

// AlertmanagerReplicas form one gossip cluster: silences and notification
// state survive the loss of a pod, and each alert is sent once.
const alertmanagerReplicas = 2

// alertmanagerClusterService is the headless Service that gives the
// replicas stable DNS names for peering.
const alertmanagerClusterService = "alertmanager-cluster"

const alertmanagerUID = 65534

func addAlertmanager(scope constructs.Construct, env platform.Environment, files *files) {
	ns := env.Names.MonitoringNamespace
	addObject(scope, "alertmanager-service-account", &corev1.ServiceAccount{
		TypeMeta:                     metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta:                   v1Meta(ns, alertmanager, alertmanager),
		AutomountServiceAccountToken: ptr(false),
	})
	addObject(scope, "alertmanager-config", &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: v1Meta(ns, "alertmanager-config", alertmanager),
		Data:       map[string]string{alertmanagerConfigFile: string(files.Alertmanager)},
	})
	addObject(scope, "alertmanager-service", &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: v1Meta(ns, alertmanager, alertmanager),
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{appNameLabel: alertmanager},
			Ports:    []corev1.ServicePort{{Name: "http", Port: alertmanagerPort, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}},
		},
	})
	addObject(scope, "alertmanager-cluster-service", &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: v1Meta(ns, alertmanagerClusterService, alertmanager),
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			PublishNotReadyAddresses: true,
			Selector:                 map[string]string{appNameLabel: alertmanager},
			Ports: []corev1.ServicePort{
				{Name: "cluster-tcp", Port: alertmanagerClusterPort, TargetPort: intstr.FromString("cluster-tcp"), Protocol: corev1.ProtocolTCP},
				{Name: "cluster-udp", Port: alertmanagerClusterPort, TargetPort: intstr.FromString("cluster-udp"), Protocol: corev1.ProtocolUDP},
			},
		},
	})
	args := []string{
		"--config.file=" + alertmanagerConfigDir + "/" + alertmanagerConfigFile,
		"--storage.path=/alertmanager",
		fmt.Sprintf("--web.listen-address=:%d", alertmanagerPort),
		fmt.Sprintf("--cluster.listen-address=0.0.0.0:%d", alertmanagerClusterPort),
		fmt.Sprintf("--cluster.advertise-address=$(POD_IP):%d", alertmanagerClusterPort),
	}
	for i := 0; i < alertmanagerReplicas; i++ {
		args = append(args, fmt.Sprintf("--cluster.peer=%s-%d.%s.%s.svc:%d", alertmanager, i, alertmanagerClusterService, ns, alertmanagerClusterPort))
	}
	addObject(scope, "alertmanager-statefulset", &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: v1Meta(ns, alertmanager, alertmanager),
		Spec: appsv1.StatefulSetSpec{
			Replicas:            ptr(int32(alertmanagerReplicas)),
			ServiceName:         alertmanagerClusterService,
			PodManagementPolicy: appsv1.ParallelPodManagement,
			Selector:            v1Selector(alertmanager),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      labels(alertmanager),
					Annotations: map[string]string{"checksum/config": checksum(files.Alertmanager)},
				},
				Spec: corev1.PodSpec{
					ServiceAccountName:           alertmanager,
					AutomountServiceAccountToken: ptr(false),
					SecurityContext:              v1PodSecurity(alertmanagerUID),
					// Never two replicas on one node: losing that node would
					// lose both, and their silences and notification log.
					Affinity:                  v1HostAntiAffinity(alertmanager),
					TopologySpreadConstraints: v1ZoneSpread(alertmanager),
					Containers: []corev1.Container{{
						Name:  alertmanager,
						Image: env.MirroredImage(alertmanagerImage),
						Args:  args,
						Env: []corev1.EnvVar{{Name: "POD_IP", ValueFrom: &corev1.EnvVarSource{
							FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "status.podIP"},
						}}},
						Ports: []corev1.ContainerPort{
							v1Port("http", alertmanagerPort),
							v1Port("cluster-tcp", alertmanagerClusterPort),
							{Name: "cluster-udp", ContainerPort: alertmanagerClusterPort, Protocol: corev1.ProtocolUDP},
						},
						Resources:       v1Res(50, 64, 200, 128),
						SecurityContext: v1ContainerSecurity(),
						ReadinessProbe:  v1HttpProbe("/-/ready", "http", 5, 10, 3),
						LivenessProbe:   v1HttpProbe("/-/healthy", "http", 10, 15, 4),
						VolumeMounts: []corev1.VolumeMount{
							v1Mount("config", alertmanagerConfigDir),
							v1Mount("receivers", alertmanagerSecretDir),
							v1WritableMount("data", "/alertmanager"),
						},
					}},
					Volumes: []corev1.Volume{
						v1ConfigMapVolume("config", "alertmanager-config"),
						// Created outside git (docs/monitoring.md): the
						// PagerDuty routing key and the Slack webhook URL.
						{Name: "receivers", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
							SecretName: receiversSecret, DefaultMode: ptr(int32(0o440)),
						}}},
						// Silences and the notification log; the peers
						// replicate them, so a restarted pod catches up.
						v1EmptyDir("data", 256),
					},
				},
			},
		},
	})
	v1AddPDB(scope, ns, alertmanager, ptr(intstr.FromInt32(1)), nil)
}
