package charts

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/contract"
)

// MigrationName is app.kubernetes.io/name of the migration pods of the
// backend called backend. It differs from the backend's, so the backend
// Service never selects a Job pod.
func MigrationName(backend string) string { return backend + "-migrate" }

// MigrationJobProps configures the migration Job.
type MigrationJobProps struct {
	// BackendPodProps.Name is the start of the Job's own name (see
	// MigrationJob.Name).
	BackendPodProps
	// Resources are the pod's requests and limits. Required (Build gives
	// the backend's: the same binary with the same pool).
	Resources Resources
	// BackoffLimit is how many failed pods the Job retries. Default: 3.
	BackoffLimit int
	// TTLSecondsAfterFinished deletes the finished Job (and its logs) after
	// this long. Default: 86400 (a day, to read the logs).
	TTLSecondsAfterFinished int
	// ActiveDeadlineSeconds fails a Job that runs longer. Default: 900.
	ActiveDeadlineSeconds int
}

func (p MigrationJobProps) withDefaults() MigrationJobProps {
	defaultTo(&p.BackoffLimit, 3)
	defaultTo(&p.TTLSecondsAfterFinished, 86400)
	defaultTo(&p.ActiveDeadlineSeconds, 900)
	return p
}

func (p MigrationJobProps) validate() error {
	if err := p.BackendPodProps.validate("MigrationJobProps"); err != nil {
		return err
	}
	if !p.Resources.valid() {
		return fmt.Errorf("MigrationJobProps.Resources %+v: want requests > 0 and limits >= requests", p.Resources)
	}
	return nil
}

// MigrationJob is the Job that runs `server migrate` of one release.
type MigrationJob struct {
	job  k8s.KubeJob
	name string
}

// Name is the Job's name, "<Name>-<tag>-<hash>": one Job per release and
// pod template, so applying the same release twice does not run it twice,
// and a new release, or a changed template under the same tag (a new pool
// size, a new environment variable), gets a new Job: a Job's pod template
// is immutable, and reusing a name for a different template is refused by
// the API server (ValidateJobUpdate). The hash is the first 8 hex digits
// of the SHA-256 of the pod template as rendered. The tag (Version) is
// lower-cased and every character a DNS label refuses ('.', '_') becomes
// '-'; the name stays within 63 characters (the job-name label the Job
// controller puts on its pods) by cutting the tag.
func (j *MigrationJob) Name() string { return j.name }

// ApiObject is the Job itself (an escape hatch, as in cdk8s-plus).
func (j *MigrationJob) ApiObject() k8s.KubeJob { return j.job }

// NewMigrationJob adds the Job that runs `server migrate` with the backend's
// image, ServiceAccount, environment and security context. It must complete
// before the new backend serves: see docs/kubernetes.md for the apply order.
func NewMigrationJob(scope constructs.Construct, id string, props *MigrationJobProps) *MigrationJob {
	p := propsOf(scope, id, props).withDefaults()
	if err := p.validate(); err != nil {
		failAt(scope, id, err)
	}
	tmpl := p.jobTemplate(backendJob{
		name: p.Name, component: "migration", container: "migrate",
		args: []string{contract.CmdMigrate}, resources: p.Resources,
	})
	job := k8s.NewKubeJob(scope, str(id), &k8s.KubeJobProps{
		// Named below, from the rendered template.
		Metadata: &k8s.ObjectMeta{Name: str(p.Name), Namespace: str(p.Namespace), Labels: tmpl.Metadata.Labels},
		Spec: &k8s.JobSpec{
			BackoffLimit:            num(p.BackoffLimit),
			TtlSecondsAfterFinished: num(p.TTLSecondsAfterFinished),
			ActiveDeadlineSeconds:   num(p.ActiveDeadlineSeconds),
			Template:                tmpl,
		},
	})
	// The template as cdk8s renders it (quantities resolved): its hash names
	// the Job.
	rendered, _ := job.ToJson().(map[string]any)
	spec, _ := rendered["spec"].(map[string]any)
	name, err := migrationJobName(p.Name, p.Version, spec["template"])
	if err != nil {
		failAt(scope, id, err)
	}
	job.AddJsonPatch(cdk8s.JsonPatch_Replace(str("/metadata/name"), name))
	return &MigrationJob{job: job, name: name}
}

// migrationJobName names the Job of the pods called name, running the
// image tag version, whose rendered pod template (resolved, as cdk8s
// writes it) is template.
func migrationJobName(name, version string, template any) (string, error) {
	rendered, err := json.Marshal(template) // maps marshal with sorted keys
	if err != nil {
		return "", fmt.Errorf("migration pod template: %w", err)
	}
	sum := sha256.Sum256(rendered)
	hash := hex.EncodeToString(sum[:])[:8]
	tag := strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			return r
		}
		return '-'
	}, strings.ToLower(version))
	prefix := name + "-"
	room := 63 - len(prefix) - len(hash) - 1
	if len(tag) > room {
		// A cut tag alone could make two long tags collide: add its own hash.
		tagSum := sha256.Sum256([]byte(version))
		tag = strings.TrimRight(tag[:room-9], "-") + "-" + hex.EncodeToString(tagSum[:])[:8]
	}
	return strings.TrimRight(prefix+strings.Trim(tag, "-"), "-") + "-" + hash, nil
}
