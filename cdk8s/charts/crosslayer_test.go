package charts_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// TestServicesMatchContainers: each Service selects its Deployment's pods
// (and no migration pod), and its targetPort resolves to the container port
// the contract names.
func TestServicesMatchContainers(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		var job batchv1.Job
		find(t, docs, "Job", env.Names.Namespace, charts.MigrationJobName(env), &job)
		for _, tc := range []struct {
			name     string
			port     int
			portName string
		}{
			{env.Names.Backend, contract.Port, contract.PortName},
			{env.Names.Frontend, contract.FrontendPort, contract.FrontendPortName},
		} {
			var svc corev1.Service
			var dep appsv1.Deployment
			find(t, docs, "Service", env.Names.Namespace, tc.name, &svc)
			find(t, docs, "Deployment", env.Names.Namespace, tc.name, &dep)
			if svc.Spec.Type != corev1.ServiceTypeClusterIP {
				t.Errorf("%s: Service type %s, want ClusterIP (the ALB targets pod IPs)", tc.name, svc.Spec.Type)
			}
			if !selects(svc.Spec.Selector, dep.Spec.Template.Labels) {
				t.Errorf("%s: Service selector %v misses the pods %v", tc.name, svc.Spec.Selector, dep.Spec.Template.Labels)
			}
			if selects(svc.Spec.Selector, job.Spec.Template.Labels) {
				t.Errorf("%s: Service selector %v also selects the migration pods", tc.name, svc.Spec.Selector)
			}
			if len(svc.Spec.Ports) != 1 {
				t.Fatalf("%s: %d Service ports, want 1", tc.name, len(svc.Spec.Ports))
			}
			sp := svc.Spec.Ports[0]
			if int(sp.Port) != tc.port || sp.Name != tc.portName {
				t.Errorf("%s: Service port %s:%d, want %s:%d", tc.name, sp.Name, sp.Port, tc.portName, tc.port)
			}
			if got := resolvePort(dep.Spec.Template.Spec.Containers[0], sp.TargetPort); got != tc.port {
				t.Errorf("%s: targetPort %s resolves to container port %d, want %d", tc.name, sp.TargetPort.String(), got, tc.port)
			}
		}
	})
}

// TestIngress: /api and the two crawler files (exact paths) to the backend,
// / to the frontend (last), TLS on the host, an Auto Mode IngressClass whose
// params exist, HTTP redirected to HTTPS.
func TestIngress(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		var ing networkingv1.Ingress
		find(t, docs, "Ingress", env.Names.Namespace, charts.IngressName, &ing)
		if ing.Spec.IngressClassName == nil {
			t.Fatalf("no ingressClassName")
		}
		var class networkingv1.IngressClass
		find(t, docs, "IngressClass", "", *ing.Spec.IngressClassName, &class)
		if class.Spec.Controller != "eks.amazonaws.com/alb" {
			t.Errorf("controller %q, want eks.amazonaws.com/alb", class.Spec.Controller)
		}
		p := class.Spec.Parameters
		if p == nil || p.APIGroup == nil || *p.APIGroup != "eks.amazonaws.com" || p.Kind != "IngressClassParams" {
			t.Fatalf("parameters %+v, want eks.amazonaws.com IngressClassParams", p)
		}
		params := find(t, docs, "IngressClassParams", "", p.Name, nil)
		var pm struct {
			Spec struct {
				Scheme            string         `json:"scheme"`
				CertificateARNs   []string       `json:"certificateARNs"`
				NamespaceSelector map[string]any `json:"namespaceSelector"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(params.Raw, &pm); err != nil {
			t.Fatal(err)
		}
		if pm.Spec.Scheme != "internet-facing" {
			t.Errorf("scheme %q, want internet-facing", pm.Spec.Scheme)
		}
		if len(pm.Spec.CertificateARNs) != 0 {
			t.Errorf("certificateARNs %v: the certificate is discovered by host, no ARN crosses layers", pm.Spec.CertificateARNs)
		}

		if len(ing.Spec.TLS) != 1 || len(ing.Spec.TLS[0].Hosts) != 1 || ing.Spec.TLS[0].Hosts[0] != env.DNS.Host {
			t.Errorf("tls %+v, want host %s", ing.Spec.TLS, env.DNS.Host)
		}
		a := ing.Annotations
		var listen []map[string]int
		if err := json.Unmarshal([]byte(a["alb.ingress.kubernetes.io/listen-ports"]), &listen); err != nil ||
			len(listen) != 2 || listen[0]["HTTP"] != 80 || listen[1]["HTTPS"] != 443 {
			t.Errorf("listen-ports %q, want HTTP 80 and HTTPS 443", a["alb.ingress.kubernetes.io/listen-ports"])
		}
		if a["alb.ingress.kubernetes.io/ssl-redirect"] != "443" || a["alb.ingress.kubernetes.io/target-type"] != "ip" {
			t.Errorf("annotations %v: want ssl-redirect 443 and target-type ip", a)
		}

		if len(ing.Spec.Rules) != 1 || ing.Spec.Rules[0].Host != env.DNS.Host || ing.Spec.Rules[0].HTTP == nil {
			t.Fatalf("rules %+v, want one rule for %s", ing.Spec.Rules, env.DNS.Host)
		}
		routes := map[string]networkingv1.IngressServiceBackend{}
		var order []string
		exact := map[string]bool{contract.PathRobots: true, contract.PathSitemap: true}
		for _, path := range ing.Spec.Rules[0].HTTP.Paths {
			wantType := networkingv1.PathTypePrefix
			if exact[path.Path] {
				wantType = networkingv1.PathTypeExact
			}
			if path.PathType == nil || *path.PathType != wantType || path.Backend.Service == nil {
				t.Errorf("path %+v: want a %s path to a Service", path, wantType)
				continue
			}
			routes[path.Path] = *path.Backend.Service
			order = append(order, path.Path)
		}
		// Exact paths first, the frontend's catch-all last (the order the ALB uses).
		if want := []string{contract.PathRobots, contract.PathSitemap, contract.APIPrefix, "/"}; strings.Join(order, " ") != strings.Join(want, " ") {
			t.Errorf("ingress paths %v, want %v", order, want)
		}
		for prefix, want := range map[string]struct {
			svc  string
			path string
		}{
			contract.PathRobots:  {env.Names.Backend, contract.PathReadyz},
			contract.PathSitemap: {env.Names.Backend, contract.PathReadyz},
			contract.APIPrefix:   {env.Names.Backend, contract.PathReadyz},
			"/":                  {env.Names.Frontend, contract.FrontendHealthPath},
		} {
			be, ok := routes[prefix]
			if !ok || be.Name != want.svc {
				t.Errorf("route %s -> %+v, want Service %s", prefix, be, want.svc)
				continue
			}
			var svc corev1.Service
			find(t, docs, "Service", env.Names.Namespace, be.Name, &svc)
			if be.Port.Name != svc.Spec.Ports[0].Name {
				t.Errorf("route %s: port %+v is not the Service's port %q", prefix, be.Port, svc.Spec.Ports[0].Name)
			}
			if got := svc.Annotations["alb.ingress.kubernetes.io/healthcheck-path"]; got != want.path {
				t.Errorf("Service %s: ALB health check path %q, want %q", be.Name, got, want.path)
			}
		}
	})
}

// TestNamesMatchPlatform: every cross-layer name in the manifests is the
// one in env.Names (the CDK side asserts its own side against env.Names).
func TestNamesMatchPlatform(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		var ns corev1.Namespace
		find(t, docs, "Namespace", "", env.Names.Namespace, &ns)
		for _, mode := range []string{"enforce", "audit", "warn"} {
			if got := ns.Labels["pod-security.kubernetes.io/"+mode]; got != "restricted" {
				t.Errorf("namespace %s: pod-security %s = %q, want restricted", ns.Name, mode, got)
			}
		}
		var dnsNS corev1.Namespace
		find(t, docs, "Namespace", "", env.Names.ExternalDNSNamespace, &dnsNS)
		if dnsNS.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
			t.Errorf("namespace %s is not restricted", dnsNS.Name)
		}
		find(t, docs, "ServiceAccount", env.Names.Namespace, env.Names.BackendServiceAccount, nil)
		find(t, docs, "ServiceAccount", env.Names.ExternalDNSNamespace, env.Names.ExternalDNSServiceAccount, nil)

		var dep appsv1.Deployment
		var job batchv1.Job
		find(t, docs, "Deployment", env.Names.Namespace, env.Names.Backend, &dep)
		find(t, docs, "Job", env.Names.Namespace, charts.MigrationJobName(env), &job)
		wantEnv := map[string]string{
			contract.EnvDatabaseSecretID:     env.Names.DatabaseSecretName,
			contract.EnvAWSRegion:            env.Region,
			contract.EnvDatabasePoolMaxConns: itoa(env.Database.PoolMaxConns),
		}
		// Outgoing mail through SES, on the serving Deployment only: the
		// endpoint of the region, STARTTLS port, the From address at the
		// storefront host and the NAME of the secret the CDK writes the
		// sending user's key into (internal/synth TestSMTPSecretCrossesLayers).
		wantMail := map[string]string{
			contract.EnvSMTPHost:     "email-smtp." + env.Region + ".amazonaws.com",
			contract.EnvSMTPPort:     "587",
			contract.EnvSMTPFrom:     "shop@" + env.DNS.Host,
			contract.EnvSMTPSecretID: env.Names.SMTPSecretName,
			contract.EnvPublicURL:    "https://" + env.DNS.Host,
		}
		for _, e := range dep.Spec.Template.Spec.Containers[0].Env {
			if want, ok := wantMail[e.Name]; ok {
				if e.Value != want {
					t.Errorf("backend: %s = %q, want %q", e.Name, e.Value, want)
				}
				delete(wantMail, e.Name)
			}
			if e.Name == contract.EnvSMTPUsername || e.Name == contract.EnvSMTPPassword {
				t.Errorf("backend: %s set; the SES credentials come from %s", e.Name, contract.EnvSMTPSecretID)
			}
		}
		for k := range wantMail {
			t.Errorf("backend: %s not set", k)
		}
		for _, pod := range []struct {
			what string
			spec corev1.PodSpec
		}{{"backend", dep.Spec.Template.Spec}, {"migration job", job.Spec.Template.Spec}} {
			if pod.spec.ServiceAccountName != env.Names.BackendServiceAccount {
				t.Errorf("%s: serviceAccountName %q, want %q", pod.what, pod.spec.ServiceAccountName, env.Names.BackendServiceAccount)
			}
			got := map[string]string{}
			for _, e := range pod.spec.Containers[0].Env {
				got[e.Name] = e.Value
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					t.Errorf("%s: %s reads a Kubernetes Secret; credentials come from Secrets Manager", pod.what, e.Name)
				}
			}
			for k, v := range wantEnv {
				if got[k] != v {
					t.Errorf("%s: %s = %q, want %q", pod.what, k, got[k], v)
				}
			}
			if _, ok := got[contract.EnvShutdownTimeout]; !ok {
				t.Errorf("%s: %s not set", pod.what, contract.EnvShutdownTimeout)
			}
		}
		for _, d := range docs {
			if d.Kind == "Secret" || d.Kind == "ConfigMap" && strings.Contains(strings.ToLower(string(d.Raw)), "password") {
				t.Errorf("%s: no credentials belong in the manifests", d)
			}
		}
	})
}

// TestPodIdentityAssociationsMatchServiceAccounts synthesizes the CDK app
// and compares its EKS Pod Identity associations with the ServiceAccounts
// of the manifests, directly: every association names a ServiceAccount
// that exists, and the backend and ExternalDNS accounts each have one.
func TestPodIdentityAssociationsMatchServiceAccounts(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		// The CDK app as internal/synth runs it (that package also pulls in
		// every other chart, so it is not imported here).
		dir := t.TempDir()
		app := infra.NewApp(dir)
		infra.Build(app, env)
		app.Synth(nil)
		templates, _ := filepath.Glob(filepath.Join(dir, "*.template.json"))
		type assoc struct{ Namespace, ServiceAccount string }
		var found []assoc
		for _, f := range templates {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var tpl struct {
				Resources map[string]struct {
					Type       string          `json:"Type"`
					Properties json.RawMessage `json:"Properties"`
				} `json:"Resources"`
			}
			if err := json.Unmarshal(data, &tpl); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for _, r := range tpl.Resources {
				if r.Type != "AWS::EKS::PodIdentityAssociation" {
					continue
				}
				var a assoc
				if err := json.Unmarshal(r.Properties, &a); err != nil {
					t.Errorf("%s: association properties: %v", filepath.Base(f), err)
					continue
				}
				found = append(found, a)
			}
		}
		if len(found) == 0 {
			t.Fatalf("the CDK templates hold no AWS::EKS::PodIdentityAssociation")
		}
		have := map[assoc]bool{}
		for _, a := range found {
			have[a] = true
			find(t, docs, "ServiceAccount", a.Namespace, a.ServiceAccount, nil)
		}
		for _, want := range []assoc{
			{env.Names.Namespace, env.Names.BackendServiceAccount},
			{env.Names.ExternalDNSNamespace, env.Names.ExternalDNSServiceAccount},
		} {
			if !have[want] {
				t.Errorf("no Pod Identity association for ServiceAccount %s/%s (have %v)", want.Namespace, want.ServiceAccount, found)
			}
		}
	})
}

// TestMigrationJob: one Job per release with the backend's image, identity,
// environment and security context, bounded retries and cleanup.
func TestMigrationJob(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		name := charts.MigrationJobName(env)
		if !strings.Contains(name, strings.NewReplacer(".", "-", "_", "-").Replace(strings.ToLower(env.Images.Tag))) || len(name) > 63 {
			t.Errorf("Job name %q does not carry the image tag %q (or is longer than 63)", name, env.Images.Tag)
		}
		var job batchv1.Job
		var dep appsv1.Deployment
		d := find(t, docs, "Job", env.Names.Namespace, name, &job)
		if filepath.Base(d.File) != "shop-migrate.k8s.yaml" {
			t.Errorf("the Job is in %s; it must be in its own file to be applied first", filepath.Base(d.File))
		}
		find(t, docs, "Deployment", env.Names.Namespace, env.Names.Backend, &dep)
		if job.Spec.BackoffLimit == nil || *job.Spec.BackoffLimit < 1 || *job.Spec.BackoffLimit > 6 {
			t.Errorf("backoffLimit %v, want 1-6", job.Spec.BackoffLimit)
		}
		if job.Spec.TTLSecondsAfterFinished == nil || *job.Spec.TTLSecondsAfterFinished <= 0 {
			t.Errorf("ttlSecondsAfterFinished %v, want set", job.Spec.TTLSecondsAfterFinished)
		}
		if job.Spec.ActiveDeadlineSeconds == nil {
			t.Errorf("activeDeadlineSeconds not set: a stuck migration would block the release forever")
		}
		pod := job.Spec.Template.Spec
		if pod.RestartPolicy != corev1.RestartPolicyNever {
			t.Errorf("restartPolicy %s, want Never (the Job retries with new pods)", pod.RestartPolicy)
		}
		c, server := pod.Containers[0], dep.Spec.Template.Spec.Containers[0]
		if c.Image != env.BackendImage() || c.Image != server.Image {
			t.Errorf("image %q, want the backend's %q", c.Image, env.BackendImage())
		}
		if strings.Join(c.Args, " ") != contract.CmdMigrate {
			t.Errorf("args %v, want [%s]", c.Args, contract.CmdMigrate)
		}
		checkPodSecurity(t, pod, c, *dep.Spec.Template.Spec.SecurityContext.RunAsUser)
		checkWritable(t, pod, c, []string{"/tmp"})
		envOf := func(vars []corev1.EnvVar) string { b, _ := json.Marshal(vars); return string(b) }
		// The migration sends no mail and builds no links: it has the
		// server's environment without those variables.
		serveOnly := map[string]bool{contract.EnvSMTPHost: true, contract.EnvSMTPPort: true, contract.EnvSMTPFrom: true, contract.EnvSMTPSecretID: true, contract.EnvPublicURL: true}
		var serverCommon []corev1.EnvVar
		for _, e := range server.Env {
			if !serveOnly[e.Name] {
				serverCommon = append(serverCommon, e)
			}
		}
		if len(server.Env)-len(serverCommon) != len(serveOnly) {
			t.Errorf("server env %s lacks some of the mail variables %v", envOf(server.Env), serveOnly)
		}
		if envOf(c.Env) != envOf(serverCommon) {
			t.Errorf("migration env %s differs from the server's %s (without the mail variables)", envOf(c.Env), envOf(serverCommon))
		}
		if c.Resources.Requests.Cpu().Cmp(*server.Resources.Requests.Cpu()) != 0 || c.Resources.Requests.Memory().Cmp(*server.Resources.Requests.Memory()) != 0 {
			t.Errorf("requests %v differ from the backend's %v (the capacity plan counts the backend's)", c.Resources.Requests, server.Resources.Requests)
		}
	})
}

// TestQuotaAndLimitRange: the quota admits the storefront's peak (computed
// here from the config) and the LimitRange admits every container.
func TestQuotaAndLimitRange(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		var q corev1.ResourceQuota
		var lr corev1.LimitRange
		for _, d := range docs {
			if d.Namespace != env.Names.Namespace {
				continue
			}
			switch d.Kind {
			case "ResourceQuota":
				find(t, docs, d.Kind, d.Namespace, d.Name, &q)
			case "LimitRange":
				find(t, docs, d.Kind, d.Namespace, d.Name, &lr)
			}
		}
		if q.Name == "" || lr.Name == "" {
			t.Fatalf("namespace %s lacks a ResourceQuota or LimitRange", env.Names.Namespace)
		}
		surge := func(n int) int { return (n*25 + 99) / 100 }
		b, f := env.Backend, env.Frontend
		bPods, fPods := b.MaxReplicas+surge(b.MaxReplicas)+1, f.MaxReplicas+surge(f.MaxReplicas) // +1: the Job
		// Every frontend pod also runs the exporter sidecar (10m/16Mi
		// requests, 50m/32Mi limits).
		fCPUReq, fMemReq := f.CPURequestMilli+10, f.MemoryRequestMiB+16
		fCPULim, fMemLim := f.CPULimitMilli+50, f.MemoryLimitMiB+32
		need := map[corev1.ResourceName]*resource.Quantity{
			corev1.ResourcePods:           resource.NewQuantity(int64(bPods+fPods), resource.DecimalSI),
			corev1.ResourceRequestsCPU:    resource.NewMilliQuantity(int64(bPods*b.CPURequestMilli+fPods*fCPUReq), resource.DecimalSI),
			corev1.ResourceLimitsCPU:      resource.NewMilliQuantity(int64(bPods*b.CPULimitMilli+fPods*fCPULim), resource.DecimalSI),
			corev1.ResourceRequestsMemory: resource.NewQuantity(int64(bPods*b.MemoryRequestMiB+fPods*fMemReq)<<20, resource.BinarySI),
			corev1.ResourceLimitsMemory:   resource.NewQuantity(int64(bPods*b.MemoryLimitMiB+fPods*fMemLim)<<20, resource.BinarySI),
		}
		for name, want := range need {
			got, ok := q.Spec.Hard[name]
			if !ok || got.Cmp(*want) < 0 {
				t.Errorf("quota %s = %s, below the peak %s", name, got.String(), want.String())
			}
		}
		if got := q.Spec.Hard["services.loadbalancers"]; got.Value() != 0 {
			t.Errorf("services.loadbalancers = %s: traffic must enter through the ALB only", got.String())
		}
		max := lr.Spec.Limits[0].Max
		for _, w := range []platform.Workload{b, f, {CPULimitMilli: 50, MemoryLimitMiB: 32}} {
			if max.Cpu().MilliValue() < int64(w.CPULimitMilli) || max.Memory().Value() < int64(w.MemoryLimitMiB)<<20 {
				t.Errorf("LimitRange max %v refuses a container limited to %dm/%dMi", max, w.CPULimitMilli, w.MemoryLimitMiB)
			}
		}
	})
}

// TestNodePool: the Auto Mode NodePool from env.NodePool.
func TestNodePool(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		d := find(t, docs, "NodePool", "", charts.NodePoolName, nil)
		var np struct {
			APIVersion string `json:"apiVersion"`
			Spec       struct {
				Template struct {
					Spec struct {
						NodeClassRef struct{ Group, Kind, Name string } `json:"nodeClassRef"`
						Requirements []struct {
							Key      string   `json:"key"`
							Operator string   `json:"operator"`
							Values   []string `json:"values"`
						} `json:"requirements"`
					} `json:"spec"`
				} `json:"template"`
				Limits     map[string]string `json:"limits"`
				Disruption struct {
					ConsolidationPolicy string           `json:"consolidationPolicy"`
					ConsolidateAfter    string           `json:"consolidateAfter"`
					Budgets             []map[string]any `json:"budgets"`
				} `json:"disruption"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(d.Raw, &np); err != nil {
			t.Fatal(err)
		}
		s := np.Spec
		if np.APIVersion != "karpenter.sh/v1" {
			t.Errorf("apiVersion %s", np.APIVersion)
		}
		if r := s.Template.Spec.NodeClassRef; r.Group != "eks.amazonaws.com" || r.Kind != "NodeClass" || r.Name != "default" {
			t.Errorf("nodeClassRef %+v, want the Auto Mode default NodeClass", r)
		}
		reqs := map[string][]string{}
		for _, r := range s.Template.Spec.Requirements {
			reqs[r.Key] = r.Values
		}
		if strings.Join(reqs["karpenter.sh/capacity-type"], ",") != strings.Join(env.NodePool.CapacityTypes, ",") {
			t.Errorf("capacity types %v, want %v", reqs["karpenter.sh/capacity-type"], env.NodePool.CapacityTypes)
		}
		if strings.Join(reqs["eks.amazonaws.com/instance-category"], ",") != "c,m,r" || len(reqs["kubernetes.io/arch"]) == 0 {
			t.Errorf("requirements %v: want instance categories c,m,r and an arch", reqs)
		}
		if s.Limits["cpu"] != itoa(env.NodePool.CPULimit) || s.Limits["memory"] != itoa(env.NodePool.MemoryLimitGiB)+"Gi" {
			t.Errorf("limits %v, want cpu %d memory %dGi", s.Limits, env.NodePool.CPULimit, env.NodePool.MemoryLimitGiB)
		}
		if s.Disruption.ConsolidationPolicy != "WhenEmptyOrUnderutilized" || s.Disruption.ConsolidateAfter != env.NodePool.ConsolidateAfter || len(s.Disruption.Budgets) == 0 {
			t.Errorf("disruption %+v, want WhenEmptyOrUnderutilized after %s with budgets", s.Disruption, env.NodePool.ConsolidateAfter)
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestFrontendImageServesStubStatus: the image's nginx config (rendered by
// client/nginx/render.sh with the ports client/Dockerfile passes) listens
// on the platform's frontend port and serves stub_status on the loopback
// status server, which is exactly what the exporter sidecar scrapes.
func TestFrontendImageServesStubStatus(t *testing.T) {
	root := filepath.Join("..", "..")
	dockerfile, err := os.ReadFile(filepath.Join(root, "client", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, line := range strings.Split(string(dockerfile), "\n") {
		if f := strings.Fields(line); len(f) > 3 && f[0] == "RUN" && f[1] == "sh" && f[2] == "nginx/render.sh" {
			args = f[3:]
		}
	}
	if len(args) != 5 {
		t.Fatalf("client/Dockerfile: no `RUN sh nginx/render.sh OUT_DIR ROOT PORT RUNTIME_DIR STATUS_PORT` line (got %q)", args)
	}
	if args[2] != strconv.Itoa(contract.FrontendPort) || args[4] != strconv.Itoa(contract.FrontendStatusPort) {
		t.Errorf("client/Dockerfile renders PORT %s and STATUS_PORT %s, want contract.FrontendPort %d and contract.FrontendStatusPort %d",
			args[2], args[4], contract.FrontendPort, contract.FrontendStatusPort)
	}

	out := t.TempDir()
	render := exec.Command("sh", filepath.Join(root, "client", "nginx", "render.sh"), out, args[1], args[2], args[3], args[4])
	if b, err := render.CombinedOutput(); err != nil {
		t.Fatalf("render.sh: %v\n%s", err, b)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(out, "conf.d", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	status, public := read("status.conf"), read("default.conf")
	listens := regexp.MustCompile(`(?m)^\s*listen\s+([^;]+);`)
	if got := listens.FindAllStringSubmatch(status, -1); len(got) != 1 || got[0][1] != "127.0.0.1:"+args[4] {
		t.Errorf("status.conf listens on %q, want only 127.0.0.1:%s", got, args[4])
	}
	if !regexp.MustCompile(`location = ` + regexp.QuoteMeta(contract.FrontendStatusPath) + ` \{\s*stub_status;`).MatchString(status) {
		t.Errorf("status.conf has no `location = %s { stub_status; }`:\n%s", contract.FrontendStatusPath, status)
	}
	if got := listens.FindAllStringSubmatch(public, -1); len(got) != 1 || got[0][1] != args[2] {
		t.Errorf("default.conf listens on %q, want only %s", got, args[2])
	}
	if strings.Contains(public, "stub_status") {
		t.Errorf("default.conf (the public server) mentions stub_status")
	}

	// The sidecar scrapes that server.
	want := "--nginx.scrape-uri=http://127.0.0.1:" + args[4] + contract.FrontendStatusPath
	var scrapes bool
	for _, s := range charts.FrontendSidecars(charts.NginxExporterImage) {
		for _, a := range s.Args {
			scrapes = scrapes || a == want
		}
	}
	if !scrapes {
		t.Errorf("no frontend sidecar runs with %s", want)
	}
}
