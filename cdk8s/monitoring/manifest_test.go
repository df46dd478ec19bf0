package monitoring

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	klabels "k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/internal/k8stest"
	"github.com/shopstack/shopstack/platform"
)

var update = flag.Bool("update", false, "rewrite testdata/<env>/ from the generator")

func TestMain(m *testing.M) {
	// The jsii runtime otherwise prints Node 20's end-of-life banner.
	if os.Getenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") == "" {
		os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	}
	code := m.Run()
	if serverBin != "" {
		os.RemoveAll(filepath.Dir(serverBin))
	}
	jsii.Close()
	os.Exit(code)
}

// TestGoldenFiles keeps testdata/<env>/ equal to what Generate renders, so
// that a change to a rule, route or dashboard shows up in review as a diff
// of the files Prometheus, AlertManager and Grafana read. Regenerate with
// `go test ./cdk8s/monitoring -run TestGoldenFiles -update`.
func TestGoldenFiles(t *testing.T) {
	envs, err := platform.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range envs {
		f, err := generate(env)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join("testdata", env.Name)
		if *update {
			_ = os.RemoveAll(dir)
			if err := f.writeDir(dir); err != nil {
				t.Fatal(err)
			}
			continue
		}
		for rel, want := range f.Paths() {
			got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
			if err != nil {
				t.Errorf("%s: %v (run with -update)", rel, err)
				continue
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s/%s differs from the generator (run with -update)", env.Name, rel)
			}
		}
	}
}

// synthesize runs the chart of env through cdk8s and returns the YAML
// documents of monitoring.k8s.yaml.
func synthesize(t *testing.T, env platform.Environment) (string, [][]byte) {
	t.Helper()
	dir := t.TempDir()
	app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(dir), YamlOutputType: cdk8s.YamlOutputType_FILE_PER_CHART})
	Build(app, env)
	app.Synth()
	data, err := os.ReadFile(filepath.Join(dir, chartID+".k8s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return dir, k8stest.SplitYAML(data)
}

type object struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
}

// TestManifests checks the synthesized chart: the ConfigMaps carry exactly
// the generated files; every workload is pinned, sized, probed, restricted
// and covered by a PodDisruptionBudget; no secret value is in it.
func TestManifests(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			files, err := generate(env)
			if err != nil {
				t.Fatal(err)
			}
			_, docs := synthesize(t, env)
			want := map[string][]byte{
				"prometheus-config/" + prometheusConfigFile:                   files.Prometheus,
				"prometheus-rules/" + rulesFile:                               files.Rules,
				"alertmanager-config/" + alertmanagerConfigFile:               files.Alertmanager,
				"grafana-datasources/" + grafanaDatasourcesFile:               files.GrafanaDatasources,
				"grafana-dashboard-providers/" + grafanaDashboardProviderFile: files.GrafanaProviders,
			}
			for name, b := range files.Dashboards {
				want[dashboardConfigMap(name)+"/"+name] = b
			}
			seen := map[string]bool{}
			var pods []struct {
				kind, name string
				replicas   int32
				labels     map[string]string
				spec       corev1.PodSpec
			}
			var pdbs []policyv1.PodDisruptionBudget
			for _, doc := range docs {
				var o object
				if err := yaml.Unmarshal(doc, &o); err != nil {
					t.Fatal(err)
				}
				if o.Kind == "Secret" {
					t.Errorf("Secret %s in the manifests: secrets are created outside git", o.Name)
				}
				if ns := o.Namespace; o.Kind != "Namespace" && o.Kind != "StorageClass" && !strings.HasPrefix(o.Kind, "Cluster") && ns != env.Names.MonitoringNamespace {
					t.Errorf("%s %s in namespace %q", o.Kind, o.Name, ns)
				}
				switch o.Kind {
				case "Namespace":
					if o.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
						t.Errorf("namespace %s does not enforce PodSecurity restricted: %v", o.Name, o.Labels)
					}
				case "ConfigMap":
					var cm corev1.ConfigMap
					_ = yaml.Unmarshal(doc, &cm)
					for k, v := range cm.Data {
						key := cm.Name + "/" + k
						seen[key] = true
						if w, ok := want[key]; !ok {
							t.Errorf("unexpected ConfigMap entry %s", key)
						} else if v != string(w) {
							t.Errorf("ConfigMap %s differs from the generated file", key)
						}
					}
				case "StorageClass":
					var sc storagev1.StorageClass
					_ = yaml.Unmarshal(doc, &sc)
					if sc.Provisioner != ebsProvisioner || sc.Parameters["type"] != "gp3" || sc.Parameters["encrypted"] != "true" ||
						sc.VolumeBindingMode == nil || *sc.VolumeBindingMode != storagev1.VolumeBindingWaitForFirstConsumer {
						t.Errorf("StorageClass %s: %+v", sc.Name, sc)
					}
				case "Deployment":
					var d appsv1.Deployment
					_ = yaml.Unmarshal(doc, &d)
					pods = append(pods, struct {
						kind, name string
						replicas   int32
						labels     map[string]string
						spec       corev1.PodSpec
					}{"Deployment", d.Name, *d.Spec.Replicas, d.Spec.Template.Labels, d.Spec.Template.Spec})
				case "StatefulSet":
					var s appsv1.StatefulSet
					_ = yaml.Unmarshal(doc, &s)
					pods = append(pods, struct {
						kind, name string
						replicas   int32
						labels     map[string]string
						spec       corev1.PodSpec
					}{"StatefulSet", s.Name, *s.Spec.Replicas, s.Spec.Template.Labels, s.Spec.Template.Spec})
					if s.Name == prometheusName {
						if len(s.Spec.VolumeClaimTemplates) != 1 || *s.Spec.VolumeClaimTemplates[0].Spec.StorageClassName != storageClassName {
							t.Errorf("prometheus: volumeClaimTemplates %+v", s.Spec.VolumeClaimTemplates)
						}
						args := strings.Join(s.Spec.Template.Spec.Containers[0].Args, " ")
						if !strings.Contains(args, "--storage.tsdb.retention.time="+itoa(env.Monitoring.RetentionDays)+"d") {
							t.Errorf("prometheus: retention not from config: %s", args)
						}
					}
				case "PodDisruptionBudget":
					var p policyv1.PodDisruptionBudget
					_ = yaml.Unmarshal(doc, &p)
					pdbs = append(pdbs, p)
				}
			}
			for key := range want {
				if !seen[key] {
					t.Errorf("generated file %s is in no ConfigMap", key)
				}
			}
			if len(pods) < 5 {
				t.Fatalf("only %d workloads", len(pods))
			}
			// The monitoring layer fits in the capacity the NodePool keeps
			// for system pods (platform.NodePool.SystemOverhead*).
			var cpuMilli, memBytes int64
			for _, p := range pods {
				for _, c := range p.spec.Containers {
					cpuMilli += c.Resources.Limits.Cpu().MilliValue() * int64(p.replicas)
					memBytes += c.Resources.Limits.Memory().Value() * int64(p.replicas)
				}
			}
			if cpuMilli > int64(env.NodePool.SystemOverheadCPUMilli) || memBytes > int64(env.NodePool.SystemOverheadMemoryMiB)<<20 {
				t.Errorf("monitoring limits %dm CPU / %dMi exceed the NodePool's system overhead %dm / %dMi",
					cpuMilli, memBytes>>20, env.NodePool.SystemOverheadCPUMilli, env.NodePool.SystemOverheadMemoryMiB)
			}
			t.Logf("monitoring limits: %dm CPU, %dMi memory", cpuMilli, memBytes>>20)
			for _, p := range pods {
				covered := false
				for _, pdb := range pdbs {
					sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
					if err == nil && sel.Matches(klabels.Set(p.labels)) {
						covered = true
					}
				}
				if !covered {
					t.Errorf("%s %s has no PodDisruptionBudget", p.kind, p.name)
				}
				sc := p.spec.SecurityContext
				if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.SeccompProfile == nil {
					t.Errorf("%s %s: pod security context %+v", p.kind, p.name, sc)
				}
				for _, c := range p.spec.Containers {
					where := p.kind + " " + p.name + "/" + c.Name
					tag := c.Image[strings.LastIndex(c.Image, ":")+1:]
					if !strings.Contains(c.Image, ":") || tag == "latest" || strings.Contains(tag, "/") {
						t.Errorf("%s: image %q is not pinned to a tag", where, c.Image)
					}
					if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
						t.Errorf("%s: resources %+v", where, c.Resources)
					}
					if c.LivenessProbe == nil || c.ReadinessProbe == nil {
						t.Errorf("%s: missing liveness or readiness probe", where)
					}
					cs := c.SecurityContext
					if cs == nil || cs.AllowPrivilegeEscalation == nil || *cs.AllowPrivilegeEscalation || cs.ReadOnlyRootFilesystem == nil || !*cs.ReadOnlyRootFilesystem ||
						cs.Capabilities == nil || len(cs.Capabilities.Drop) != 1 || cs.Capabilities.Drop[0] != "ALL" {
						t.Errorf("%s: container security context %+v", where, cs)
					}
				}
			}
			all := string(bytes.Join(docs, nil))
			for _, leak := range []string{"hooks.slack.com", "events.pagerduty.com", "password:", "DATA_SOURCE_PASS:"} {
				if strings.Contains(all, leak) {
					t.Errorf("manifests contain %q", leak)
				}
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestManifestsAgainstAPIServer dry-runs the synthesized chart against a
// real kube-apiserver (internal/k8stest): strict schema, PodSecurity
// restricted in namespace monitoring, warnings as errors.
func TestManifestsAgainstAPIServer(t *testing.T) {
	srv := k8stest.Start(t)
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			dir, _ := synthesize(t, env)
			srv.CheckManifests(t, dir)
		})
	}
}
