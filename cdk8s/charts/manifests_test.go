package charts_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// typed maps every built-in kind the charts emit to its k8s.io/api type.
// A kind missing here fails TestStrictDecode: add it with its type.
var typed = map[string]func() any{
	"v1/ConfigMap":                                    func() any { return &corev1.ConfigMap{} },
	"v1/Namespace":                                    func() any { return &corev1.Namespace{} },
	"v1/ServiceAccount":                               func() any { return &corev1.ServiceAccount{} },
	"v1/Service":                                      func() any { return &corev1.Service{} },
	"v1/LimitRange":                                   func() any { return &corev1.LimitRange{} },
	"v1/ResourceQuota":                                func() any { return &corev1.ResourceQuota{} },
	"apps/v1/Deployment":                              func() any { return &appsv1.Deployment{} },
	"batch/v1/Job":                                    func() any { return &batchv1.Job{} },
	"batch/v1/CronJob":                                func() any { return &batchv1.CronJob{} },
	"autoscaling/v2/HorizontalPodAutoscaler":          func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1/PodDisruptionBudget":                   func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy":              func() any { return &networkingv1.NetworkPolicy{} },
	"networking.k8s.io/v1/Ingress":                    func() any { return &networkingv1.Ingress{} },
	"networking.k8s.io/v1/IngressClass":               func() any { return &networkingv1.IngressClass{} },
	"rbac.authorization.k8s.io/v1/ClusterRole":        func() any { return &rbacv1.ClusterRole{} },
	"rbac.authorization.k8s.io/v1/ClusterRoleBinding": func() any { return &rbacv1.ClusterRoleBinding{} },
}

// customGroups are CRD kinds; the API server test validates them against
// the CRDs in internal/k8stest/testdata/crds.
var customGroups = []string{"karpenter.sh/", "eks.amazonaws.com/"}

// TestStrictDecode decodes every document into its k8s.io/api type with
// unknown and duplicate fields refused, and checks that every name is
// explicit (no cdk8s hash suffix) and unique per kind and namespace.
func TestStrictDecode(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		seen := map[string]bool{}
		for _, d := range docs {
			key := d.APIVersion + "/" + d.Kind
			id := key + " " + d.Namespace + "/" + d.Name
			if seen[id] {
				t.Errorf("%s: defined twice", d)
			}
			seen[id] = true
			if d.Name == "" {
				t.Errorf("%s: no metadata.name", d)
			}
			custom := false
			for _, g := range customGroups {
				custom = custom || strings.HasPrefix(d.APIVersion, g)
			}
			if custom {
				continue
			}
			newObj, ok := typed[key]
			if !ok {
				t.Errorf("%s: kind %s has no k8s.io/api type in this test", d, key)
				continue
			}
			if err := yaml.UnmarshalStrict(d.Raw, newObj()); err != nil {
				t.Errorf("%s: %v", d, err)
			}
		}
	})
}

// TestChartFiles pins the file layout that docs/kubernetes.md's apply order
// names.
func TestChartFiles(t *testing.T) {
	for name, dir := range envDirs(t) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		var got []string
		for _, f := range files {
			got = append(got, filepath.Base(f))
		}
		want := []string{"cluster.k8s.yaml", "external-dns.k8s.yaml", "shop-base.k8s.yaml", "shop-migrate.k8s.yaml", "shop.k8s.yaml"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: files %v, want %v", name, got, want)
		}
	}
}

// workloadCase is what one Deployment must be, derived from the config and
// the contracts, never from the charts' own constants where a contract exists.
type workloadCase struct {
	name, namespace    string
	image              string
	port               int
	portName           string
	livenessPath       string
	readinessPath      string
	uid                int64
	sizing             *platform.Workload // nil: no HPA (fixed replicas)
	cpuReq, cpuLim     string
	memReq, memLim     string
	serviceAccount     string
	wantService        bool
	wantPDB            bool
	writable           []string
	drainAfterSIGTERMs int // seconds the process needs after SIGTERM
	// sidecars are the containers after the server's, in order. With
	// sidecars the HPA must scale on the server container alone.
	sidecars []sidecarCase
}

// sidecarCase is one helper container of a workload's pods.
type sidecarCase struct {
	name, image    string
	args           []string
	port           int
	portName       string
	probePath      string
	uid            int64
	cpuReq, cpuLim string
	memReq, memLim string
}

// nginxExporter is what the monitoring doc asks of the frontend's sidecar:
// it reads nginx's loopback stub_status (the platform contract) and serves
// metrics on 9113, named "metrics", with small pinned resources; the
// pinned release comes from Quay through env's pull-through cache and runs
// as nobody (65534, the image writes nothing).
func nginxExporter(env platform.Environment) sidecarCase {
	return sidecarCase{
		name: "nginx-exporter", image: env.Registry() + "/shopstack-" + env.Name + "/quay/nginx/nginx-prometheus-exporter:1.4.2",
		args: []string{
			fmt.Sprintf("--nginx.scrape-uri=http://127.0.0.1:%d%s", contract.FrontendStatusPort, contract.FrontendStatusPath),
			"--web.listen-address=:9113", "--web.telemetry-path=/metrics",
		},
		port: 9113, portName: "metrics", probePath: "/metrics", uid: 65534,
		cpuReq: "10m", cpuLim: "50m", memReq: "16Mi", memLim: "32Mi",
	}
}

func workloadCases(env platform.Environment) []workloadCase {
	q := func(m int) string { return resource.NewMilliQuantity(int64(m), resource.DecimalSI).String() }
	mi := func(m int) string { return resource.NewQuantity(int64(m)*1024*1024, resource.BinarySI).String() }
	backend, frontend := env.Backend, env.Frontend
	return []workloadCase{
		{
			name: env.Names.Backend, namespace: env.Names.Namespace, image: env.BackendImage(),
			port: contract.Port, portName: contract.PortName,
			livenessPath: contract.PathHealthz, readinessPath: contract.PathReadyz, uid: 65532,
			sizing: &backend,
			cpuReq: q(backend.CPURequestMilli), cpuLim: q(backend.CPULimitMilli),
			memReq: mi(backend.MemoryRequestMiB), memLim: mi(backend.MemoryLimitMiB),
			serviceAccount: env.Names.BackendServiceAccount, wantService: true, wantPDB: true,
			writable: []string{"/tmp"}, drainAfterSIGTERMs: charts.BackendDrainDelaySeconds + charts.BackendShutdownTimeoutSeconds,
		},
		{
			name: env.Names.Frontend, namespace: env.Names.Namespace, image: env.FrontendImage(),
			port: contract.FrontendPort, portName: contract.FrontendPortName,
			livenessPath: contract.FrontendHealthPath, readinessPath: contract.FrontendHealthPath, uid: contract.FrontendUID,
			sizing: &frontend,
			cpuReq: q(frontend.CPURequestMilli), cpuLim: q(frontend.CPULimitMilli),
			memReq: mi(frontend.MemoryRequestMiB), memLim: mi(frontend.MemoryLimitMiB),
			serviceAccount: "default", wantService: true, wantPDB: true,
			writable: []string{"/tmp", "/var/cache/nginx", "/var/run"}, drainAfterSIGTERMs: 10,
			sidecars: []sidecarCase{nginxExporter(env)},
		},
		{
			name: "external-dns", namespace: env.Names.ExternalDNSNamespace, image: env.Registry() + "/shopstack-" + env.Name + "/k8s/external-dns/external-dns:v0.19.0",
			port: charts.ExternalDNSPort, portName: "http",
			livenessPath: "/healthz", readinessPath: "/healthz", uid: 65532,
			cpuReq: "50m", cpuLim: "100m", memReq: "64Mi", memLim: "128Mi",
			serviceAccount: env.Names.ExternalDNSServiceAccount, writable: []string{"/tmp"},
		},
	}
}

// TestWorkloads checks every Deployment against its row: resources, the
// three probes on the contract paths and the container port, restricted
// security context, drain timing, spread, HPA and PDB.
func TestWorkloads(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		cases := workloadCases(env)
		var deployments int
		for _, d := range docs {
			if d.Kind == "Deployment" {
				deployments++
			}
		}
		if deployments != len(cases) {
			t.Errorf("%d Deployments in the manifests, %d in this table: add the new one", deployments, len(cases))
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var dep appsv1.Deployment
				find(t, docs, "Deployment", tc.namespace, tc.name, &dep)
				pod := dep.Spec.Template.Spec
				if len(pod.Containers) != 1+len(tc.sidecars) {
					t.Fatalf("%d containers, want 1 + %d sidecars", len(pod.Containers), len(tc.sidecars))
				}
				if len(pod.InitContainers) != 0 {
					t.Errorf("%d init containers, want none", len(pod.InitContainers))
				}
				c := pod.Containers[0]
				if c.Name != tc.name {
					t.Errorf("first container %q, want the server %q", c.Name, tc.name)
				}
				checkImage(t, c.Image, tc.image)
				for i, sc := range tc.sidecars {
					checkSidecar(t, pod, pod.Containers[1+i], sc)
				}
				checkPodSecurity(t, pod, c, tc.uid)
				checkWritable(t, pod, c, tc.writable)
				if got := pod.ServiceAccountName; got != tc.serviceAccount {
					t.Errorf("serviceAccountName %q, want %q", got, tc.serviceAccount)
				}

				// Resources from the config.
				for _, r := range []struct {
					what string
					list corev1.ResourceList
					name corev1.ResourceName
					want string
				}{
					{"requests.cpu", c.Resources.Requests, corev1.ResourceCPU, tc.cpuReq},
					{"limits.cpu", c.Resources.Limits, corev1.ResourceCPU, tc.cpuLim},
					{"requests.memory", c.Resources.Requests, corev1.ResourceMemory, tc.memReq},
					{"limits.memory", c.Resources.Limits, corev1.ResourceMemory, tc.memLim},
				} {
					got, ok := r.list[r.name]
					if !ok || got.Cmp(resource.MustParse(r.want)) != 0 {
						t.Errorf("%s = %v, want %s", r.what, got.String(), r.want)
					}
				}

				// Port and probes: named port, contract paths.
				if len(c.Ports) != 1 || int(c.Ports[0].ContainerPort) != tc.port || c.Ports[0].Name != tc.portName {
					t.Errorf("ports %+v, want one %s:%d", c.Ports, tc.portName, tc.port)
				}
				for _, p := range []struct {
					what  string
					probe *corev1.Probe
					path  string
				}{
					{"startupProbe", c.StartupProbe, tc.livenessPath},
					{"livenessProbe", c.LivenessProbe, tc.livenessPath},
					{"readinessProbe", c.ReadinessProbe, tc.readinessPath},
				} {
					if p.probe == nil || p.probe.HTTPGet == nil {
						t.Errorf("%s: missing or not httpGet", p.what)
						continue
					}
					if p.probe.HTTPGet.Path != p.path {
						t.Errorf("%s path %q, want %q", p.what, p.probe.HTTPGet.Path, p.path)
					}
					if port := resolvePort(c, p.probe.HTTPGet.Port); port != tc.port {
						t.Errorf("%s port %s resolves to %d, want %d", p.what, p.probe.HTTPGet.Port.String(), port, tc.port)
					}
				}

				if tc.sizing == nil {
					return
				}
				w := *tc.sizing
				// Storefront workloads: the HPA owns the replica count.
				if dep.Spec.Replicas != nil {
					t.Errorf("replicas = %d: the HPA owns it, the Deployment must not set it", *dep.Spec.Replicas)
				}
				if ru := dep.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 {
					t.Errorf("rollingUpdate %+v: want maxUnavailable 0", ru)
				}
				checkDrain(t, pod, c, tc.drainAfterSIGTERMs)
				checkSpread(t, pod, dep.Spec.Selector.MatchLabels)
				if got := pod.NodeSelector["karpenter.sh/nodepool"]; got != charts.NodePoolName {
					t.Errorf("nodeSelector karpenter.sh/nodepool = %q, want %q", got, charts.NodePoolName)
				}

				var hpa autoscalingv2.HorizontalPodAutoscaler
				find(t, docs, "HorizontalPodAutoscaler", tc.namespace, tc.name, &hpa)
				hpaContainer := ""
				if len(tc.sidecars) > 0 {
					hpaContainer = tc.name
				}
				checkHPA(t, hpa, tc.name, hpaContainer, w)

				var pdb policyv1.PodDisruptionBudget
				find(t, docs, "PodDisruptionBudget", tc.namespace, tc.name, &pdb)
				if pdb.Spec.MaxUnavailable == nil && pdb.Spec.MinAvailable == nil {
					t.Errorf("PDB sets neither maxUnavailable nor minAvailable")
				}
				if pdb.Spec.MaxUnavailable != nil && pdb.Spec.MaxUnavailable.IntValue() != 1 {
					t.Errorf("PDB maxUnavailable %s, want 1", pdb.Spec.MaxUnavailable.String())
				}
				if !selects(pdb.Spec.Selector.MatchLabels, dep.Spec.Template.Labels) {
					t.Errorf("PDB selector %v does not select the pods %v", pdb.Spec.Selector.MatchLabels, dep.Spec.Template.Labels)
				}
			})
		}
	})
}

// checkSidecar asserts one helper container: image, args, its one named
// port, liveness on that port and no readiness probe (a sidecar must not
// take the pod out of service), resources, and the restricted
// security context under its own non-root uid.
func checkSidecar(t *testing.T, pod corev1.PodSpec, c corev1.Container, want sidecarCase) {
	t.Helper()
	if c.Name != want.name {
		t.Errorf("sidecar %q, want %q", c.Name, want.name)
	}
	checkImage(t, c.Image, want.image)
	if strings.Join(c.Args, " ") != strings.Join(want.args, " ") {
		t.Errorf("%s args %q, want %q", c.Name, c.Args, want.args)
	}
	if len(c.Ports) != 1 || int(c.Ports[0].ContainerPort) != want.port || c.Ports[0].Name != want.portName || c.Ports[0].Protocol != corev1.ProtocolTCP {
		t.Errorf("%s ports %+v, want one %s:%d/TCP", c.Name, c.Ports, want.portName, want.port)
	}
	for _, r := range []struct {
		what string
		list corev1.ResourceList
		name corev1.ResourceName
		want string
	}{
		{"requests.cpu", c.Resources.Requests, corev1.ResourceCPU, want.cpuReq},
		{"limits.cpu", c.Resources.Limits, corev1.ResourceCPU, want.cpuLim},
		{"requests.memory", c.Resources.Requests, corev1.ResourceMemory, want.memReq},
		{"limits.memory", c.Resources.Limits, corev1.ResourceMemory, want.memLim},
	} {
		got, ok := r.list[r.name]
		if !ok || got.Cmp(resource.MustParse(r.want)) != 0 {
			t.Errorf("%s %s = %v, want %s", c.Name, r.what, got.String(), r.want)
		}
	}
	for _, p := range []struct {
		what  string
		probe *corev1.Probe
	}{{"livenessProbe", c.LivenessProbe}} {
		if p.probe == nil || p.probe.HTTPGet == nil {
			t.Errorf("%s %s: missing or not httpGet", c.Name, p.what)
			continue
		}
		if p.probe.HTTPGet.Path != want.probePath {
			t.Errorf("%s %s path %q, want %q", c.Name, p.what, p.probe.HTTPGet.Path, want.probePath)
		}
		if port := resolvePort(c, p.probe.HTTPGet.Port); port != want.port {
			t.Errorf("%s %s port %s resolves to %d, want %d", c.Name, p.what, p.probe.HTTPGet.Port.String(), port, want.port)
		}
	}
	if c.ReadinessProbe != nil {
		t.Errorf("%s has a readiness probe: a hung sidecar would make the whole pod unready", c.Name)
	}
	if c.Lifecycle != nil || len(c.VolumeMounts) != 0 || len(c.Env) != 0 {
		t.Errorf("%s: lifecycle %+v, mounts %v, env %v: want none", c.Name, c.Lifecycle, c.VolumeMounts, c.Env)
	}
	checkPodSecurity(t, pod, c, *pod.SecurityContext.RunAsUser)
	if cs := c.SecurityContext; cs == nil || cs.RunAsUser == nil || *cs.RunAsUser != want.uid || cs.RunAsNonRoot == nil || !*cs.RunAsNonRoot {
		t.Errorf("%s securityContext %+v: want runAsNonRoot, runAsUser %d", c.Name, cs, want.uid)
	}
}

func checkImage(t *testing.T, image, want string) {
	t.Helper()
	if image != want {
		t.Errorf("image %q, want %q", image, want)
	}
	if strings.HasSuffix(image, ":latest") || !strings.Contains(image[strings.LastIndex(image, "/")+1:], ":") {
		t.Errorf("image %q: want a pinned tag, never latest", image)
	}
}

// checkPodSecurity asserts PodSecurity "restricted" plus a read-only root.
func checkPodSecurity(t *testing.T, pod corev1.PodSpec, c corev1.Container, uid int64) {
	t.Helper()
	ps, cs := pod.SecurityContext, c.SecurityContext
	if ps == nil || cs == nil {
		t.Fatalf("pod or container securityContext missing")
	}
	isTrue := func(b *bool) bool { return b != nil && *b }
	isFalse := func(b *bool) bool { return b != nil && !*b }
	if !isTrue(ps.RunAsNonRoot) || ps.RunAsUser == nil || *ps.RunAsUser != uid {
		t.Errorf("pod runAsNonRoot/runAsUser = %v/%v, want true/%d", ps.RunAsNonRoot, ps.RunAsUser, uid)
	}
	if ps.SeccompProfile == nil || ps.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod seccompProfile %+v, want RuntimeDefault", ps.SeccompProfile)
	}
	if !isFalse(cs.AllowPrivilegeEscalation) {
		t.Errorf("allowPrivilegeEscalation must be false")
	}
	if cs.Privileged != nil && *cs.Privileged {
		t.Errorf("privileged container")
	}
	if !isTrue(cs.ReadOnlyRootFilesystem) {
		t.Errorf("readOnlyRootFilesystem must be true")
	}
	if cs.Capabilities == nil || len(cs.Capabilities.Drop) != 1 || cs.Capabilities.Drop[0] != "ALL" || len(cs.Capabilities.Add) != 0 {
		t.Errorf("capabilities %+v, want drop [ALL] and nothing added", cs.Capabilities)
	}
	if cs.RunAsUser != nil && *cs.RunAsUser == 0 {
		t.Errorf("container runs as root")
	}
	if pod.HostNetwork || pod.HostPID || pod.HostIPC {
		t.Errorf("host namespaces used")
	}
}

// checkWritable asserts an emptyDir mounted at every path the program writes.
func checkWritable(t *testing.T, pod corev1.PodSpec, c corev1.Container, paths []string) {
	t.Helper()
	emptyDirs := map[string]bool{}
	for _, v := range pod.Volumes {
		if v.EmptyDir != nil {
			emptyDirs[v.Name] = true
		}
	}
	for _, p := range paths {
		ok := false
		for _, m := range c.VolumeMounts {
			ok = ok || (m.MountPath == p && emptyDirs[m.Name])
		}
		if !ok {
			t.Errorf("no emptyDir mounted at %s", p)
		}
	}
}

// checkDrain asserts the preStop sleep and a grace period that covers
// preStop + the process' drain after SIGTERM.
func checkDrain(t *testing.T, pod corev1.PodSpec, c corev1.Container, drain int) {
	t.Helper()
	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil {
		t.Fatalf("no preStop sleep action (the images have no shell: use lifecycle.preStop.sleep)")
	}
	sleep := c.Lifecycle.PreStop.Sleep.Seconds
	if sleep < 5 {
		t.Errorf("preStop sleep %ds: too short for the ALB to deregister the pod", sleep)
	}
	if pod.TerminationGracePeriodSeconds == nil || *pod.TerminationGracePeriodSeconds <= sleep+int64(drain) {
		t.Errorf("terminationGracePeriodSeconds %v, want > preStop %d + drain %d", pod.TerminationGracePeriodSeconds, sleep, drain)
	}
	// The server's own drain after SIGTERM is SHOP_DRAIN_DELAY (readiness
	// 503, still serving) plus at most SHOP_SHUTDOWN_TIMEOUT (in-flight
	// requests); together they must be the drain the grace period allows.
	var serverDrain time.Duration
	configured := false
	for _, e := range c.Env {
		if e.Name == contract.EnvShutdownTimeout || e.Name == contract.EnvDrainDelay {
			d, err := time.ParseDuration(e.Value)
			if err != nil {
				t.Errorf("%s = %q: %v", e.Name, e.Value, err)
			}
			serverDrain += d
			configured = true
		}
	}
	if configured && serverDrain != time.Duration(drain)*time.Second {
		t.Errorf("%s + %s = %s, want %ds", contract.EnvDrainDelay, contract.EnvShutdownTimeout, serverDrain, drain)
	}
}

// checkSpread asserts zone and host spread over the Deployment's own pods.
func checkSpread(t *testing.T, pod corev1.PodSpec, selector map[string]string) {
	t.Helper()
	keys := map[string]corev1.TopologySpreadConstraint{}
	for _, c := range pod.TopologySpreadConstraints {
		keys[c.TopologyKey] = c
		if c.LabelSelector == nil || !selects(c.LabelSelector.MatchLabels, selector) || len(c.LabelSelector.MatchLabels) != len(selector) {
			t.Errorf("spread on %s selects %v, want the Deployment's selector %v", c.TopologyKey, c.LabelSelector, selector)
		}
		if c.MaxSkew != 1 {
			t.Errorf("spread on %s maxSkew %d, want 1", c.TopologyKey, c.MaxSkew)
		}
	}
	if z, ok := keys["topology.kubernetes.io/zone"]; !ok || z.WhenUnsatisfiable != corev1.DoNotSchedule {
		t.Errorf("zone spread missing or soft: %+v", z)
	}
	if _, ok := keys["kubernetes.io/hostname"]; !ok {
		t.Errorf("host spread missing")
	}
}

// checkHPA asserts the HPA of target from w; with container set, its
// utilization targets must be ContainerResource metrics of that container
// (a pod with sidecars), else Resource metrics of the whole pod.
func checkHPA(t *testing.T, hpa autoscalingv2.HorizontalPodAutoscaler, target, container string, w platform.Workload) {
	t.Helper()
	s := hpa.Spec
	if s.ScaleTargetRef.Kind != "Deployment" || s.ScaleTargetRef.Name != target || s.ScaleTargetRef.APIVersion != "apps/v1" {
		t.Errorf("scaleTargetRef %+v, want apps/v1 Deployment %s", s.ScaleTargetRef, target)
	}
	if s.MinReplicas == nil || int(*s.MinReplicas) != w.MinReplicas || int(s.MaxReplicas) != w.MaxReplicas {
		t.Errorf("replicas %v-%d, want %d-%d", s.MinReplicas, s.MaxReplicas, w.MinReplicas, w.MaxReplicas)
	}
	targets := map[corev1.ResourceName]int{}
	for _, m := range s.Metrics {
		if container != "" {
			cr := m.ContainerResource
			if m.Type != autoscalingv2.ContainerResourceMetricSourceType || cr == nil || cr.Container != container ||
				cr.Target.Type != autoscalingv2.UtilizationMetricType || cr.Target.AverageUtilization == nil {
				t.Errorf("metric %+v: want ContainerResource utilization of container %s", m, container)
				continue
			}
			targets[cr.Name] = int(*cr.Target.AverageUtilization)
			continue
		}
		if m.Type != autoscalingv2.ResourceMetricSourceType || m.Resource == nil || m.Resource.Target.AverageUtilization == nil {
			t.Errorf("metric %+v: want Resource utilization", m)
			continue
		}
		targets[m.Resource.Name] = int(*m.Resource.Target.AverageUtilization)
	}
	if targets[corev1.ResourceCPU] != w.TargetCPUPercent || targets[corev1.ResourceMemory] != w.TargetMemoryPercent || len(targets) != 2 {
		t.Errorf("targets %v, want cpu %d%% memory %d%%", targets, w.TargetCPUPercent, w.TargetMemoryPercent)
	}
	b := s.Behavior
	if b == nil || b.ScaleDown == nil || b.ScaleUp == nil {
		t.Fatalf("behavior %+v: want scaleUp and scaleDown", b)
	}
	if b.ScaleDown.StabilizationWindowSeconds == nil || int(*b.ScaleDown.StabilizationWindowSeconds) != w.ScaleDownStabilizationSeconds {
		t.Errorf("scaleDown stabilization %v, want %d", b.ScaleDown.StabilizationWindowSeconds, w.ScaleDownStabilizationSeconds)
	}
	if len(b.ScaleUp.Policies) == 0 || len(b.ScaleDown.Policies) == 0 {
		t.Errorf("want scaling policies both ways")
	}
	for _, p := range b.ScaleUp.Policies {
		if p.PeriodSeconds < 15 || p.Value <= 0 {
			t.Errorf("scale-up policy %+v: not sane", p)
		}
	}
}

// resolvePort turns a probe's or Service's port (number or name) into the
// container's port number; 0 if it does not resolve.
func resolvePort(c corev1.Container, p intstr.IntOrString) int {
	if p.Type == intstr.Int {
		for _, cp := range c.Ports {
			if int(cp.ContainerPort) == p.IntValue() {
				return p.IntValue()
			}
		}
		return 0
	}
	for _, cp := range c.Ports {
		if cp.Name == p.StrVal {
			return int(cp.ContainerPort)
		}
	}
	return 0
}

// selects reports whether selector matches labels.
func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}
