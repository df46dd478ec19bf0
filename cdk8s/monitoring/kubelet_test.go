package monitoring

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	promlabels "github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	"go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// TestKubeletScrapedDirectly: kubelet and cAdvisor are scraped on each
// node's kubelet port, over verified HTTPS with the ServiceAccount token,
// never through the API server's nodes/<node>/proxy (which needs the
// nodes/proxy permission: exec and attach on every kubelet). The job's
// relabelling (Prometheus' own relabel package) turns a discovered node
// into <InternalIP>:KubeletPort; Prometheus' egress policy opens that port
// to the VPC and its ClusterRole grants get on nodes/metrics, what the
// kubelet checks for /metrics and /metrics/cadvisor.
func TestKubeletScrapedDirectly(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			cfg := prometheusConfig(env)
			paths := map[string]string{jobKubelet: "/metrics", jobCadvisor: "/metrics/cadvisor"}
			for _, sc := range cfg.ScrapeConfigs {
				want, ok := paths[sc.JobName]
				if !ok {
					continue
				}
				delete(paths, sc.JobName)
				if sc.Scheme != "https" || sc.MetricsPath != want {
					t.Errorf("%s: %s://...%s, want https://...%s", sc.JobName, sc.Scheme, sc.MetricsPath, want)
				}
				if sc.Authorization == nil || sc.Authorization.CredentialsFile != serviceAccountDir+"/token" {
					t.Errorf("%s: authorization %+v, want the ServiceAccount token", sc.JobName, sc.Authorization)
				}
				if sc.TLSConfig == nil || sc.TLSConfig.CAFile != serviceAccountDir+"/ca.crt" {
					t.Errorf("%s: tls_config %+v, want the cluster CA (ca.crt)", sc.JobName, sc.TLSConfig)
				}
				if len(sc.KubernetesSDConfigs) != 1 || sc.KubernetesSDConfigs[0].Role != "node" {
					t.Errorf("%s: discovery %+v, want role node", sc.JobName, sc.KubernetesSDConfigs)
				}

				raw, err := yaml.Marshal(sc.RelabelConfigs)
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
				// Node discovery's address is the InternalIP and the port of
				// the node's kubelet endpoint; pinned to KubeletPort.
				for _, discovered := range []string{"10.0.17.4:10250", "10.0.17.4:10255", "10.0.17.4"} {
					b := promlabels.NewBuilder(promlabels.EmptyLabels())
					b.Set("__address__", discovered)
					b.Set("__metrics_path__", sc.MetricsPath)
					b.Set(metaNodeName, "i-0abc")
					if !relabel.ProcessBuilder(b, cfgs...) {
						t.Fatalf("%s drops the node target %s", sc.JobName, discovered)
					}
					if got := b.Get("__address__"); got != "10.0.17.4:10250" {
						t.Errorf("%s: %s becomes %s, want 10.0.17.4:%d", sc.JobName, discovered, got, kubeletPort)
					}
					if b.Get("__metrics_path__") != want || b.Get("node") != "i-0abc" || b.Get("instance") != "i-0abc" {
						t.Errorf("%s: path %s, node %s, instance %s", sc.JobName, b.Get("__metrics_path__"), b.Get("node"), b.Get("instance"))
					}
				}
			}
			if len(paths) > 0 {
				t.Errorf("jobs %v missing", paths)
			}
			files, err := generate(env)
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"/proxy", "kubernetes.default.svc", "insecure_skip_verify"} {
				if strings.Contains(string(files.Prometheus), bad) {
					t.Errorf("prometheus.yml contains %q", bad)
				}
			}

			_, docs := synthesize(t, env)
			var egressOK, metricsOK bool
			vpc := netip.MustParsePrefix(env.Network.CIDR)
			for _, doc := range docs {
				var o object
				if err := sigsyaml.Unmarshal(doc, &o); err != nil {
					t.Fatal(err)
				}
				switch {
				case o.Kind == "NetworkPolicy" && o.Name == "prometheus-egress":
					var np networkingv1.NetworkPolicy
					_ = sigsyaml.Unmarshal(doc, &np)
					for _, r := range np.Spec.Egress {
						for _, to := range r.To {
							if to.IPBlock == nil || netip.MustParsePrefix(to.IPBlock.CIDR) != vpc {
								continue
							}
							for _, p := range r.Ports {
								egressOK = egressOK || (p.Port.IntValue() == kubeletPort && *p.Protocol == corev1.ProtocolTCP)
							}
						}
					}
				case o.Kind == "ClusterRole" && o.Name == env.Names.MonitoringNamespace+"-"+prometheusName:
					var cr rbacv1.ClusterRole
					_ = sigsyaml.Unmarshal(doc, &cr)
					for _, r := range cr.Rules {
						for _, res := range r.Resources {
							if res == "nodes/metrics" && contains(r.Verbs, "get") && contains(r.APIGroups, "") {
								metricsOK = true
							}
						}
					}
				}
			}
			if !egressOK {
				t.Errorf("prometheus-egress does not allow TCP %d to the VPC %s (the kubelets)", kubeletPort, env.Network.CIDR)
			}
			if !metricsOK {
				t.Errorf("Prometheus' ClusterRole does not grant get on nodes/metrics")
			}
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
