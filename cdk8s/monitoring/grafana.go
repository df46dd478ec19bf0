package monitoring

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/shopstack/shopstack/platform"
)

// grafanaUID is the uid (and gid, fsGroup) Grafana runs as. The image's
// own user is 472, but Grafana runs as any user that may write its data
// directory ("Run Grafana Docker image", Use bind mounts: start the
// container "with a user that has the permission to access and write to
// the folder you map", e.g. --user "$(id -u)",
// https://grafana.com/docs/grafana/latest/setup-grafana/installation/docker/#use-bind-mounts).
// Every path it writes here (GF_PATHS_DATA, _LOGS, _PLUGINS, /tmp) is an
// emptyDir owned by fsGroup, so it runs above 10000 like everything else.
const grafanaUID = 10472

// dashboardConfigMap is the ConfigMap of one dashboard file (one each, so
// that no ConfigMap nears the size limits of the API server or of
// client-side apply's last-applied annotation).
func dashboardConfigMap(file string) string {
	return "grafana-dashboard-" + strings.TrimSuffix(file, ".json")
}

func addGrafana(scope constructs.Construct, env platform.Environment, files *files) {
	ns := env.Names.MonitoringNamespace
	addObject(scope, "grafana-service-account", &corev1.ServiceAccount{
		TypeMeta:                     metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta:                   v1Meta(ns, grafana, grafana),
		AutomountServiceAccountToken: ptr(false),
	})
	addObject(scope, "grafana-datasources", &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: v1Meta(ns, "grafana-datasources", grafana),
		Data:       map[string]string{grafanaDatasourcesFile: string(files.GrafanaDatasources)},
	})
	addObject(scope, "grafana-dashboard-providers", &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: v1Meta(ns, "grafana-dashboard-providers", grafana),
		Data:       map[string]string{grafanaDashboardProviderFile: string(files.GrafanaProviders)},
	})
	volumes := []corev1.Volume{
		v1ConfigMapVolume("datasources", "grafana-datasources"),
		v1ConfigMapVolume("dashboard-providers", "grafana-dashboard-providers"),
		v1EmptyDir("data", 512),
		v1EmptyDir("tmp", 64),
	}
	mounts := []corev1.VolumeMount{
		v1Mount("datasources", "/etc/grafana/provisioning/datasources"),
		v1Mount("dashboard-providers", "/etc/grafana/provisioning/dashboards"),
		v1WritableMount("data", "/var/lib/grafana"),
		v1WritableMount("tmp", "/tmp"),
	}
	sums := [][]byte{files.GrafanaDatasources, files.GrafanaProviders}
	for _, file := range files.DashboardNames() {
		name := dashboardConfigMap(file)
		addObject(scope, name, &corev1.ConfigMap{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: v1Meta(ns, name, grafana),
			Data:       map[string]string{file: string(files.Dashboards[file])},
		})
		vol := strings.TrimPrefix(name, "grafana-")
		volumes = append(volumes, v1ConfigMapVolume(vol, name))
		mounts = append(mounts, v1Mount(vol, grafanaDashboardsDir+"/"+strings.TrimSuffix(file, ".json")))
		sums = append(sums, files.Dashboards[file])
	}
	secretEnv := func(name, key string) corev1.EnvVar {
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: grafanaAdminSecret}, Key: key,
		}}}
	}
	env1 := func(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }
	addObject(scope, "grafana-deployment", &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: v1Meta(ns, grafana, grafana),
		Spec: appsv1.DeploymentSpec{
			// Stateless: dashboards and the data source are provisioned
			// from ConfigMaps, users are the admin from the Secret.
			Replicas: ptr(int32(1)),
			Selector: v1Selector(grafana),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      labels(grafana),
					Annotations: map[string]string{"checksum/config": checksum(sums...)},
				},
				Spec: corev1.PodSpec{
					ServiceAccountName:           grafana,
					AutomountServiceAccountToken: ptr(false),
					SecurityContext:              v1PodSecurity(grafanaUID),
					Containers: []corev1.Container{{
						Name:  grafana,
						Image: env.MirroredImage(grafanaImage),
						Env: []corev1.EnvVar{
							secretEnv("GF_SECURITY_ADMIN_USER", "admin-user"),
							secretEnv("GF_SECURITY_ADMIN_PASSWORD", "admin-password"),
							env1("GF_PATHS_DATA", "/var/lib/grafana"),
							env1("GF_PATHS_LOGS", "/var/lib/grafana/logs"),
							env1("GF_PATHS_PLUGINS", "/var/lib/grafana/plugins"),
							env1("GF_PATHS_PROVISIONING", "/etc/grafana/provisioning"),
							env1("GF_LOG_MODE", "console"),
							env1("GF_USERS_ALLOW_SIGN_UP", "false"),
							env1("GF_AUTH_ANONYMOUS_ENABLED", "false"),
							// No egress to grafana.com: no update checks,
							// no usage reporting, no plugin downloads.
							env1("GF_ANALYTICS_REPORTING_ENABLED", "false"),
							env1("GF_ANALYTICS_CHECK_FOR_UPDATES", "false"),
							env1("GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", "false"),
							env1("GF_PLUGINS_PREINSTALL_DISABLED", "true"),
							env1("GF_NEWS_NEWS_FEED_ENABLED", "false"),
						},
						Ports:           []corev1.ContainerPort{v1Port("http", grafanaPort)},
						Resources:       v1Res(100, 128, 500, 512),
						SecurityContext: v1ContainerSecurity(),
						ReadinessProbe:  v1HttpProbe("/api/health", "http", 5, 10, 3),
						LivenessProbe:   v1HttpProbe("/api/health", "http", 30, 15, 4),
						VolumeMounts:    mounts,
					}},
					Volumes: volumes,
				},
			},
		},
	})
	addObject(scope, "grafana-service", &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: v1Meta(ns, grafana, grafana),
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{appNameLabel: grafana},
			Ports:    []corev1.ServicePort{{Name: "http", Port: grafanaPort, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}},
		},
	})
	v1AddPDB(scope, ns, grafana, nil, ptr(intstr.FromInt32(1)))
}
