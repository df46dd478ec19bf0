package monitoring

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/prometheus/common/model"
	promlabels "github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/internal/k8stest"
	"github.com/shopstack/shopstack/platform"
)

// TestFrontendJobScrapesTheSidecar runs the storefront-frontend job's
// relabelling (Prometheus' own relabel package) over the targets pod
// discovery would produce for the frontend pod the charts synthesize, one
// per container port: exactly the exporter sidecar's port must be kept, and
// the network policies of both namespaces must let Prometheus reach it.
func TestFrontendJobScrapesTheSidecar(t *testing.T) {
	envs, err := platform.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range envs {
		t.Run(env.Name, func(t *testing.T) {
			dir := t.TempDir()
			app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(dir), YamlOutputType: cdk8s.YamlOutputType_FILE_PER_CHART})
			charts.Build(app, env)
			app.Synth()
			var dep appsv1.Deployment
			var ingress networkingv1.NetworkPolicy
			for _, f := range []string{charts.ChartStorefront, charts.ChartBase} {
				data, err := os.ReadFile(filepath.Join(dir, f+".k8s.yaml"))
				if err != nil {
					t.Fatal(err)
				}
				for _, doc := range k8stest.SplitYAML(data) {
					var o object
					if err := sigsyaml.Unmarshal(doc, &o); err != nil {
						t.Fatal(err)
					}
					switch {
					case o.Kind == "Deployment" && o.Name == env.Names.Frontend:
						err = sigsyaml.Unmarshal(doc, &dep)
					case o.Kind == "NetworkPolicy" && o.Name == env.Names.Frontend+"-ingress":
						err = sigsyaml.Unmarshal(doc, &ingress)
					}
					if err != nil {
						t.Fatal(err)
					}
				}
			}
			if dep.Name == "" || ingress.Name == "" {
				t.Fatalf("no frontend Deployment or %s-ingress NetworkPolicy in the charts", env.Names.Frontend)
			}

			job := frontendJob(env)
			raw, err := yaml.Marshal(job.RelabelConfigs)
			if err != nil {
				t.Fatal(err)
			}
			var cfgs []*relabel.Config
			if err := yaml.Unmarshal(raw, &cfgs); err != nil {
				t.Fatal(err)
			}
			for _, c := range cfgs {
				if err := c.Validate(model.UTF8Validation); err != nil {
					t.Fatal(err)
				}
			}

			type kept struct{ container, port, address string }
			var targets []kept
			for _, c := range dep.Spec.Template.Spec.Containers {
				for _, p := range c.Ports {
					b := promlabels.NewBuilder(promlabels.EmptyLabels())
					b.Set("__address__", "10.0.1.23:"+strconv.Itoa(int(p.ContainerPort)))
					b.Set(metaNamespace, env.Names.Namespace)
					b.Set(metaPodName, env.Names.Frontend+"-abc12")
					b.Set(metaPodPhase, "Running")
					b.Set(metaContainerName, c.Name)
					b.Set(metaPortName, p.Name)
					b.Set(metaPortNumber, strconv.Itoa(int(p.ContainerPort)))
					for k, v := range dep.Spec.Template.Labels {
						b.Set(podLabelMeta(k), v)
					}
					if relabel.ProcessBuilder(b, cfgs...) {
						targets = append(targets, kept{b.Get("container"), p.Name, b.Get("__address__")})
					}
				}
			}
			want := kept{charts.NginxExporterName, charts.NginxExporterPortName, "10.0.1.23:" + strconv.Itoa(charts.NginxExporterPort)}
			if len(targets) != 1 || targets[0] != want {
				t.Errorf("job %s keeps %+v of the frontend pod's ports, want exactly %+v", job.JobName, targets, want)
			}
			if job.MetricsPath != charts.NginxExporterMetricsPath {
				t.Errorf("metrics_path %q, want the exporter's %q", job.MetricsPath, charts.NginxExporterMetricsPath)
			}

			// Prometheus' egress (this chart) and the frontend's ingress (the
			// charts) both name the exporter's port for this flow.
			var egressOK bool
			for _, r := range prometheusEgressTo(t, env, env.Names.Frontend) {
				for _, p := range r.Ports {
					egressOK = egressOK || p.Port.IntValue() == charts.NginxExporterPort
				}
			}
			if !egressOK {
				t.Errorf("prometheus-egress does not allow %d to the frontend pods", charts.NginxExporterPort)
			}
			var ingressOK bool
			for _, r := range ingress.Spec.Ingress {
				for _, from := range r.From {
					if from.NamespaceSelector == nil || from.PodSelector == nil ||
						from.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != env.Names.MonitoringNamespace ||
						from.PodSelector.MatchLabels[appNameLabel] != prometheusName {
						continue
					}
					for _, p := range r.Ports {
						ingressOK = ingressOK || p.Port.IntValue() == charts.NginxExporterPort
					}
				}
			}
			if !ingressOK {
				t.Errorf("%s does not admit Prometheus (%s/%s) on %d", ingress.Name, env.Names.MonitoringNamespace, prometheusName, charts.NginxExporterPort)
			}
		})
	}
}

// prometheusEgressTo returns the rules of the prometheus-egress policy that
// name pods called app in the storefront namespace.
func prometheusEgressTo(t *testing.T, env platform.Environment, app string) []networkingv1.NetworkPolicyEgressRule {
	t.Helper()
	_, docs := synthesize(t, env)
	var out []networkingv1.NetworkPolicyEgressRule
	for _, doc := range docs {
		var np networkingv1.NetworkPolicy
		if err := sigsyaml.Unmarshal(doc, &np); err != nil {
			t.Fatal(err)
		}
		if np.Kind != "NetworkPolicy" || np.Name != "prometheus-egress" {
			continue
		}
		for _, r := range np.Spec.Egress {
			for _, to := range r.To {
				if to.NamespaceSelector != nil && to.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] == env.Names.Namespace &&
					to.PodSelector != nil && to.PodSelector.MatchLabels[appNameLabel] == app {
					out = append(out, r)
				}
			}
		}
	}
	return out
}
