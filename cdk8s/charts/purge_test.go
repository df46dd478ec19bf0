package charts_test

import (
	"encoding/json"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// TestPurgeCronJob: `server purge` daily, one run at a time, with the
// backend's image, identity, environment and restricted security context,
// bounded start, run time, retries and history; every default asserted.
func TestPurgeCronJob(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		var cj batchv1.CronJob
		var dep appsv1.Deployment
		var job batchv1.Job
		d := find(t, docs, "CronJob", env.Names.Namespace, charts.PurgeName(env.Names.Backend), &cj)
		if filepath.Base(d.File) != "shop.k8s.yaml" {
			t.Errorf("the CronJob is in %s, want shop.k8s.yaml (applied after the migration Job, with the release)", filepath.Base(d.File))
		}
		find(t, docs, "Deployment", env.Names.Namespace, env.Names.Backend, &dep)
		find(t, docs, "Job", env.Names.Namespace, charts.MigrationJobName(env), &job)
		s := cj.Spec
		if s.Schedule != "17 3 * * *" || s.TimeZone == nil || *s.TimeZone != "Etc/UTC" {
			t.Errorf("schedule %q in %v, want daily 17 3 * * * in Etc/UTC", s.Schedule, s.TimeZone)
		}
		if s.ConcurrencyPolicy != batchv1.ForbidConcurrent {
			t.Errorf("concurrencyPolicy %q, want Forbid", s.ConcurrencyPolicy)
		}
		for name, got := range map[string]*int64{"startingDeadlineSeconds": s.StartingDeadlineSeconds, "jobTemplate activeDeadlineSeconds": s.JobTemplate.Spec.ActiveDeadlineSeconds} {
			want := map[string]int64{"startingDeadlineSeconds": 3600, "jobTemplate activeDeadlineSeconds": 1800}[name]
			if got == nil || *got != want {
				t.Errorf("%s = %v, want %d", name, got, want)
			}
		}
		for name, got := range map[string]*int32{"successfulJobsHistoryLimit": s.SuccessfulJobsHistoryLimit, "failedJobsHistoryLimit": s.FailedJobsHistoryLimit, "backoffLimit": s.JobTemplate.Spec.BackoffLimit} {
			want := map[string]int32{"successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 3, "backoffLimit": 2}[name]
			if got == nil || *got != want {
				t.Errorf("%s = %v, want %d", name, got, want)
			}
		}
		pod := s.JobTemplate.Spec.Template.Spec
		if pod.RestartPolicy != corev1.RestartPolicyNever {
			t.Errorf("restartPolicy %s, want Never", pod.RestartPolicy)
		}
		if pod.ServiceAccountName != env.Names.BackendServiceAccount {
			t.Errorf("serviceAccountName %q, want the backend's %q (its Pod Identity association grants the database secret)", pod.ServiceAccountName, env.Names.BackendServiceAccount)
		}
		if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
			t.Errorf("automountServiceAccountToken %v, want false: purge never calls the Kubernetes API", pod.AutomountServiceAccountToken)
		}
		if len(pod.Containers) != 1 {
			t.Fatalf("%d containers", len(pod.Containers))
		}
		c, server := pod.Containers[0], dep.Spec.Template.Spec.Containers[0]
		if c.Image != env.BackendImage() || c.Image != server.Image {
			t.Errorf("image %q, want the backend's %q", c.Image, env.BackendImage())
		}
		if strings.Join(c.Args, " ") != contract.CmdPurge {
			t.Errorf("args %v, want [%s]", c.Args, contract.CmdPurge)
		}
		checkPodSecurity(t, pod, c, *dep.Spec.Template.Spec.SecurityContext.RunAsUser)
		checkWritable(t, pod, c, []string{"/tmp"})
		envOf := func(vars []corev1.EnvVar) string { b, _ := json.Marshal(vars); return string(b) }
		if mig := job.Spec.Template.Spec.Containers[0]; envOf(c.Env) != envOf(mig.Env) {
			t.Errorf("purge env %s differs from the migration Job's %s", envOf(c.Env), envOf(mig.Env))
		}
		if pod.NodeSelector["karpenter.sh/nodepool"] != charts.NodePoolName {
			t.Errorf("nodeSelector %v, want the storefront NodePool", pod.NodeSelector)
		}
		// Its pods are not the backend's: the Service never selects them.
		var svc corev1.Service
		find(t, docs, "Service", env.Names.Namespace, env.Names.Backend, &svc)
		selects := true
		for k, v := range svc.Spec.Selector {
			selects = selects && s.JobTemplate.Spec.Template.Labels[k] == v
		}
		if selects {
			t.Errorf("the backend Service selector %v selects the purge pods %v", svc.Spec.Selector, s.JobTemplate.Spec.Template.Labels)
		}

		// The quota admits a purge pod on top of the storefront's peak: it
		// fits in what the quota holds beyond StorefrontDemands.
		var q corev1.ResourceQuota
		for _, d := range docs {
			if d.Kind == "ResourceQuota" && d.Namespace == env.Names.Namespace {
				find(t, docs, d.Kind, d.Namespace, d.Name, &q)
			}
		}
		peak := map[corev1.ResourceName]int64{}
		for _, dm := range charts.StorefrontDemands(env) {
			peak[corev1.ResourcePods] += int64(dm.Pods)
			peak[corev1.ResourceRequestsCPU] += int64(dm.Pods * dm.CPUMilli)
			peak[corev1.ResourceLimitsCPU] += int64(dm.Pods * dm.CPULimitMilli)
			peak[corev1.ResourceRequestsMemory] += int64(dm.Pods*dm.MemoryMiB) << 20
			peak[corev1.ResourceLimitsMemory] += int64(dm.Pods*dm.MemoryLimitMiB) << 20
		}
		r := c.Resources
		purge := map[corev1.ResourceName]*resource.Quantity{
			corev1.ResourcePods:           resource.NewQuantity(1, resource.DecimalSI),
			corev1.ResourceRequestsCPU:    r.Requests.Cpu(),
			corev1.ResourceLimitsCPU:      r.Limits.Cpu(),
			corev1.ResourceRequestsMemory: r.Requests.Memory(),
			corev1.ResourceLimitsMemory:   r.Limits.Memory(),
		}
		for name, need := range purge {
			if need.IsZero() {
				t.Errorf("purge %s unset", name)
			}
			hard := q.Spec.Hard[name]
			spare := hard.DeepCopy()
			used := peak[name]
			if name == corev1.ResourceRequestsCPU || name == corev1.ResourceLimitsCPU {
				spare.Sub(*resource.NewMilliQuantity(used, resource.DecimalSI))
			} else {
				spare.Sub(*resource.NewQuantity(used, resource.BinarySI))
			}
			if spare.Cmp(*need) < 0 {
				t.Errorf("quota %s: %s left at the storefront's peak, the purge pod needs %s", name, spare.String(), need.String())
			}
		}
	})
}

// TestPurgeNetworkFlows: the purge pods reach the database, the AWS APIs
// that hold its secret, the Pod Identity agent and DNS, and nothing else;
// nothing reaches them.
func TestPurgeNetworkFlows(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		ps := loadPolicies(t, docs)
		var cj batchv1.CronJob
		find(t, docs, "CronJob", env.Names.Namespace, charts.PurgeName(env.Names.Backend), &cj)
		purge := endpoint{namespace: env.Names.Namespace, labels: cj.Spec.JobTemplate.Spec.Template.Labels}
		var dep appsv1.Deployment
		find(t, docs, "Deployment", env.Names.Namespace, env.Names.Backend, &dep)
		backend := endpoint{namespace: env.Names.Namespace, labels: dep.Spec.Template.Labels}
		vpc := netip.MustParsePrefix(env.Network.CIDR).Addr().As4()
		vpc[2], vpc[3] = 0x64, 0x05
		database := endpoint{ip: netip.AddrFrom4(vpc).String()}
		vpc[2], vpc[3] = 0x01, 0x17
		alb := endpoint{ip: netip.AddrFrom4(vpc).String()}
		tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
		for _, f := range []struct {
			name     string
			from, to endpoint
			port     int
			proto    corev1.Protocol
			want     bool
		}{
			{"purge -> database", purge, database, env.Database.Port, tcp, true},
			{"purge -> AWS APIs (the database secret)", purge, endpoint{ip: "52.94.1.10"}, 443, tcp, true},
			{"purge -> Pod Identity agent", purge, endpoint{ip: charts.PodIdentityAgentCIDR[:strings.IndexByte(charts.PodIdentityAgentCIDR, '/')]}, charts.PodIdentityAgentPort, tcp, true},
			{"purge -> DNS", purge, endpoint{ip: "172.20.0.10"}, 53, udp, true},
			{"purge -> other VPC port", purge, database, 6379, tcp, false},
			{"purge -> SES SMTP endpoint (it sends no mail)", purge, endpoint{ip: "54.240.1.20"}, platform.SMTPPort, tcp, false},
			{"purge -> internet HTTP", purge, endpoint{ip: "203.0.113.7"}, 80, tcp, false},
			{"purge -> instance metadata", purge, endpoint{ip: "169.254.169.254"}, 80, tcp, false},
			{"purge -> backend", purge, backend, contract.Port, tcp, false},
			{"VPC -> purge", alb, purge, contract.Port, tcp, false},
			{"backend -> purge", backend, purge, contract.Port, tcp, false},
		} {
			if got := ps.allowed(f.from, f.to, f.port, f.proto); got != f.want {
				t.Errorf("%s (:%d/%s): allowed = %v, want %v", f.name, f.port, f.proto, got, f.want)
			}
		}
	})
}

// TestPurgeCronJobPropsValidated: a bad schedule or bound is refused with
// an error naming the field.
func TestPurgeCronJobPropsValidated(t *testing.T) {
	env, err := platform.For("dev")
	if err != nil {
		t.Fatal(err)
	}
	props := func(edit func(*charts.PurgeCronJobProps)) charts.PurgeCronJobProps {
		p := *charts.PurgeCronJobPropsOf(env)
		edit(&p)
		return p
	}
	for _, tc := range []struct {
		props charts.PurgeCronJobProps
		want  string
	}{
		{props(func(p *charts.PurgeCronJobProps) { p.Schedule = "@daily at 3" }), "Schedule"},
		{props(func(p *charts.PurgeCronJobProps) { p.BackoffLimit = -1 }), "BackoffLimit"},
		{props(func(p *charts.PurgeCronJobProps) { p.StartingDeadlineSeconds = -5 }), "StartingDeadlineSeconds"},
		{props(func(p *charts.PurgeCronJobProps) { p.DatabaseSecretName = "" }), "PurgeCronJobProps.DatabaseSecretName is required"},
		{props(func(p *charts.PurgeCronJobProps) { p.Resources = charts.Resources{CPURequestMilli: 100} }), "PurgeCronJobProps.Resources"},
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(error).Error(), tc.want) || !strings.HasPrefix(r.(error).Error(), "t/purge: ") {
					t.Errorf("props %+v: panic %v, want one starting with the path t/purge and naming %s", tc.props, r, tc.want)
				}
			}()
			chart := cdk8s.NewChart(cdk8s.NewApp(nil), jsii.String("t"), nil)
			charts.NewPurgeCronJob(chart, "purge", &tc.props)
		}()
	}
}
