package charts

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// PurgeName is the name of the purge CronJob and app.kubernetes.io/name of
// its pods. It differs from the backend's, so the backend Service never
// selects a purge pod.
func PurgeName(env platform.Environment) string { return env.Names.Backend + "-purge" }

// purgeResources are the purge pod's requests and limits: the LimitRange
// defaults. `server purge` runs a few short DELETE statements on one
// connection, so it needs far less than a serving pod; at these values it
// fits in the ResourceQuota's QuotaSparePods, so the quota admits it even
// while the storefront is at its peak (and the migration Job runs).
func purgeResources() platform.Workload {
	return platform.Workload{
		CPURequestMilli: defaultRequestCPUMilli, MemoryRequestMiB: defaultRequestMemoryMiB,
		CPULimitMilli: defaultLimitCPUMilli, MemoryLimitMiB: defaultLimitMemoryMiB,
	}
}

// PurgeCronJobProps configures the purge CronJob.
type PurgeCronJobProps struct {
	// Env is the environment. Required.
	Env platform.Environment
	// Schedule is the cron schedule, in TimeZone. Default: "17 3 * * *"
	// (daily at 03:17, off the hour when other jobs start).
	Schedule string
	// TimeZone of Schedule. Default: "Etc/UTC".
	TimeZone string
	// StartingDeadlineSeconds skips a run that could not start within this
	// long of its time (the controller was down, the quota was full); the
	// next day's run catches up, since a purge only gets longer, never
	// wrong. Default: 3600.
	StartingDeadlineSeconds int
	// ActiveDeadlineSeconds fails a run that takes longer (a stuck
	// statement). Default: 1800.
	ActiveDeadlineSeconds int
	// BackoffLimit is how many failed pods one run retries. Default: 2.
	BackoffLimit int
	// SuccessfulJobsHistoryLimit and FailedJobsHistoryLimit keep that many
	// finished runs (and their logs). Defaults: 3 and 3.
	SuccessfulJobsHistoryLimit int
	FailedJobsHistoryLimit     int
	// NodeSelector pins the pods. Default: none.
	NodeSelector map[string]string
}

func (p *PurgeCronJobProps) withDefaults() PurgeCronJobProps {
	r := *p
	if r.Schedule == "" {
		r.Schedule = "17 3 * * *"
	}
	if r.TimeZone == "" {
		r.TimeZone = "Etc/UTC"
	}
	if r.StartingDeadlineSeconds == 0 {
		r.StartingDeadlineSeconds = 3600
	}
	if r.ActiveDeadlineSeconds == 0 {
		r.ActiveDeadlineSeconds = 1800
	}
	if r.BackoffLimit == 0 {
		r.BackoffLimit = 2
	}
	if r.SuccessfulJobsHistoryLimit == 0 {
		r.SuccessfulJobsHistoryLimit = 3
	}
	if r.FailedJobsHistoryLimit == 0 {
		r.FailedJobsHistoryLimit = 3
	}
	return r
}

func (p PurgeCronJobProps) validate() error {
	if n := len(strings.Fields(p.Schedule)); n != 5 {
		return fmt.Errorf("charts: PurgeCronJobProps.Schedule %q: want 5 cron fields (minute hour day month weekday), got %d", p.Schedule, n)
	}
	for name, v := range map[string]int{
		"StartingDeadlineSeconds": p.StartingDeadlineSeconds, "ActiveDeadlineSeconds": p.ActiveDeadlineSeconds,
		"BackoffLimit": p.BackoffLimit, "SuccessfulJobsHistoryLimit": p.SuccessfulJobsHistoryLimit, "FailedJobsHistoryLimit": p.FailedJobsHistoryLimit,
	} {
		if v < 1 {
			return fmt.Errorf("charts: PurgeCronJobProps.%s = %d: must be positive (0 means the default)", name, v)
		}
	}
	return nil
}

// NewPurgeCronJob adds the CronJob that runs `server purge` with the
// backend's image, ServiceAccount, environment and restricted security
// context, one run at a time (concurrencyPolicy Forbid). Retention is the
// server's defaults (SHOP_PURGE_*, docs/server.md).
//
// It runs under the backend's ServiceAccount, like the migration Job:
// purge needs exactly the database secret (and the RDS Proxy endpoint
// parameter) that the backend's Pod Identity association grants, and a
// ServiceAccount of its own would need a second IAM role and association
// in the CDK for one fewer readable secret (the SES key, which this pod's
// NetworkPolicy gives no SMTP egress to use). See docs/kubernetes.md.
func NewPurgeCronJob(scope constructs.Construct, id string, props *PurgeCronJobProps) k8s.KubeCronJob {
	p := props.withDefaults()
	if err := p.validate(); err != nil {
		panic(err)
	}
	env := p.Env
	tmpl := backendJobTemplate(env, backendJob{
		name: PurgeName(env), component: "purge", container: "purge",
		args: []string{contract.CmdPurge}, resources: purgeResources(),
	}, p.NodeSelector)
	return k8s.NewKubeCronJob(scope, str(id), &k8s.KubeCronJobProps{
		Metadata: &k8s.ObjectMeta{Name: str(PurgeName(env)), Namespace: str(env.Names.Namespace), Labels: tmpl.Metadata.Labels},
		Spec: &k8s.CronJobSpec{
			Schedule:                   str(p.Schedule),
			TimeZone:                   str(p.TimeZone),
			ConcurrencyPolicy:          str("Forbid"),
			StartingDeadlineSeconds:    num(p.StartingDeadlineSeconds),
			SuccessfulJobsHistoryLimit: num(p.SuccessfulJobsHistoryLimit),
			FailedJobsHistoryLimit:     num(p.FailedJobsHistoryLimit),
			JobTemplate: &k8s.JobTemplateSpec{
				Metadata: &k8s.ObjectMeta{Labels: tmpl.Metadata.Labels},
				Spec: &k8s.JobSpec{
					BackoffLimit:          num(p.BackoffLimit),
					ActiveDeadlineSeconds: num(p.ActiveDeadlineSeconds),
					Template:              tmpl,
				},
			},
		},
	})
}

// PurgeNetworkPolicyProps describes the purge pods' flows.
type PurgeNetworkPolicyProps struct {
	// Env is the environment (namespace, names). Required.
	Env platform.Environment
	// VPCCIDR is where the database lives. Required.
	VPCCIDR string
	// DatabasePort is the PostgreSQL port. Required.
	DatabasePort int
}

// NewPurgeNetworkPolicy lets the purge pods reach what the migration Job
// reaches, and nothing more: PostgreSQL (RDS or RDS Proxy) in the VPC, AWS
// APIs over HTTPS (Secrets Manager, SSM, STS: the database secret) and the
// Pod Identity agent that hands out the credentials; DNS comes from the
// namespace's allow-dns policy. No ingress: the namespace's default deny
// keeps every connection out, and the pods serve nothing.
func NewPurgeNetworkPolicy(scope constructs.Construct, id string, p *PurgeNetworkPolicyProps) k8s.KubeNetworkPolicy {
	if p.VPCCIDR == "" || p.DatabasePort == 0 {
		panic(fmt.Errorf("charts: PurgeNetworkPolicyProps: VPCCIDR (%q) and DatabasePort (%d) are required", p.VPCCIDR, p.DatabasePort))
	}
	return NewNetworkPolicy(scope, id, &NetworkPolicyProps{
		Name: PurgeName(p.Env) + "-egress", Namespace: p.Env.Names.Namespace,
		PodSelector: &k8s.LabelSelector{MatchLabels: stringMap(map[string]string{LabelName: PurgeName(p.Env)})},
		Egress: []*k8s.NetworkPolicyEgressRule{
			{To: &[]*k8s.NetworkPolicyPeer{ipBlock(p.VPCCIDR)}, Ports: &[]*k8s.NetworkPolicyPort{tcp(p.DatabasePort)}},
			{To: &[]*k8s.NetworkPolicyPeer{ipBlock("0.0.0.0/0")}, Ports: &[]*k8s.NetworkPolicyPort{tcp(443)}},
			{To: &[]*k8s.NetworkPolicyPeer{ipBlock(PodIdentityAgentCIDR)}, Ports: &[]*k8s.NetworkPolicyPort{tcp(PodIdentityAgentPort)}},
		},
	})
}
