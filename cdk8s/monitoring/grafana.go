package monitoring

import (
	"maps"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/cdk8s/charts"
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

// GrafanaProps configures NewGrafana.
type GrafanaProps struct {
	// Namespace of every object. Required.
	Namespace string
	// Image is the Grafana image reference. Required.
	Image string
	// Datasources and DashboardProviders are Grafana's provisioning files,
	// as rendered by generate. Required.
	Datasources, DashboardProviders []byte
	// Dashboards maps a dashboard's file name to its JSON; each gets its
	// own ConfigMap and directory.
	// Default: none.
	Dashboards map[string][]byte
}

// Grafana is a stateless Grafana: its data source and dashboards are
// provisioned from ConfigMaps, its one user is the admin from the Secret
// grafanaAdminSecret (created outside git, docs/monitoring.md).
type Grafana struct {
	constructs.Construct
	Deployment k8s.KubeDeployment
	Service    k8s.KubeService
}

// NewGrafana adds Grafana to scope.
func NewGrafana(scope constructs.Construct, id string, props *GrafanaProps) *Grafana {
	c := newComponent(scope, id, props)
	p := *props
	check(c, "GrafanaProps", concat(
		required("Namespace", p.Namespace), required("Image", p.Image),
		nonEmpty("Datasources", p.Datasources), nonEmpty("DashboardProviders", p.DashboardProviders),
	))
	newServiceAccount(c, p.Namespace, grafana, jsii.Bool(false))
	newConfigMap(c, "datasources", p.Namespace, "grafana-datasources", grafana, grafanaDatasourcesFile, p.Datasources)
	newConfigMap(c, "dashboard-providers", p.Namespace, "grafana-dashboard-providers", grafana, grafanaDashboardProviderFile, p.DashboardProviders)
	volumes := []*k8s.Volume{
		configMapVolume("datasources", "grafana-datasources"),
		configMapVolume("dashboard-providers", "grafana-dashboard-providers"),
		emptyDir("data", 512),
		emptyDir("tmp", 64),
	}
	mounts := []*k8s.VolumeMount{
		mount("datasources", "/etc/grafana/provisioning/datasources"),
		mount("dashboard-providers", "/etc/grafana/provisioning/dashboards"),
		writableMount("data", "/var/lib/grafana"),
		writableMount("tmp", "/tmp"),
	}
	sums := [][]byte{p.Datasources, p.DashboardProviders}
	for _, file := range slices.Sorted(maps.Keys(p.Dashboards)) {
		name := dashboardConfigMap(file)
		vol := strings.TrimPrefix(name, "grafana-")
		newConfigMap(c, vol, p.Namespace, name, grafana, file, p.Dashboards[file])
		volumes = append(volumes, configMapVolume(vol, name))
		mounts = append(mounts, mount(vol, grafanaDashboardsDir+"/"+strings.TrimSuffix(file, ".json")))
		sums = append(sums, p.Dashboards[file])
	}
	g := &Grafana{Construct: c}
	g.Deployment = k8s.NewKubeDeployment(c, str("deployment"), &k8s.KubeDeploymentProps{
		Metadata: meta(p.Namespace, grafana, grafana),
		Spec: &k8s.DeploymentSpec{
			// Stateless: dashboards and the data source are provisioned
			// from ConfigMaps, users are the admin from the Secret.
			Replicas: num(1),
			Selector: selector(grafana),
			// The API server's default (RollingUpdate), written as before.
			Strategy: &k8s.DeploymentStrategy{},
			Template: &k8s.PodTemplateSpec{
				Metadata: &k8s.ObjectMeta{
					Labels:      charts.StringMap(labels(grafana)),
					Annotations: charts.StringMap(map[string]string{"checksum/config": checksum(sums...)}),
				},
				Spec: &k8s.PodSpec{
					ServiceAccountName:           str(grafana),
					AutomountServiceAccountToken: jsii.Bool(false),
					SecurityContext:              podSecurity(grafanaUID),
					Containers:                   &[]*k8s.Container{grafanaContainer(p.Image, &mounts)},
					Volumes:                      &volumes,
				},
			},
		},
	})
	g.Service = newHTTPService(c, p.Namespace, grafana, grafanaPort)
	newPDB(c, p.Namespace, grafana, 0, 1)
	return g
}

func grafanaContainer(image string, mounts *[]*k8s.VolumeMount) *k8s.Container {
	secretEnv := func(name, key string) *k8s.EnvVar {
		return &k8s.EnvVar{Name: str(name), ValueFrom: &k8s.EnvVarSource{SecretKeyRef: &k8s.SecretKeySelector{
			Name: str(grafanaAdminSecret), Key: str(key),
		}}}
	}
	env := func(name, value string) *k8s.EnvVar { return &k8s.EnvVar{Name: str(name), Value: str(value)} }
	return &k8s.Container{
		Name:  str(grafana),
		Image: str(image),
		Env: &[]*k8s.EnvVar{
			secretEnv("GF_SECURITY_ADMIN_USER", "admin-user"),
			secretEnv("GF_SECURITY_ADMIN_PASSWORD", "admin-password"),
			env("GF_PATHS_DATA", "/var/lib/grafana"),
			env("GF_PATHS_LOGS", "/var/lib/grafana/logs"),
			env("GF_PATHS_PLUGINS", "/var/lib/grafana/plugins"),
			env("GF_PATHS_PROVISIONING", "/etc/grafana/provisioning"),
			env("GF_LOG_MODE", "console"),
			env("GF_USERS_ALLOW_SIGN_UP", "false"),
			env("GF_AUTH_ANONYMOUS_ENABLED", "false"),
			// No egress to grafana.com: no update checks, no usage
			// reporting, no plugin downloads.
			env("GF_ANALYTICS_REPORTING_ENABLED", "false"),
			env("GF_ANALYTICS_CHECK_FOR_UPDATES", "false"),
			env("GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", "false"),
			env("GF_PLUGINS_PREINSTALL_DISABLED", "true"),
			env("GF_NEWS_NEWS_FEED_ENABLED", "false"),
		},
		Ports:           &[]*k8s.ContainerPort{port("http", grafanaPort)},
		Resources:       charts.Resources{CPURequestMilli: 100, MemoryRequestMiB: 128, CPULimitMilli: 500, MemoryLimitMiB: 512}.Requirements(),
		SecurityContext: containerSecurity(),
		ReadinessProbe:  httpProbe("/api/health", "http", 5, 10, 3),
		LivenessProbe:   httpProbe("/api/health", "http", 30, 15, 4),
		VolumeMounts:    mounts,
	}
}
