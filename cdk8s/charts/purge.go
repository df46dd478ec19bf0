package charts

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/contract"
)

// PurgeName is the name of the purge CronJob of the backend called backend
// and app.kubernetes.io/name of its pods. It differs from the backend's, so
// the backend Service never selects a purge pod.
func PurgeName(backend string) string { return backend + "-purge" }

// purgeResources are the purge pod's requests and limits: the LimitRange
// defaults. `server purge` runs a few short DELETE statements on one
// connection, so it needs far less than a serving pod; at these values it
// fits in the ResourceQuota's QuotaSparePods, so the quota admits it even
// while the storefront is at its peak (and the migration Job runs).
func purgeResources() Resources {
	return Resources{
		CPURequestMilli: defaultRequestCPUMilli, MemoryRequestMiB: defaultRequestMemoryMiB,
		CPULimitMilli: defaultLimitCPUMilli, MemoryLimitMiB: defaultLimitMemoryMiB,
	}
}

// PurgeCronJobProps configures the purge CronJob.
type PurgeCronJobProps struct {
	// BackendPodProps.Name is the CronJob's name too (Build: PurgeName).
	BackendPodProps
	// Resources are the pod's requests and limits. Default: the
	// LimitRange defaults (purgeResources).
	Resources Resources
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
}

func (p PurgeCronJobProps) withDefaults() PurgeCronJobProps {
	defaultTo(&p.Resources, purgeResources())
	defaultTo(&p.Schedule, "17 3 * * *")
	defaultTo(&p.TimeZone, "Etc/UTC")
	defaultTo(&p.StartingDeadlineSeconds, 3600)
	defaultTo(&p.ActiveDeadlineSeconds, 1800)
	defaultTo(&p.BackoffLimit, 2)
	defaultTo(&p.SuccessfulJobsHistoryLimit, 3)
	defaultTo(&p.FailedJobsHistoryLimit, 3)
	return p
}

func (p PurgeCronJobProps) validate() error {
	if err := p.BackendPodProps.validate("PurgeCronJobProps"); err != nil {
		return err
	}
	if !p.Resources.valid() {
		return fmt.Errorf("PurgeCronJobProps.Resources %+v: want requests > 0 and limits >= requests", p.Resources)
	}
	if n := len(strings.Fields(p.Schedule)); n != 5 {
		return fmt.Errorf("PurgeCronJobProps.Schedule %q: want 5 cron fields (minute hour day month weekday), got %d", p.Schedule, n)
	}
	for name, v := range map[string]int{
		"StartingDeadlineSeconds": p.StartingDeadlineSeconds, "ActiveDeadlineSeconds": p.ActiveDeadlineSeconds,
		"BackoffLimit": p.BackoffLimit, "SuccessfulJobsHistoryLimit": p.SuccessfulJobsHistoryLimit, "FailedJobsHistoryLimit": p.FailedJobsHistoryLimit,
	} {
		if v < 1 {
			return fmt.Errorf("PurgeCronJobProps.%s = %d: must be positive (0 means the default)", name, v)
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
	p := propsOf(scope, id, props).withDefaults()
	if err := p.validate(); err != nil {
		failAt(scope, id, err)
	}
	tmpl := p.jobTemplate(backendJob{
		name: p.Name, component: "purge", container: "purge",
		args: []string{contract.CmdPurge}, resources: p.Resources,
	})
	return k8s.NewKubeCronJob(scope, str(id), &k8s.KubeCronJobProps{
		Metadata: &k8s.ObjectMeta{Name: str(p.Name), Namespace: str(p.Namespace), Labels: tmpl.Metadata.Labels},
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
