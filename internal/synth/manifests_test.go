package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/internal/k8stest"
	"github.com/shopstack/shopstack/platform"
)

// The tests below read every generated file of every environment, exactly
// as `go run ./cmd/synth` writes dist/: the storefront charts, ExternalDNS
// and monitoring, and the CloudFormation templates beside them.

var (
	distOnce sync.Once
	distRoot string
	distErr  error
	distEnvs []platform.Environment
)

func TestMain(m *testing.M) {
	code := m.Run()
	if distRoot != "" {
		os.RemoveAll(distRoot)
	}
	os.Exit(code)
}

// synthesized runs Run once for every environment into a temporary dist/.
func synthesized(t *testing.T) (string, []platform.Environment) {
	t.Helper()
	distOnce.Do(func() {
		distEnvs, distErr = platform.All()
		if distErr != nil {
			return
		}
		if distRoot, distErr = os.MkdirTemp("", "shopstack-dist-"); distErr != nil {
			return
		}
		distErr = Run(filepath.Join(distRoot, "dist"), distEnvs)
	})
	if distErr != nil {
		t.Fatalf("synth: %v", distErr)
	}
	return filepath.Join(distRoot, "dist"), distEnvs
}

// forEachEnv runs f with the Kubernetes objects of each environment.
func forEachEnv(t *testing.T, f func(t *testing.T, env platform.Environment, dir string, objs []k8stest.Object)) {
	dist, envs := synthesized(t)
	for _, env := range envs {
		t.Run(env.Name, func(t *testing.T) {
			dir := filepath.Join(dist, env.Name)
			objs, err := k8stest.ReadManifests(filepath.Join(dir, KubernetesDir))
			if err != nil {
				t.Fatal(err)
			}
			f(t, env, dir, objs)
		})
	}
}

func decode(t *testing.T, o k8stest.Object, into any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(o.YAML, into); err != nil {
		t.Fatalf("%s: %v", o, err)
	}
}

// podTemplate is the pod template of a workload object (nil for others).
func podTemplate(t *testing.T, o k8stest.Object) *corev1.PodTemplateSpec {
	t.Helper()
	switch o.Kind {
	case "Deployment":
		var d appsv1.Deployment
		decode(t, o, &d)
		return &d.Spec.Template
	case "StatefulSet":
		var s appsv1.StatefulSet
		decode(t, o, &s)
		return &s.Spec.Template
	case "DaemonSet":
		var d appsv1.DaemonSet
		decode(t, o, &d)
		return &d.Spec.Template
	case "ReplicaSet":
		var r appsv1.ReplicaSet
		decode(t, o, &r)
		return &r.Spec.Template
	case "Job":
		var j batchv1.Job
		decode(t, o, &j)
		return &j.Spec.Template
	case "CronJob":
		var c batchv1.CronJob
		decode(t, o, &c)
		return &c.Spec.JobTemplate.Spec.Template
	case "Pod":
		var p corev1.Pod
		decode(t, o, &p)
		return &corev1.PodTemplateSpec{ObjectMeta: p.ObjectMeta, Spec: p.Spec}
	}
	return nil
}

// allContainers are a pod's init and regular containers.
func allContainers(spec corev1.PodSpec) []corev1.Container {
	return append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...)
}

// forbiddenResources are RBAC resources that reach into running
// containers: pods/exec and pods/attach, and nodes/proxy, which opens
// every kubelet API, exec and attach included, to a plain GET
// ("Kubelet authentication/authorization",
// https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#get-nodes-proxy-warning).
var forbiddenResources = map[string]bool{"nodes/proxy": true, "pods/exec": true, "pods/attach": true}

// rbacProblems lists what a rule of a Role or ClusterRole may never do:
// name a forbidden resource, or use a wildcard in verbs, resources or
// apiGroups (which would grant those resources, and everything added
// later, implicitly).
func rbacProblems(rules []rbacv1.PolicyRule) []string {
	var out []string
	for i, r := range rules {
		for field, values := range map[string][]string{"verbs": r.Verbs, "resources": r.Resources, "apiGroups": r.APIGroups} {
			for _, v := range values {
				if strings.Contains(v, "*") {
					out = append(out, fmt.Sprintf("rule %d: wildcard %q in %s", i, v, field))
				}
			}
		}
		for _, res := range r.Resources {
			if forbiddenResources[res] {
				out = append(out, fmt.Sprintf("rule %d: resource %s", i, res))
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestNoDangerousRBAC: no Role or ClusterRole of any manifest grants
// nodes/proxy, pods/exec or pods/attach, or uses a wildcard in verbs,
// resources or apiGroups.
func TestNoDangerousRBAC(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, _ string, objs []k8stest.Object) {
		roles := 0
		for _, o := range objs {
			if o.Kind != "Role" && o.Kind != "ClusterRole" {
				continue
			}
			roles++
			var rules []rbacv1.PolicyRule
			if o.Kind == "Role" {
				var r rbacv1.Role
				decode(t, o, &r)
				rules = r.Rules
			} else {
				var r rbacv1.ClusterRole
				decode(t, o, &r)
				rules = r.Rules
				if r.AggregationRule != nil {
					t.Errorf("%s: aggregated ClusterRole: its rules are not in the manifests to check", o)
				}
			}
			for _, p := range rbacProblems(rules) {
				t.Errorf("%s: %s", o, p)
			}
		}
		// Prometheus, kube-state-metrics, ExternalDNS.
		if roles < 3 {
			t.Errorf("only %d Roles/ClusterRoles found: the check looked at too little", roles)
		}
	})
}

func TestRBACCheckCatchesDangerousRules(t *testing.T) {
	for _, c := range []struct {
		rule rbacv1.PolicyRule
		want string
	}{
		{rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"nodes/proxy"}, Verbs: []string{"get"}}, "resource nodes/proxy"},
		{rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create"}}, "resource pods/exec"},
		{rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods/attach"}, Verbs: []string{"get"}}, "resource pods/attach"},
		{rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"*"}}, `wildcard "*" in verbs`},
		{rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"nodes/*"}, Verbs: []string{"get"}}, `wildcard "nodes/*" in resources`},
		{rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"pods"}, Verbs: []string{"get"}}, `wildcard "*" in apiGroups`},
	} {
		got := strings.Join(rbacProblems([]rbacv1.PolicyRule{c.rule}), "; ")
		if !strings.Contains(got, c.want) {
			t.Errorf("%+v: problems %q, want %q", c.rule, got, c.want)
		}
	}
	if got := rbacProblems([]rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"nodes", "nodes/metrics"}, Verbs: []string{"get", "list", "watch"}}}); len(got) != 0 {
		t.Errorf("read-only rule flagged: %v", got)
	}
}

// TestStatefulSetsHaveHeadlessServices: every StatefulSet's serviceName
// names a headless Service (clusterIP: None) of its namespace, in the
// manifests, that selects the StatefulSet's pods. "StatefulSets currently
// require a Headless Service to be responsible for the network identity of
// the Pods. You are responsible for creating this Service."
// (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations)
func TestStatefulSetsHaveHeadlessServices(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, _ string, objs []k8stest.Object) {
		services := map[string]corev1.Service{}
		for _, o := range objs {
			if o.Kind == "Service" {
				var s corev1.Service
				decode(t, o, &s)
				services[s.Namespace+"/"+s.Name] = s
			}
		}
		sets := 0
		for _, o := range objs {
			if o.Kind != "StatefulSet" {
				continue
			}
			sets++
			var s appsv1.StatefulSet
			decode(t, o, &s)
			if s.Spec.ServiceName == "" {
				t.Errorf("%s: no serviceName", o)
				continue
			}
			svc, ok := services[s.Namespace+"/"+s.Spec.ServiceName]
			switch {
			case !ok:
				t.Errorf("%s: serviceName %q: no such Service in namespace %s", o, s.Spec.ServiceName, s.Namespace)
			case svc.Spec.ClusterIP != corev1.ClusterIPNone:
				t.Errorf("%s: serviceName %q is not headless (clusterIP %q, want None)", o, s.Spec.ServiceName, svc.Spec.ClusterIP)
			case len(svc.Spec.Selector) == 0 || !selects(svc.Spec.Selector, s.Spec.Template.Labels):
				t.Errorf("%s: Service %s selects %v, not the pods %v", o, svc.Name, svc.Spec.Selector, s.Spec.Template.Labels)
			}
		}
		if sets < 2 {
			t.Errorf("only %d StatefulSets found (Prometheus, AlertManager): the check looked at too little", sets)
		}
	})
}

func selects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// minUID is the lowest uid a container may run as: above the ranges
// images and hosts give their own users, so that a container escape does
// not land on a uid that owns something on the node.
const minUID = 10000

// uidException is a container allowed below minUID, and why.
type uidException struct {
	uid    int64
	reason string
}

// uidExceptions are the containers that run below minUID, keyed by
// "<namespace>/<kind>/<name>/<container>", each with the one uid it may
// use. Keep it short: every entry needs a reason an image documents.
func uidExceptions(env platform.Environment) map[string]uidException {
	return map[string]uidException{
		// nginx-unprivileged (the base of client/Dockerfile) documents
		// another uid only by rebuilding the base image with --build-arg
		// UID=... GID=... (nginx/docker-nginx-unprivileged README,
		// Troubleshooting Tips); the frontend image cannot be built or
		// tested here (no Docker), so it keeps the image's 101 until that
		// rebuild is done and tested.
		env.Names.Namespace + "/Deployment/" + env.Names.Frontend + "/" + env.Names.Frontend: {
			uid: contract.FrontendUID, reason: "nginx-unprivileged: another uid needs a rebuilt base image",
		},
	}
}

// TestContainersRunAsHighUID: every container of every pod template runs
// as an explicit uid >= minUID (the container's runAsUser, else the
// pod's), unless uidExceptions names it with exactly that uid; an
// exception that no longer matches anything fails too.
func TestContainersRunAsHighUID(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, _ string, objs []k8stest.Object) {
		exceptions := uidExceptions(env)
		used := map[string]bool{}
		containers := 0
		for _, o := range objs {
			tpl := podTemplate(t, o)
			if tpl == nil {
				continue
			}
			for _, c := range allContainers(tpl.Spec) {
				containers++
				key := o.Namespace + "/" + o.Kind + "/" + o.Name + "/" + c.Name
				var uid *int64
				if ps := tpl.Spec.SecurityContext; ps != nil {
					uid = ps.RunAsUser
				}
				if cs := c.SecurityContext; cs != nil && cs.RunAsUser != nil {
					uid = cs.RunAsUser
				}
				if uid == nil {
					t.Errorf("%s: no runAsUser: the image's USER decides", key)
					continue
				}
				if ex, ok := exceptions[key]; ok {
					used[key] = true
					if *uid != ex.uid {
						t.Errorf("%s: runs as %d, but its exception allows only %d (%s)", key, *uid, ex.uid, ex.reason)
					}
					continue
				}
				if *uid < minUID {
					t.Errorf("%s: runAsUser %d, want >= %d (or an entry with its reason in uidExceptions)", key, *uid, minUID)
				}
			}
		}
		for key := range exceptions {
			if !used[key] {
				t.Errorf("uidExceptions: %s matches no container: remove it", key)
			}
		}
		if containers < 8 {
			t.Errorf("only %d containers found: the check looked at too little", containers)
		}
	})
}

// TestThirdPartyImagesThroughPullThroughCache: every container image is
// either the project's own (ECR repositories of the edge stack) or lives
// under a prefix that an AWS::ECR::PullThroughCacheRule of the same
// environment's edge template defines, in the environment's own registry:
// no node pulls from a public registry directly.
func TestThirdPartyImagesThroughPullThroughCache(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, dir string, objs []k8stest.Object) {
		tpl := readTemplate(t, filepath.Join(dir, CloudFormationDir, env.StackName("edge")+".template.json"))
		var prefixes []string
		for _, id := range tpl.ofType("AWS::ECR::PullThroughCacheRule") {
			props := tpl.props(t, id)
			p, ok := props["EcrRepositoryPrefix"].(string)
			if !ok {
				t.Errorf("edge %s: EcrRepositoryPrefix %v is not a literal", id, props["EcrRepositoryPrefix"])
				continue
			}
			prefixes = append(prefixes, p)
		}
		if len(prefixes) == 0 {
			t.Fatal("the edge template defines no pull-through cache rule")
		}
		own := map[string]bool{env.BackendImage(): true, env.FrontendImage(): true}
		thirdParty := map[string]bool{}
		for _, o := range objs {
			tpl := podTemplate(t, o)
			if tpl == nil {
				continue
			}
			for _, c := range allContainers(tpl.Spec) {
				if own[c.Image] {
					continue
				}
				thirdParty[c.Image] = true
				ok := false
				for _, p := range prefixes {
					ok = ok || strings.HasPrefix(c.Image, env.Registry()+"/"+p+"/")
				}
				if !ok {
					t.Errorf("%s/%s: image %q is not under a pull-through cache prefix of %s (%v)", o, c.Name, c.Image, env.Registry(), prefixes)
				}
			}
		}
		// Prometheus, AlertManager, Grafana, kube-state-metrics,
		// postgres_exporter, ExternalDNS, the nginx exporter.
		if len(thirdParty) < 7 {
			t.Errorf("only %d third-party images found: the check looked at too little", len(thirdParty))
		}
	})
}
