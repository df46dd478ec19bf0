package distdiff

import (
	"strings"
	"testing"
)

// k8sCase diffs one object (or a few) given inline, old and new.
type k8sCase struct {
	name     string
	old, new string
	must     []want
	never    []want
	objects  int
}

func runK8sCases(t *testing.T, cases []k8sCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			oldTree, newTree := Tree{}, Tree{}
			if tt.old != "" {
				oldTree["prod/k8s/a.k8s.yaml"] = []byte(tt.old)
			}
			if tt.new != "" {
				newTree["prod/k8s/a.k8s.yaml"] = []byte(tt.new)
			}
			diffs, err := Kubernetes(oldTree, newTree)
			if err != nil {
				t.Fatal(err)
			}
			if len(diffs) != tt.objects {
				t.Errorf("%d objects differ, want %d:\n%s", len(diffs), tt.objects, dump(diffs))
			}
			for _, w := range tt.must {
				if !anyMatch(w, diffs) {
					t.Errorf("missing: %s\n%s", w, dump(diffs))
				}
			}
			for _, w := range tt.never {
				if anyMatch(w, diffs) {
					t.Errorf("unexpected: %s\n%s", w, dump(diffs))
				}
			}
		})
	}
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: repo/api:1
          env:
            - {name: A, value: "1"}
            - {name: B, value: "2"}
          ports:
            - {name: http, containerPort: 8080}
        - name: sidecar
          image: repo/sidecar:1
`

func TestKubernetesFields(t *testing.T) {
	runK8sCases(t, []k8sCase{
		{
			name: "identical objects report nothing",
			old:  deployment, new: deployment,
		},
		{
			name: "formatting and key order alone report nothing",
			old:  deployment,
			new:  strings.Replace(deployment, "- {name: A, value: \"1\"}", "- value: \"1\"\n              name: A", 1),
		},
		{
			name: "env and containers are matched by name, not position",
			old:  deployment,
			new: strings.NewReplacer(
				"- {name: A, value: \"1\"}\n            - {name: B, value: \"2\"}", "- {name: B, value: \"3\"}\n            - {name: A, value: \"1\"}",
				"image: repo/sidecar:1", "image: repo/sidecar:2",
			).Replace(deployment),
			objects: 1,
			must: []want{
				{id: "Deployment/shop/api", action: Changed, path: "spec.template.spec.containers[name=api].env[name=B].value", old: "2", new: "3"},
				{id: "Deployment/shop/api", path: "spec.template.spec.containers[name=sidecar].image", old: "repo/sidecar:1", new: "repo/sidecar:2"},
				{id: "Deployment/shop/api", severity: Info, code: CodeImage, message: "image of container sidecar: repo/sidecar:1 -> repo/sidecar:2"},
			},
			never: []want{
				{id: "Deployment/shop/api", path: "spec.template.spec.containers[name=api].env[name=A].value", old: "*", new: "*"},
				{id: "Deployment/shop/api", code: CodeImmutableField},
			},
		},
		{
			name:    "a changed selector is refused by the API server",
			old:     deployment,
			new:     strings.Replace(deployment, "matchLabels: {app: api}", "matchLabels: {app: api, tier: web}", 1),
			objects: 1,
			must: []want{
				{id: "Deployment/shop/api", path: "spec.selector.matchLabels.tier", old: "", new: "web"},
				{id: "Deployment/shop/api", severity: Danger, code: CodeImmutableField, message: "the API server refuses this update: delete and re-create (spec.selector of a Deployment is immutable"},
			},
		},
		{
			name: "an added object",
			new:  deployment, objects: 1,
			must:  []want{{id: "Deployment/shop/api", action: Added}},
			never: []want{{id: "Deployment/shop/api", code: CodeNotPruned}},
		},
		{
			name: "a removed cluster-scoped object is not pruned",
			old:  "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: []\n",
			must: []want{{id: "ClusterRole//reader", action: Removed, severity: Warning, code: CodeNotPruned,
				message: "(kubectl delete clusterrole.rbac.authorization.k8s.io reader)"}},
			objects: 1,
		},
	})
}

func TestKubernetesMatchesAcrossFilesAndEnvironments(t *testing.T) {
	oldTree := Tree{
		"prod/k8s/a.k8s.yaml":                 []byte(deployment),
		"dev/k8s/a.k8s.yaml":                  []byte(deployment),
		"prod/cloudformation/x.template.json": []byte(`{"Resources": {}}`),
	}
	newTree := Tree{
		"prod/k8s/b.k8s.yaml": []byte(deployment), // moved to another chart file
		"dev/k8s/a.k8s.yaml":  []byte(strings.Replace(deployment, "repo/api:1", "repo/api:2", 1)),
	}
	diffs, err := Kubernetes(oldTree, newTree)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 1 || diffs[0].Env != "dev" || diffs[0].Layer != "k8s" || diffs[0].File != "a.k8s.yaml" ||
		diffs[0].Type != "apps/v1/Deployment" || diffs[0].ID != "Deployment/shop/api" {
		t.Fatalf("want only dev's image change, got:\n%s", dump(diffs))
	}
}

func TestKubernetesRejectsBrokenManifests(t *testing.T) {
	for _, doc := range []string{"kind: [unclosed", "apiVersion: v1\nkind: ConfigMap\n", "- a\n- b\n"} {
		if _, err := Kubernetes(Tree{}, Tree{"prod/k8s/a.yaml": []byte(doc)}); err == nil {
			t.Errorf("%q: a broken manifest must be an error, not an empty diff", doc)
		}
	}
}

const rulesConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: rules
  namespace: monitoring
data:
  log-level: info
  rules.yaml: |
    groups:
      - name: shop
        rules:
          - record: job:errors:rate5m
            expr: sum by (job) (rate(errors_total[5m]))
          - alert: HighErrorRate
            expr: job:errors:rate5m > 0.01
            labels: {severity: warning}
          - alert: HighErrorRate
            expr: job:errors:rate5m > 0.05
            labels: {severity: critical}
          - alert: Down
            expr: up == 0
  dashboard.json: |
    {"title": "Shop", "panels": [
      {"id": 1, "title": "Errors", "type": "timeseries", "targets": [{"refId": "A", "expr": "job:errors:rate5m"}, {"refId": "B", "expr": "up"}]},
      {"id": 2, "title": "Latency", "type": "timeseries", "targets": [{"refId": "A", "expr": "p99"}]}
    ]}
`

func TestKubernetesConfigMapPayloads(t *testing.T) {
	const id = "ConfigMap/monitoring/rules"
	runK8sCases(t, []k8sCase{
		{
			name: "a rule threshold names the alert and its severity",
			old:  rulesConfigMap, new: strings.Replace(rulesConfigMap, "> 0.05", "> 0.1", 1),
			objects: 1,
			must: []want{{id: id, path: "data.rules.yaml: groups[name=shop].rules[alert=HighErrorRate,severity=critical].expr",
				old: "job:errors:rate5m > 0.05", new: "job:errors:rate5m > 0.1"}},
			never: []want{{id: id, path: "data.rules.yaml", old: "*", new: "*"}},
		},
		{
			name:    "a recording rule and an alert with a unique name keep their names",
			old:     rulesConfigMap,
			new:     strings.NewReplacer("rate(errors_total[5m])", "rate(errors_total[1m])", "up == 0", "up < 1").Replace(rulesConfigMap),
			objects: 1,
			must: []want{
				{id: id, path: "data.rules.yaml: groups[name=shop].rules[record=job:errors:rate5m].expr", old: "sum by (job) (rate(errors_total[5m]))", new: "sum by (job) (rate(errors_total[1m]))"},
				{id: id, path: "data.rules.yaml: groups[name=shop].rules[alert=Down].expr", old: "up == 0", new: "up < 1"},
			},
		},
		{
			name: "a dashboard query names the panel by title and the query by refId",
			old:  rulesConfigMap, new: strings.Replace(rulesConfigMap, `"expr": "up"`, `"expr": "up == 1"`, 1),
			objects: 1,
			must:    []want{{id: id, path: "data.dashboard.json: panels[title=Errors].targets[refId=B].expr", old: "up", new: "up == 1"}},
		},
		{
			name:    "an added rule",
			old:     rulesConfigMap,
			new:     strings.Replace(rulesConfigMap, "          - alert: Down\n", "          - alert: Slow\n            expr: p99 > 1\n          - alert: Down\n", 1),
			objects: 1,
			must:    []want{{id: id, path: "data.rules.yaml: groups[name=shop].rules[alert=Slow]", old: "", new: "{alert: Slow, expr: p99 > 1}"}},
		},
		{
			name:    "plain text values, added and removed keys",
			old:     rulesConfigMap,
			new:     strings.Replace(strings.Replace(rulesConfigMap, "log-level: info", "log-level: debug", 1), "\ndata:\n", "\ndata:\n  extra: x\n", 1),
			objects: 1,
			must: []want{
				{id: id, path: "data.log-level", old: "info", new: "debug"},
				{id: id, path: "data.extra", old: "", new: "x"},
			},
		},
		{
			name: "reformatting a payload is said so",
			old:  rulesConfigMap, new: strings.Replace(rulesConfigMap, `{"title": "Shop", `, `{"title":  "Shop", `, 1),
			objects: 1,
			must:    []want{{id: id, path: "data.dashboard.json (formatting only)", old: "*", new: "*"}},
		},
	})
}

const netpol = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: api}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {name: monitoring}}
          podSelector: {matchLabels: {app: prometheus}}
      ports:
        - {port: 8080, protocol: TCP}
  egress:
    - to:
        - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.5.0/24]}
      ports:
        - {port: 5432, protocol: TCP}
`

func TestKubernetesNetworkPolicyFindings(t *testing.T) {
	const id = "NetworkPolicy/shop/api"
	broaden := func(sev Severity, msg string) want {
		return want{id: id, severity: sev, code: CodeNetworkPolicyBroaden, message: msg}
	}
	runK8sCases(t, []k8sCase{
		{
			name: "a policyType removed", old: netpol, objects: 1,
			new:  strings.Replace(netpol, "[Ingress, Egress]", "[Ingress]", 1),
			must: []want{broaden(Warning, "policyType Egress removed")},
		},
		{
			name: "a new port for an admitted peer", old: netpol, objects: 1,
			new:  strings.Replace(netpol, "- {port: 8080, protocol: TCP}", "- {port: 8080, protocol: TCP}\n        - {port: 9090, protocol: TCP}", 1),
			must: []want{broaden(Warning, "a new port for a peer already admitted")},
		},
		{
			name: "the namespaceSelector dropped", old: netpol, objects: 1,
			new:   strings.Replace(netpol, "        - namespaceSelector: {matchLabels: {name: monitoring}}\n          podSelector", "        - podSelector", 1),
			must:  []want{broaden(Warning, "drops the namespaceSelector restriction")},
			never: []want{broaden(Danger, "")},
		},
		{
			name: "a wider ipBlock", old: netpol, objects: 1,
			new:  strings.Replace(netpol, "cidr: 10.0.0.0/16", "cidr: 10.0.0.0/8", 1),
			must: []want{broaden(Warning, "an ipBlock wider than")},
		},
		{
			name: "fewer exceptions", old: netpol, objects: 1,
			new:  strings.Replace(netpol, ", except: [10.0.5.0/24]", "", 1),
			must: []want{broaden(Warning, "an ipBlock wider than")},
		},
		{
			name: "egress to ::/0 is dangerous", old: netpol, objects: 1,
			new:  strings.Replace(netpol, "cidr: 10.0.0.0/16, except: [10.0.5.0/24]", "cidr: \"::/0\"", 1),
			must: []want{broaden(Danger, "opens it to every address")},
		},
		{
			name: "a narrower policy is no finding", old: netpol, objects: 1,
			new:   strings.Replace(netpol, "cidr: 10.0.0.0/16", "cidr: 10.0.1.0/24", 1),
			never: []want{{id: id, code: CodeNetworkPolicyBroaden}},
		},
		{
			name: "a new allow-all policy", objects: 1,
			new:  strings.Replace(netpol, "- namespaceSelector: {matchLabels: {name: monitoring}}\n          podSelector: {matchLabels: {app: prometheus}}", "- ipBlock: {cidr: 0.0.0.0/0}", 1),
			must: []want{{id: id, action: Added, severity: Danger, code: CodeNetworkPolicyBroaden, message: "0.0.0.0/0"}},
		},
	})
}

const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: shop
rules:
  - apiGroups: [""]
    resources: [pods, services]
    verbs: [get, list, watch]
  - apiGroups: [apps]
    resources: ["*"]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
  namespace: shop
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
  - {kind: ServiceAccount, name: api, namespace: shop}
`

func TestKubernetesRBACFindings(t *testing.T) {
	const r, b = "Role/shop/reader", "RoleBinding/shop/reader"
	runK8sCases(t, []k8sCase{
		{
			name: "a new verb", old: role, objects: 1,
			new:   strings.Replace(role, "verbs: [get, list, watch]", "verbs: [get, list, watch, delete]", 1),
			must:  []want{{id: r, severity: Warning, code: CodeRBACBroaden, message: "grants delete on pods (apiGroup core)"}},
			never: []want{{id: r, code: CodeRBACBroaden, message: "get on pods"}},
		},
		{
			name: "pods/exec", old: role, objects: 1,
			new:  strings.Replace(role, "resources: [pods, services]", "resources: [pods, services, pods/exec]", 1),
			must: []want{{id: r, severity: Danger, code: CodeRBACBroaden, message: "on pods/exec"}},
		},
		{
			name: "a grant already covered by a wildcard is no finding", old: role, objects: 1,
			new:   strings.Replace(role, "verbs: [get]", "verbs: [get]\n  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [get]", 1),
			never: []want{{id: r, code: CodeRBACBroaden}},
		},
		{
			name: "fewer rights is no finding", old: role, objects: 1,
			new:   strings.Replace(role, "verbs: [get, list, watch]", "verbs: [get]", 1),
			never: []want{{id: r, code: CodeRBACBroaden}},
		},
		{
			name: "a new subject", old: role, objects: 1,
			new:  role + "  - {kind: Group, name: developers}\n",
			must: []want{{id: b, severity: Warning, code: CodeRBACBroaden, message: "binds Group developers to Role/reader"}},
		},
		{
			name: "roleRef is immutable", old: role, objects: 1,
			new:  strings.Replace(role, "kind: Role, name: reader}", "kind: ClusterRole, name: cluster-admin}", 1),
			must: []want{{id: b, severity: Danger, code: CodeImmutableField, message: "roleRef of a RoleBinding is immutable"}},
		},
	})
}

const namespace = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/warn: baseline
`

func TestKubernetesPodSecurityFindings(t *testing.T) {
	const id = "Namespace//shop"
	runK8sCases(t, []k8sCase{
		{
			name: "enforce removed", old: namespace, objects: 1,
			new:  strings.Replace(namespace, "    pod-security.kubernetes.io/enforce: restricted\n", "", 1),
			must: []want{{id: id, severity: Danger, code: CodePodSecurityWeakened, message: "pod-security.kubernetes.io/enforce removed (was restricted)"}},
		},
		{
			name: "audit to privileged", old: namespace, objects: 1,
			new:  strings.Replace(namespace, "audit: restricted", "audit: privileged", 1),
			must: []want{{id: id, severity: Danger, code: CodePodSecurityWeakened, message: "audit weakened: restricted -> privileged"}},
		},
		{
			name: "warn strengthened is no finding", old: namespace, objects: 1,
			new:   strings.Replace(namespace, "warn: baseline", "warn: restricted", 1),
			never: []want{{id: id, code: CodePodSecurityWeakened}},
		},
	})
}

func TestKubernetesHidesSecretValues(t *testing.T) {
	const secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData:\n  password: hunter2\n"
	runK8sCases(t, []k8sCase{{
		name: "a changed Secret value", old: secret, objects: 1,
		new:   strings.Replace(secret, "hunter2", "hunter3", 1),
		must:  []want{{id: "Secret/shop/db", path: "stringData.password", old: "(hidden)", new: "(hidden)"}},
		never: []want{{id: "Secret/shop/db", path: "stringData.password", old: "hunter2", new: "*"}},
	}})
}

func TestKubernetesImmutableFields(t *testing.T) {
	const svc = "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec:\n  clusterIP: 172.20.0.10\n  ports: [{port: 80}]\n"
	const pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: shop}\nspec:\n  storageClassName: gp2\n  resources: {requests: {storage: 1Gi}}\n"
	const sts = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop}\nspec:\n  serviceName: db\n  replicas: 1\n  selector: {matchLabels: {app: db}}\n"
	runK8sCases(t, []k8sCase{
		{
			name: "dropping a clusterIP keeps the allocated one", old: svc, objects: 1,
			new:   strings.Replace(svc, "  clusterIP: 172.20.0.10\n", "", 1),
			never: []want{{id: "Service/shop/api", code: CodeImmutableField}},
		},
		{
			name: "PVC storageClassName", old: pvc, objects: 1,
			new:  strings.Replace(pvc, "gp2", "gp3", 1),
			must: []want{{id: "PersistentVolumeClaim/shop/data", severity: Danger, code: CodeImmutableField, message: "spec.storageClassName"}},
		},
		{
			name: "PVC size is no immutable finding", old: pvc, objects: 1,
			new:   strings.Replace(pvc, "1Gi", "2Gi", 1),
			never: []want{{id: "PersistentVolumeClaim/shop/data", code: CodeImmutableField}},
		},
		{
			name: "StatefulSet serviceName", old: sts, objects: 1,
			new:  strings.Replace(sts, "serviceName: db", "serviceName: db-headless", 1),
			must: []want{{id: "StatefulSet/shop/db", severity: Danger, code: CodeImmutableField, message: "spec.serviceName of a StatefulSet is immutable"}},
		},
		{
			name: "StatefulSet replicas is mutable", old: sts, objects: 1,
			new:   strings.Replace(sts, "replicas: 1", "replicas: 3", 1),
			must:  []want{{id: "StatefulSet/shop/db", path: "spec.replicas", old: "1", new: "3"}},
			never: []want{{id: "StatefulSet/shop/db", code: CodeImmutableField}},
		},
	})
}
