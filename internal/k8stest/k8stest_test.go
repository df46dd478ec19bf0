package k8stest

// These tests run a real kube-apiserver and prove that the harness fails
// where a real cluster would refuse (or warn about) an object. They are never
// skipped: when the binaries are not cached yet, Binaries builds them, which
// takes about 5 minutes and 3 GB of memory on 2 cores the first time. Give
// the first run a generous timeout:
//
//	go test -timeout 30m ./internal/k8stest/
//
// Later runs reuse ${XDG_CACHE_HOME:-~/.cache}/shopstack/k8s-<hash>/ and take
// a few seconds plus about 3 s per API server start.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const restrictedNamespace = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
`

// A Deployment that meets PodSecurity "restricted".
const goodDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: web
          image: registry.example/web:1.0.0
          ports:
            - {name: http, containerPort: 8080}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
`

const rootDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: rooty
  namespace: shop
spec:
  selector:
    matchLabels: {app: rooty}
  template:
    metadata:
      labels: {app: rooty}
    spec:
      containers:
        - name: app
          image: registry.example/app:1.0.0
          securityContext:
            runAsUser: 0
`

const goodNodePool = `apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: general
spec:
  template:
    metadata:
      labels: {shopstack.io/pool: general}
    spec:
      nodeClassRef:
        group: eks.amazonaws.com
        kind: NodeClass
        name: private
      requirements:
        - key: eks.amazonaws.com/instance-category
          operator: In
          values: [c, m, r]
        - key: karpenter.sh/capacity-type
          operator: In
          values: [on-demand, spot]
        - key: kubernetes.io/arch
          operator: In
          values: [arm64]
      expireAfter: 336h
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 30s
    budgets:
      - nodes: "10%"
  limits:
    cpu: "64"
    memory: 256Gi
  weight: 10
`

const goodNodeClass = `apiVersion: eks.amazonaws.com/v1
kind: NodeClass
metadata:
  name: private
spec:
  role: shopstack-dev-node
  subnetSelectorTerms:
    - tags: {kubernetes.io/role/internal-elb: "1"}
  securityGroupSelectorTerms:
    - tags: {aws:eks:cluster-name: shopstack-dev}
  ephemeralStorage: {size: 100Gi, iops: 3000, throughput: 125}
  networkPolicy: DefaultDeny
  networkPolicyEventLogs: Enabled
  snatPolicy: Random
  tags: {app: shopstack}
`

const goodIngressClassParams = `apiVersion: eks.amazonaws.com/v1
kind: IngressClassParams
metadata:
  name: public-alb
spec:
  scheme: internet-facing
  ipAddressType: ipv4
  group: {name: shopstack}
  certificateARNs: ["arn:aws:acm:eu-west-1:111122223333:certificate/abc"]
  loadBalancerAttributes:
    - {key: idle_timeout.timeout_seconds, value: "60"}
`

func docs(d ...string) string { return strings.Join(d, "---\n") }

// TestHarness shares one API server between its subtests.
func TestHarness(t *testing.T) {
	srv := Start(t)

	if out, err := srv.Kubectl("version", "-o", "yaml"); err != nil || !strings.Contains(out, "gitVersion: v1.37.2") {
		t.Errorf("kubectl version: %v\n%s", err, out)
	}

	pass := func(t *testing.T, yamlDocs string) {
		t.Helper()
		if err := srv.CheckObjects(t, yamlDocs); err != nil {
			t.Fatalf("expected the API server to accept, got:\n%v", err)
		}
	}
	fail := func(t *testing.T, yamlDocs string, wants ...string) {
		t.Helper()
		err := srv.CheckObjects(t, yamlDocs)
		if err == nil {
			t.Fatalf("expected the API server to reject, but it accepted:\n%s", yamlDocs)
		}
		t.Logf("rejected as expected:\n%v", err)
		for _, w := range wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error does not mention %q:\n%v", w, err)
			}
		}
	}

	t.Run("good deployment in restricted namespace passes", func(t *testing.T) {
		pass(t, docs(restrictedNamespace, goodDeployment, `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
`, `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
`))
	})

	t.Run("root container is rejected (PodSecurity warning as error)", func(t *testing.T) {
		fail(t, docs(restrictedNamespace, rootDeployment),
			"Deployment shop/rooty", `would violate PodSecurity "restricted:latest"`, "runAsNonRoot", "1 warning received")
	})

	t.Run("namespace labels from the manifests take effect", func(t *testing.T) {
		// The same root Deployment passes in a namespace that opts out of
		// "restricted" through its own PodSecurity labels.
		pass(t, docs(`apiVersion: v1
kind: Namespace
metadata:
  name: legacy
  labels:
    pod-security.kubernetes.io/enforce: privileged
    pod-security.kubernetes.io/audit: privileged
    pod-security.kubernetes.io/warn: privileged
`, strings.ReplaceAll(rootDeployment, "namespace: shop", "namespace: legacy")))
	})

	t.Run("unknown field is rejected", func(t *testing.T) {
		fail(t, docs(restrictedNamespace, `apiVersion: v1
kind: Service
metadata: {name: typo, namespace: shop}
spec:
  selector: {app: web}
  prots:
    - {port: 80}
`), "Service shop/typo", ".spec.prots", "field not declared in schema")
	})

	t.Run("HPA with maxReplicas below minReplicas is rejected", func(t *testing.T) {
		fail(t, docs(restrictedNamespace, `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 5
  maxReplicas: 2
`), "HorizontalPodAutoscaler shop/web", "spec.maxReplicas")
	})

	t.Run("object in a namespace the manifests do not create is rejected", func(t *testing.T) {
		fail(t, strings.ReplaceAll(goodDeployment, "namespace: shop", "namespace: nowhere"),
			"Deployment nowhere/web", `namespaces "nowhere" not found`)
	})

	t.Run("valid EKS Auto Mode objects pass", func(t *testing.T) {
		pass(t, docs(goodNodeClass, goodNodePool, goodIngressClassParams, `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: public-alb}
spec:
  controller: eks.amazonaws.com/alb
  parameters: {apiGroup: eks.amazonaws.com, kind: IngressClassParams, name: public-alb}
`))
	})

	t.Run("NodePool with unknown field is rejected", func(t *testing.T) {
		bad := strings.Replace(goodNodePool, "  weight: 10\n", "  weight: 10\n  replicaz: 3\n", 1)
		fail(t, bad, "NodePool general", ".spec.replicaz", "field not declared in schema")
	})

	t.Run("NodePool with bad enum is rejected", func(t *testing.T) {
		// WhenUnderutilized was the v1beta1 spelling.
		bad := strings.Replace(goodNodePool, "consolidationPolicy: WhenEmptyOrUnderutilized", "consolidationPolicy: WhenUnderutilized", 1)
		fail(t, bad, "NodePool general", "spec.disruption.consolidationPolicy", "Unsupported value")
	})

	t.Run("NodePool CEL rules are enforced", func(t *testing.T) {
		bad := strings.Replace(goodNodePool, "values: [c, m, r]", "values: []", 1)
		fail(t, bad, "NodePool general", "requirements with operator 'In' must have a value defined")
		bad = strings.Replace(goodNodePool, "shopstack.io/pool: general", "karpenter.sh/nodepool: general", 1)
		fail(t, bad, "NodePool general", `label "karpenter.sh/nodepool" is restricted`)
	})

	t.Run("NodeClass without role or with bad enum is rejected", func(t *testing.T) {
		fail(t, strings.Replace(goodNodeClass, "  role: shopstack-dev-node\n", "", 1),
			"NodeClass private", "spec.role: Required value")
		fail(t, strings.Replace(goodNodeClass, "networkPolicy: DefaultDeny", "networkPolicy: Deny", 1),
			"NodeClass private", "spec.networkPolicy", "Unsupported value")
	})

	t.Run("IngressClassParams with bad scheme is rejected", func(t *testing.T) {
		fail(t, strings.Replace(goodIngressClassParams, "scheme: internet-facing", "scheme: public", 1),
			"IngressClassParams public-alb", "spec.scheme", "Unsupported value")
	})

	t.Run("DryRun returns the server's message per file", func(t *testing.T) {
		dir := t.TempDir()
		good := filepath.Join(dir, "good.yaml")
		bad := filepath.Join(dir, "bad.yaml")
		write(t, good, goodDeployment)
		write(t, bad, rootDeployment)
		if err := srv.DryRun(good); err != nil {
			t.Fatalf("DryRun(good): %v", err)
		}
		err := srv.DryRun(good, bad)
		if err == nil || !strings.Contains(err.Error(), "bad.yaml") || !strings.Contains(err.Error(), "PodSecurity") {
			t.Fatalf("DryRun(bad) = %v", err)
		}
		if strings.Contains(err.Error(), "good.yaml") {
			t.Errorf("good file reported as failing: %v", err)
		}
	})
}

// TestCheckManifestsDirectory is the way other packages use the harness: one
// call on a dist/<env>/k8s-like directory of multi-document files.
func TestCheckManifestsDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "00-namespaces.yaml"), restrictedNamespace)
	write(t, filepath.Join(dir, "10-web.yaml"), docs(goodDeployment, `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
`))
	write(t, filepath.Join(dir, "20-nodes.yaml"), docs(goodNodeClass, goodNodePool))
	CheckManifests(t, dir)

	// The same directory with two bad objects: each is reported by
	// kind/namespace/name, the good ones are not.
	write(t, filepath.Join(dir, "30-bad.yaml"), docs(rootDeployment,
		strings.Replace(goodNodePool, "name: general", "name: broken", 1)+"  bogus: true\n"))
	rec := &recorder{TB: t}
	Start(t).CheckManifests(rec, dir)
	err := rec.err()
	if err == nil {
		t.Fatal("expected failures")
	}
	msg := err.Error()
	for _, want := range []string{"Deployment shop/rooty (30-bad.yaml#1)", "NodePool broken (30-bad.yaml#2)", ".spec.bogus"} {
		if !strings.Contains(msg, want) {
			t.Errorf("report does not mention %q:\n%s", want, msg)
		}
	}
	if n := len(rec.msgs); n != 2 {
		t.Errorf("got %d failures, want 2:\n%s", n, msg)
	}
}

func TestSplitYAML(t *testing.T) {
	in := "# header\n---\na: 1\n---\n# only a comment\n--- \nb: 2\n---\n"
	got := SplitYAML([]byte(in))
	if len(got) != 2 || string(got[0]) != "a: 1\n" || string(got[1]) != "b: 2\n" {
		t.Fatalf("SplitYAML = %q", got)
	}
}

func TestReadManifestsRejectsAnonymousDocument(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadManifests(dir); err == nil {
		t.Fatal("expected an error for a document without metadata.name")
	}
}
