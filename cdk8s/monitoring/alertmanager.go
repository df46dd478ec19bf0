package monitoring

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/cdk8s/charts"
)

// AlertmanagerReplicas form one gossip cluster: silences and notification
// state survive the loss of a pod, and each alert is sent once.
const alertmanagerReplicas = 2

// alertmanagerClusterService is the headless Service that gives the
// replicas stable DNS names for peering.
const alertmanagerClusterService = "alertmanager-cluster"

const alertmanagerUID = 65534

// AlertmanagerProps configures NewAlertmanager.
type AlertmanagerProps struct {
	// Namespace of every object. Required.
	Namespace string
	// Image is the AlertManager image reference. Required.
	Image string
	// Config is alertmanager.yml, as rendered by generate. Required.
	Config []byte
}

// Alertmanager is an AlertManager gossip cluster of alertmanagerReplicas
// pods, one per node, reading its receivers' credentials from the Secret
// receiversSecret (created outside git, docs/monitoring.md).
type Alertmanager struct {
	constructs.Construct
	// StatefulSet runs the replicas; Service is what Prometheus sends to.
	StatefulSet k8s.KubeStatefulSet
	Service     k8s.KubeService
}

// NewAlertmanager adds an AlertManager cluster to scope.
func NewAlertmanager(scope constructs.Construct, id string, props *AlertmanagerProps) *Alertmanager {
	c := newComponent(scope, id, props)
	p := *props
	check(c, "AlertmanagerProps", concat(
		required("Namespace", p.Namespace), required("Image", p.Image), nonEmpty("Config", p.Config),
	))
	newServiceAccount(c, p.Namespace, alertmanager, jsii.Bool(false))
	newConfigMap(c, "config", p.Namespace, "alertmanager-config", alertmanager, alertmanagerConfigFile, p.Config)
	am := &Alertmanager{Construct: c}
	am.Service = newHTTPService(c, p.Namespace, alertmanager, alertmanagerPort)
	clusterPort := func(name, protocol string) *k8s.ServicePort {
		return &k8s.ServicePort{Name: str(name), Port: num(alertmanagerClusterPort), TargetPort: intOrStr(name), Protocol: str(protocol)}
	}
	k8s.NewKubeService(c, str("cluster-service"), &k8s.KubeServiceProps{
		Metadata: meta(p.Namespace, alertmanagerClusterService, alertmanager),
		Spec: &k8s.ServiceSpec{
			ClusterIp:                str("None"),
			PublishNotReadyAddresses: jsii.Bool(true),
			Selector:                 charts.StringMap(map[string]string{appNameLabel: alertmanager}),
			Ports:                    &[]*k8s.ServicePort{clusterPort("cluster-tcp", "TCP"), clusterPort("cluster-udp", "UDP")},
		},
	})
	am.StatefulSet = newAlertmanagerStatefulSet(c, &p)
	newPDB(c, p.Namespace, alertmanager, 1, 0)
	return am
}

func newAlertmanagerStatefulSet(scope constructs.Construct, p *AlertmanagerProps) k8s.KubeStatefulSet {
	args := []string{
		"--config.file=" + alertmanagerConfigDir + "/" + alertmanagerConfigFile,
		"--storage.path=/alertmanager",
		fmt.Sprintf("--web.listen-address=:%d", alertmanagerPort),
		fmt.Sprintf("--cluster.listen-address=0.0.0.0:%d", alertmanagerClusterPort),
		fmt.Sprintf("--cluster.advertise-address=$(POD_IP):%d", alertmanagerClusterPort),
	}
	for i := 0; i < alertmanagerReplicas; i++ {
		args = append(args, fmt.Sprintf("--cluster.peer=%s-%d.%s.%s.svc:%d", alertmanager, i, alertmanagerClusterService, p.Namespace, alertmanagerClusterPort))
	}
	container := &k8s.Container{
		Name:  str(alertmanager),
		Image: str(p.Image),
		Args:  strs(args...),
		Env: &[]*k8s.EnvVar{{Name: str("POD_IP"), ValueFrom: &k8s.EnvVarSource{
			FieldRef: &k8s.ObjectFieldSelector{ApiVersion: str("v1"), FieldPath: str("status.podIP")},
		}}},
		Ports: &[]*k8s.ContainerPort{
			port("http", alertmanagerPort),
			port("cluster-tcp", alertmanagerClusterPort),
			{Name: str("cluster-udp"), ContainerPort: num(alertmanagerClusterPort), Protocol: str("UDP")},
		},
		Resources:       charts.Resources{CPURequestMilli: 50, MemoryRequestMiB: 64, CPULimitMilli: 200, MemoryLimitMiB: 128}.Requirements(),
		SecurityContext: containerSecurity(),
		ReadinessProbe:  httpProbe("/-/ready", "http", 5, 10, 3),
		LivenessProbe:   httpProbe("/-/healthy", "http", 10, 15, 4),
		VolumeMounts: &[]*k8s.VolumeMount{
			mount("config", alertmanagerConfigDir),
			mount("receivers", alertmanagerSecretDir),
			writableMount("data", "/alertmanager"),
		},
	}
	return k8s.NewKubeStatefulSet(scope, str("statefulset"), &k8s.KubeStatefulSetProps{
		Metadata: meta(p.Namespace, alertmanager, alertmanager),
		Spec: &k8s.StatefulSetSpec{
			Replicas:            num(alertmanagerReplicas),
			ServiceName:         str(alertmanagerClusterService),
			PodManagementPolicy: str("Parallel"),
			Selector:            selector(alertmanager),
			// The API server's default (RollingUpdate), written as before.
			UpdateStrategy: &k8s.StatefulSetUpdateStrategy{},
			Template: &k8s.PodTemplateSpec{
				Metadata: &k8s.ObjectMeta{
					Labels:      charts.StringMap(labels(alertmanager)),
					Annotations: charts.StringMap(map[string]string{"checksum/config": checksum(p.Config)}),
				},
				Spec: &k8s.PodSpec{
					ServiceAccountName:           str(alertmanager),
					AutomountServiceAccountToken: jsii.Bool(false),
					SecurityContext:              podSecurity(alertmanagerUID),
					// Never two replicas on one node: losing that node would
					// lose both, and their silences and notification log.
					Affinity:                  hostAntiAffinity(alertmanager),
					TopologySpreadConstraints: zoneSpread(alertmanager),
					Containers:                &[]*k8s.Container{container},
					Volumes: &[]*k8s.Volume{
						configMapVolume("config", "alertmanager-config"),
						// Created outside git (docs/monitoring.md): the
						// PagerDuty routing key and the Slack webhook URL.
						{Name: str("receivers"), Secret: &k8s.SecretVolumeSource{
							SecretName: str(receiversSecret), DefaultMode: num(0o440),
						}},
						// Silences and the notification log; the peers
						// replicate them, so a restarted pod catches up.
						emptyDir("data", 256),
					},
				},
			},
		},
	})
}
