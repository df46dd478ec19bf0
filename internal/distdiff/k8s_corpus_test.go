package distdiff

// A corpus of realistic Kubernetes changes: the prod charts are synthesized
// with internal/synth.Kubernetes from a modified platform.Prod() (or edited
// after synthesis where no knob exists), then diffed against the unmodified
// synthesis. Each case asserts the fields and findings that must appear and
// those that must not, and logs what the old tool (Compare) said about it.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/internal/k8stest"
	"github.com/shopstack/shopstack/internal/synth"
	"github.com/shopstack/shopstack/platform"
)

// synthK8sProd synthesizes the prod charts of env into a Tree keyed like dist/.
func synthK8sProd(t *testing.T, env platform.Environment) Tree {
	t.Helper()
	dir := t.TempDir()
	if err := synth.Kubernetes(dir, env); err != nil {
		t.Fatalf("synth: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s (%v)", dir, err)
	}
	tree := Tree{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tree["prod/k8s/"+filepath.Base(f)] = data
	}
	return tree
}

var (
	k8sBaseOnce sync.Once
	k8sBaseTree Tree
)

// base is the unmodified prod synthesis, made once for all cases.
func base(t *testing.T) Tree {
	t.Helper()
	k8sBaseOnce.Do(func() { k8sBaseTree = synthK8sProd(t, platform.Prod()) })
	if k8sBaseTree == nil {
		t.Fatal("base synthesis failed")
	}
	return k8sBaseTree
}

// edit returns a copy of tree where the object kind/namespace/name of file
// is changed by fn (fn returning false removes it). Other documents keep
// their bytes.
func edit(t *testing.T, tree Tree, file, kind, ns, name string, fn func(obj map[string]any) bool) Tree {
	t.Helper()
	out := Tree{}
	for k, v := range tree {
		out[k] = v
	}
	key := "prod/k8s/" + file
	var docs []string
	found := false
	for _, doc := range k8stest.SplitYAML(tree[key]) {
		var obj map[string]any
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			t.Fatal(err)
		}
		if str(obj, "kind") != kind || str(obj, "metadata", "namespace") != ns || str(obj, "metadata", "name") != name {
			docs = append(docs, string(doc))
			continue
		}
		found = true
		if !fn(obj) {
			continue
		}
		b, err := yaml.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	if !found {
		t.Fatalf("%s has no %s %s/%s", file, kind, ns, name)
	}
	out[key] = []byte(strings.Join(docs, "---\n"))
	return out
}

// want is one expectation on the diff: a resource, and optionally a field
// (path and values, "*" for any value) or a finding (severity, code, and a
// piece of the message).
type want struct {
	id     string
	action Action
	// field
	path, old, new string
	// finding
	severity Severity
	code     string
	message  string
}

func (w want) String() string {
	switch {
	case w.path != "":
		return fmt.Sprintf("%s field %s: %q -> %q", w.id, w.path, w.old, w.new)
	case w.code != "":
		return fmt.Sprintf("%s finding %s %s %q", w.id, w.severity, w.code, w.message)
	}
	return fmt.Sprintf("%s %s", w.id, w.action)
}

func (w want) matches(d ResourceDiff) bool {
	if d.ID != w.id {
		return false
	}
	if w.action != "" && d.Action != w.action {
		return false
	}
	if w.path != "" {
		for _, f := range d.Fields {
			if f.Path == w.path && (w.old == "*" || f.Old == w.old) && (w.new == "*" || f.New == w.new) {
				return true
			}
		}
		return false
	}
	if w.code != "" {
		for _, f := range d.Findings {
			if f.Code == w.code && (w.severity == "" || f.Severity == w.severity) && strings.Contains(f.Message, w.message) {
				return true
			}
		}
		return false
	}
	return true
}

func dump(diffs []ResourceDiff) string {
	var b strings.Builder
	for _, d := range diffs {
		fmt.Fprintf(&b, "%s %s %s (%s)\n", d.Action, d.ID, d.Type, d.File)
		for _, f := range d.Fields {
			fmt.Fprintf(&b, "    %s: %q -> %q\n", f.Path, f.Old, f.New)
		}
		for _, f := range d.Findings {
			fmt.Fprintf(&b, "    ! %s %s: %s\n", f.Severity, f.Code, f.Message)
		}
	}
	return b.String()
}

func TestKubernetesCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes the prod charts several times")
	}
	prod := func(change func(e *platform.Environment)) func(t *testing.T) Tree {
		return func(t *testing.T) Tree {
			e := platform.Prod()
			change(&e)
			return synthK8sProd(t, e)
		}
	}
	// Migration Job names: the tag plus a hash of the Job's template.
	withEnv := func(change func(e *platform.Environment)) platform.Environment {
		e := platform.Prod()
		change(&e)
		return e
	}
	job := charts.MigrationJobName(platform.Prod())
	jobTag2 := charts.MigrationJobName(withEnv(func(e *platform.Environment) { e.Images.Tag = "0.2.0" }))
	jobPool := charts.MigrationJobName(withEnv(func(e *platform.Environment) { e.Database.PoolMaxConns = 30 }))
	edited := func(file, kind, ns, name string, fn func(obj map[string]any) bool) func(t *testing.T) Tree {
		return func(t *testing.T) Tree { return edit(t, base(t), file, kind, ns, name, fn) }
	}
	const (
		hpa         = "HorizontalPodAutoscaler/shop/backend"
		backend     = "Deployment/shop/backend"
		rules       = "ConfigMap/monitoring/prometheus-rules"
		criticalErr = "data.shopstack.rules.yml: groups[name=storefront].rules[alert=StorefrontHighErrorRatio,severity=critical].expr"
	)
	tests := []struct {
		name  string
		new   func(t *testing.T) Tree
		must  []want
		never []want
		// count of changed/added/removed objects, -1 to skip the check
		objects int
	}{
		{
			name: "no-op: the same platform synthesized again",
			new:  prod(func(e *platform.Environment) {}),
		},
		{
			name: "HPA maxReplicas 20 -> 30",
			new:  prod(func(e *platform.Environment) { e.Backend.MaxReplicas = 30 }),
			must: []want{{id: hpa, action: Changed, path: "spec.maxReplicas", old: "20", new: "30"}},
			never: []want{
				{id: hpa, code: CodeImmutableField},
				{id: backend},
			},
			objects: -1,
		},
		{
			name:    "NodePool CPU limit 64 -> 96",
			new:     prod(func(e *platform.Environment) { e.NodePool.CPULimit = 96 }),
			must:    []want{{id: "NodePool//storefront", action: Changed, path: "spec.limits.cpu", old: "64", new: "96"}},
			objects: -1,
		},
		{
			name: "image tag 0.1.0 -> 0.2.0",
			new:  prod(func(e *platform.Environment) { e.Images.Tag = "0.2.0" }),
			must: []want{
				{id: backend, action: Changed, path: "spec.template.spec.containers[name=backend].image",
					old: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/prod/backend:0.1.0",
					new: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/prod/backend:0.2.0"},
				{id: backend, severity: Info, code: CodeImage, message: "backend:0.1.0 -> 111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/prod/backend:0.2.0"},
				{id: "Job/shop/" + job, action: Removed, severity: Warning, code: CodeNotPruned,
					message: "kubectl delete job.batch " + job + " -n shop"},
				{id: "Job/shop/" + jobTag2, action: Added},
			},
			never:   []want{{id: backend, code: CodeImmutableField}, {id: "Job/shop/" + job, code: CodeImmutableField}},
			objects: -1,
		},
		{
			name: "Prometheus volume 100Gi -> 200Gi (a StatefulSet volumeClaimTemplate)",
			new:  prod(func(e *platform.Environment) { e.Monitoring.StorageGiB = 200 }),
			must: []want{
				{id: "StatefulSet/monitoring/prometheus", action: Changed, severity: Danger, code: CodeImmutableField, message: "spec.volumeClaimTemplates of a StatefulSet is immutable"},
			},
			objects: -1,
		},
		{
			name: "alert threshold 5% -> 7% (critical StorefrontHighErrorRatio)",
			new: edited("monitoring.k8s.yaml", "ConfigMap", "monitoring", "prometheus-rules", func(obj map[string]any) bool {
				data := obj["data"].(map[string]any)
				s := data["shopstack.rules.yml"].(string)
				data["shopstack.rules.yml"] = strings.Replace(s, `[5m])) > 0.05`, `[5m])) > 0.07`, 1)
				return true
			}),
			must: []want{{id: rules, action: Changed, path: criticalErr, old: "*", new: "*"}},
			never: []want{
				{id: rules, path: "data.shopstack.rules.yml", old: "*", new: "*"},
				{id: rules, code: CodeImmutableField},
			},
			objects: 1,
		},
		{
			name: "dashboard panel query",
			new: edited("monitoring.k8s.yaml", "ConfigMap", "monitoring", "grafana-dashboard-database", func(obj map[string]any) bool {
				data := obj["data"].(map[string]any)
				data["database.json"] = strings.Replace(data["database.json"].(string), `min(pg_up{`, `max(pg_up{`, 1)
				return true
			}),
			must: []want{{id: "ConfigMap/monitoring/grafana-dashboard-database", action: Changed,
				path: "data.database.json: panels[title=PostgreSQL up].targets[refId=A].expr",
				old:  `min(pg_up{job=~"postgres"})`, new: `max(pg_up{job=~"postgres"})`}},
			objects: 1,
		},
		{
			name: "NetworkPolicy ingress from 0.0.0.0/0",
			new: edited("shop-base.k8s.yaml", "NetworkPolicy", "shop", "backend-ingress", func(obj map[string]any) bool {
				rule := obj["spec"].(map[string]any)["ingress"].([]any)[0].(map[string]any)
				rule["from"] = append(rule["from"].([]any), map[string]any{"ipBlock": map[string]any{"cidr": "0.0.0.0/0"}})
				return true
			}),
			must: []want{
				{id: "NetworkPolicy/shop/backend-ingress", action: Changed, severity: Danger, code: CodeNetworkPolicyBroaden, message: "0.0.0.0/0"},
				{id: "NetworkPolicy/shop/backend-ingress", path: "spec.ingress[0].from[1]", old: "", new: "{ipBlock: {cidr: 0.0.0.0/0}}"},
			},
			objects: 1,
		},
		{
			name: "NetworkPolicy peer loses its podSelector",
			new: edited("shop-base.k8s.yaml", "NetworkPolicy", "shop", "backend-ingress", func(obj map[string]any) bool {
				peer := obj["spec"].(map[string]any)["ingress"].([]any)[1].(map[string]any)["from"].([]any)[0].(map[string]any)
				delete(peer, "podSelector")
				return true
			}),
			must:    []want{{id: "NetworkPolicy/shop/backend-ingress", severity: Warning, code: CodeNetworkPolicyBroaden, message: "drops the podSelector restriction"}},
			never:   []want{{id: "NetworkPolicy/shop/backend-ingress", severity: Danger, code: CodeNetworkPolicyBroaden}},
			objects: 1,
		},
		{
			name: "ClusterRole gains a wildcard rule",
			new: edited("monitoring.k8s.yaml", "ClusterRole", "", "monitoring-prometheus", func(obj map[string]any) bool {
				obj["rules"] = append(obj["rules"].([]any), map[string]any{"apiGroups": []any{"*"}, "resources": []any{"*"}, "verbs": []any{"*"}})
				return true
			}),
			must:    []want{{id: "ClusterRole//monitoring-prometheus", severity: Danger, code: CodeRBACBroaden, message: "* on * (apiGroup *)"}},
			objects: 1,
		},
		{
			name: "ClusterRole gains secrets",
			new: edited("monitoring.k8s.yaml", "ClusterRole", "", "monitoring-prometheus", func(obj map[string]any) bool {
				r := obj["rules"].([]any)[0].(map[string]any)
				r["resources"] = append(r["resources"].([]any), "secrets")
				return true
			}),
			must: []want{
				{id: "ClusterRole//monitoring-prometheus", severity: Danger, code: CodeRBACBroaden, message: "grants get, list, watch on secrets (apiGroup core)"},
				{id: "ClusterRole//monitoring-prometheus", path: "rules[0].resources", old: "[nodes, nodes/metrics, services, endpoints, pods]", new: "[nodes, nodes/metrics, services, endpoints, pods, secrets]"},
			},
			never:   []want{{id: "ClusterRole//monitoring-prometheus", code: CodeRBACBroaden, message: "on pods"}},
			objects: 1,
		},
		{
			name: "PodSecurity enforce restricted -> baseline",
			new: edited("shop-base.k8s.yaml", "Namespace", "", "shop", func(obj map[string]any) bool {
				obj["metadata"].(map[string]any)["labels"].(map[string]any)["pod-security.kubernetes.io/enforce"] = "baseline"
				return true
			}),
			must: []want{
				{id: "Namespace//shop", severity: Danger, code: CodePodSecurityWeakened, message: "restricted -> baseline"},
				{id: "Namespace//shop", path: "metadata.labels.pod-security.kubernetes.io/enforce", old: "restricted", new: "baseline"},
			},
			never:   []want{{id: "Namespace//shop", code: CodePodSecurityWeakened, message: "audit"}},
			objects: 1,
		},
		{
			name: "Job template changed under the same name",
			new: edited("shop-migrate.k8s.yaml", "Job", "shop", job, func(obj map[string]any) bool {
				c := dig(obj, "spec", "template", "spec", "containers").([]any)[0].(map[string]any)
				c["env"] = append(c["env"].([]any), map[string]any{"name": "SHOP_LOG_LEVEL", "value": "debug"})
				return true
			}),
			must: []want{
				{id: "Job/shop/" + job, severity: Danger, code: CodeImmutableField, message: "spec.template of a Job is immutable"},
				{id: "Job/shop/" + job, path: "spec.template.spec.containers[name=migrate].env[name=SHOP_LOG_LEVEL]", old: "", new: "{name: SHOP_LOG_LEVEL, value: debug}"},
			},
			objects: 1,
		},
		{
			// A setting the migration Job carries changes its template: the
			// Job is named after the tag and its template's hash, so it is a
			// new Job (the old one is not pruned), never an immutable-field
			// update the API server would refuse.
			name: "database pool size 20 -> 30 (the migration Job's env)",
			new:  prod(func(e *platform.Environment) { e.Database.PoolMaxConns = 30 }),
			must: []want{
				{id: "Job/shop/" + job, action: Removed, severity: Warning, code: CodeNotPruned},
				{id: "Job/shop/" + jobPool, action: Added},
				{id: backend, path: "spec.template.spec.containers[name=backend].env[name=SHOP_DATABASE_POOL_MAX_CONNS].value", old: "20", new: "30"},
			},
			never:   []want{{id: backend, code: CodeImmutableField}, {id: "Job/shop/" + job, code: CodeImmutableField}},
			objects: -1,
		},
		{
			name: "Service gets a fixed clusterIP",
			new: edited("shop.k8s.yaml", "Service", "shop", "backend", func(obj map[string]any) bool {
				obj["spec"].(map[string]any)["clusterIP"] = "172.20.10.10"
				return true
			}),
			must: []want{
				{id: "Service/shop/backend", severity: Danger, code: CodeImmutableField, message: "spec.clusterIP of a Service is immutable"},
				{id: "Service/shop/backend", path: "spec.clusterIP", old: "", new: "172.20.10.10"},
			},
			objects: 1,
		},
		{
			name: "NetworkPolicy removed",
			new:  edited("shop-base.k8s.yaml", "NetworkPolicy", "shop", "allow-dns", func(map[string]any) bool { return false }),
			must: []want{{id: "NetworkPolicy/shop/allow-dns", action: Removed, severity: Warning, code: CodeNotPruned,
				message: "not pruned: kubectl apply does not delete it; delete it by hand (kubectl delete networkpolicy.networking.k8s.io allow-dns -n shop)"}},
			objects: 1,
		},
		{
			name: "plain-text ConfigMap value",
			new: edited("cluster.k8s.yaml", "ConfigMap", "kube-system", "amazon-vpc-cni", func(obj map[string]any) bool {
				obj["data"].(map[string]any)["enable-network-policy-controller"] = "false"
				return true
			}),
			must:    []want{{id: "ConfigMap/kube-system/amazon-vpc-cni", path: "data.enable-network-policy-controller", old: "true", new: "false"}},
			objects: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldTree := base(t)
			newTree := tt.new(t)
			diffs, err := Kubernetes(oldTree, newTree)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("new tool:\n%s", dump(diffs))
			if tt.objects >= 0 && len(diffs) != tt.objects {
				t.Errorf("%d objects differ, want %d", len(diffs), tt.objects)
			}
			for _, w := range tt.must {
				if !anyMatch(w, diffs) {
					t.Errorf("missing: %s", w)
				}
			}
			for _, w := range tt.never {
				if anyMatch(w, diffs) {
					t.Errorf("unexpected: %s", w)
				}
			}
			// Every finding carries one of the model's codes.
			for _, d := range diffs {
				for _, f := range d.Findings {
					if !knownK8sCode[f.Code] {
						t.Errorf("%s: finding with unknown code %q", d.ID, f.Code)
					}
				}
			}
		})
	}
}

var knownK8sCode = map[string]bool{
	CodeImmutableField: true, CodeNetworkPolicyBroaden: true, CodeRBACBroaden: true,
	CodePodSecurityWeakened: true, CodeNotPruned: true, CodeImage: true,
}

func anyMatch(w want, diffs []ResourceDiff) bool {
	for _, d := range diffs {
		if w.matches(d) {
			return true
		}
	}
	return false
}
