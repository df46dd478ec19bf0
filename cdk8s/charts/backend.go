package charts

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// BackendUID is the uid of the distroless "nonroot" user the backend image
// runs as.
const BackendUID = 65532

// Backend drain timing: the preStop sleep keeps a terminating pod serving
// while the ALB deregisters it; then SIGTERM makes /readyz answer 503 and
// the server keeps answering for SHOP_DRAIN_DELAY and then finishes
// in-flight requests within SHOP_SHUTDOWN_TIMEOUT.
const (
	BackendPreStopSleepSeconds    = 10
	BackendDrainDelaySeconds      = 5
	BackendShutdownTimeoutSeconds = 20
)

// backendEnv is the environment of every backend container (server and
// migration Job). Only the secret's NAME appears: the server fetches the
// credentials from Secrets Manager through EKS Pod Identity at start.
//
// With Database.RDSProxy, both also get the NAME of the SSM parameter that
// holds the proxy's endpoint, and connect there instead of the secret's
// host (the instance). The migration Job goes through the proxy too:
// `server migrate` holds a session advisory lock, and RDS Proxy pins a
// session that uses pg_advisory_lock to one database connection until it
// ends ("Conditions that cause pinning for RDS for PostgreSQL",
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-pinning.html),
// so the lock and the migrations share one connection as they do without a
// proxy; DDL is supported. Nothing asks migrations to bypass the proxy.
func backendEnv(env platform.Environment) []EnvVar {
	vars := []EnvVar{
		{Name: contract.EnvDatabaseSecretID, Value: env.Names.DatabaseSecretName},
		{Name: contract.EnvAWSRegion, Value: env.Region},
		{Name: contract.EnvDatabasePoolMaxConns, Value: strconv.Itoa(env.Database.PoolMaxConns)},
		{Name: contract.EnvShutdownTimeout, Value: fmt.Sprintf("%ds", BackendShutdownTimeoutSeconds)},
		{Name: contract.EnvDrainDelay, Value: fmt.Sprintf("%ds", BackendDrainDelaySeconds)},
		// Behind the ALB the client address is in X-Forwarded-For; the
		// login/register rate limits key on it.
		{Name: contract.EnvProxyHeader, Value: "X-Forwarded-For"},
	}
	if env.Database.RDSProxy {
		vars = append(vars, EnvVar{Name: contract.EnvDatabaseHostParameter, Value: env.Names.DatabaseProxyEndpointParameter})
	}
	return vars
}

// backendServeEnv is backendEnv plus what only the serving Deployment
// needs: outgoing mail through Amazon SES and the public URL its links
// use. Only the SMTP secret's NAME appears; the server reads the SES access
// key from it through EKS Pod Identity and derives the SMTP password for
// SHOP_AWS_REGION, the region whose endpoint SHOP_SMTP_HOST is.
func backendServeEnv(env platform.Environment) []EnvVar {
	return append(backendEnv(env),
		EnvVar{Name: contract.EnvSMTPHost, Value: env.SMTPHost()},
		EnvVar{Name: contract.EnvSMTPPort, Value: strconv.Itoa(platform.SMTPPort)},
		EnvVar{Name: contract.EnvSMTPFrom, Value: env.SMTPFrom()},
		EnvVar{Name: contract.EnvSMTPSecretID, Value: env.Names.SMTPSecretName},
		EnvVar{Name: contract.EnvPublicURL, Value: env.PublicURL()},
	)
}

// BackendProps configures the storefront API.
type BackendProps struct {
	// Env is the environment. Required.
	Env platform.Environment
	// NodeSelector pins the pods. Default: none.
	NodeSelector map[string]string
}

// NewBackend adds the backend's Deployment, Service, HPA and PDB. Its pods
// run under the ServiceAccount env.Names.BackendServiceAccount, which the
// Pod Identity association names; the base chart creates it.
func NewBackend(scope constructs.Construct, id string, props *BackendProps) *HTTPWorkload {
	env := props.Env
	return NewHTTPWorkload(scope, id, &HTTPWorkloadProps{
		Name:                env.Names.Backend,
		Namespace:           env.Names.Namespace,
		Component:           "api",
		Version:             env.Images.Tag,
		Image:               env.BackendImage(),
		Args:                []string{contract.CmdServe},
		Env:                 backendServeEnv(env),
		Port:                contract.Port,
		PortName:            contract.PortName,
		LivenessPath:        contract.PathHealthz,
		ReadinessPath:       contract.PathReadyz,
		Sizing:              env.Backend,
		UID:                 BackendUID,
		ServiceAccountName:  env.Names.BackendServiceAccount,
		WritablePaths:       []string{"/tmp"},
		PreStopSleepSeconds: BackendPreStopSleepSeconds,
		DrainSeconds:        BackendDrainDelaySeconds + BackendShutdownTimeoutSeconds,
		MaxSurge:            defaultMaxSurge,
		ServiceAnnotations:  albHealthCheck(contract.PathReadyz),
		NodeSelector:        props.NodeSelector,
	})
}

// migrationResources are the migration Job's requests and limits: the
// backend's, since it is the same binary with the same pool.
func migrationResources(env platform.Environment) platform.Workload {
	return platform.Workload{
		CPURequestMilli: env.Backend.CPURequestMilli, CPULimitMilli: env.Backend.CPULimitMilli,
		MemoryRequestMiB: env.Backend.MemoryRequestMiB, MemoryLimitMiB: env.Backend.MemoryLimitMiB,
	}
}

// MigrationJobName is "<backend>-migrate-<tag>-<hash>": one Job per release
// and pod template, so applying the same release twice does not run it
// twice, and a new release, or a changed template under the same tag (a new
// pool size, a new environment variable), gets a new Job: a Job's pod
// template is immutable, and reusing a name for a different template is
// refused by the API server (ValidateJobUpdate). The hash is the first 8 hex
// digits of the SHA-256 of the pod template as NewMigrationJob renders it on
// the storefront NodePool. The tag is lower-cased and every character a DNS
// label refuses ('.', '_') becomes '-'; the name stays within 63 characters
// (the job-name label the Job controller puts on its pods) by cutting the
// tag.
func MigrationJobName(env platform.Environment) string {
	// The name is a function of the rendered template, so render it the way
	// Build does, in a throwaway app that is never synthesized.
	chart := cdk8s.NewChart(cdk8s.NewApp(nil), str("migration-name"), nil)
	_, name := newMigrationJob(chart, "migration", &MigrationJobProps{Env: env, NodeSelector: storefrontPool()})
	return name
}

// storefrontPool is the node selector of the storefront's pods.
func storefrontPool() map[string]string { return map[string]string{labelNodePool: NodePoolName} }

// migrationJobName names the Job of env whose rendered pod template
// (resolved, as cdk8s writes it) is template.
func migrationJobName(env platform.Environment, template any) string {
	rendered, err := json.Marshal(template) // maps marshal with sorted keys
	if err != nil {
		panic(fmt.Errorf("charts: migration pod template: %w", err))
	}
	sum := sha256.Sum256(rendered)
	hash := hex.EncodeToString(sum[:])[:8]
	tag := strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			return r
		}
		return '-'
	}, strings.ToLower(env.Images.Tag))
	prefix := MigrationName(env) + "-"
	room := 63 - len(prefix) - len(hash) - 1
	if len(tag) > room {
		// A cut tag alone could make two long tags collide: add its own hash.
		tagSum := sha256.Sum256([]byte(env.Images.Tag))
		tag = strings.TrimRight(tag[:room-9], "-") + "-" + hex.EncodeToString(tagSum[:])[:8]
	}
	return strings.TrimRight(prefix+strings.Trim(tag, "-"), "-") + "-" + hash
}

// MigrationJobProps configures the migration Job.
type MigrationJobProps struct {
	// Env is the environment. Required.
	Env platform.Environment
	// BackoffLimit is how many failed pods the Job retries. Default: 3.
	BackoffLimit int
	// TTLSecondsAfterFinished deletes the finished Job (and its logs) after
	// this long. Default: 86400 (a day, to read the logs).
	TTLSecondsAfterFinished int
	// ActiveDeadlineSeconds fails a Job that runs longer. Default: 900.
	ActiveDeadlineSeconds int
	// NodeSelector pins the pod. Default: none.
	NodeSelector map[string]string
}

// NewMigrationJob adds the Job that runs `server migrate` with the backend's
// image, ServiceAccount, environment and security context. It must complete
// before the new backend serves: see docs/kubernetes.md for the apply order.
func NewMigrationJob(scope constructs.Construct, id string, props *MigrationJobProps) k8s.KubeJob {
	job, _ := newMigrationJob(scope, id, props)
	return job
}

// newMigrationJob adds the Job and returns it with its name.
func newMigrationJob(scope constructs.Construct, id string, props *MigrationJobProps) (k8s.KubeJob, string) {
	p := *props
	if p.BackoffLimit == 0 {
		p.BackoffLimit = 3
	}
	if p.TTLSecondsAfterFinished == 0 {
		p.TTLSecondsAfterFinished = 86400
	}
	if p.ActiveDeadlineSeconds == 0 {
		p.ActiveDeadlineSeconds = 900
	}
	env := p.Env
	tmpl := migrationTemplate(env, p.NodeSelector)
	job := k8s.NewKubeJob(scope, str(id), &k8s.KubeJobProps{
		// Named below, from the rendered template.
		Metadata: &k8s.ObjectMeta{Name: str(MigrationName(env)), Namespace: str(env.Names.Namespace), Labels: tmpl.Metadata.Labels},
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
	name := migrationJobName(env, spec["template"])
	job.AddJsonPatch(cdk8s.JsonPatch_Replace(str("/metadata/name"), name))
	return job, name
}

// migrationTemplate is the migration Job's pod template: the backend's image,
// ServiceAccount, environment and security context, running `server migrate`.
func migrationTemplate(env platform.Environment, nodeSelector map[string]string) *k8s.PodTemplateSpec {
	return backendJobTemplate(env, backendJob{
		name: MigrationName(env), component: "migration", container: "migrate",
		args: []string{contract.CmdMigrate}, resources: migrationResources(env),
	}, nodeSelector)
}

// backendJob is one run-to-completion use of the backend binary (the
// migration Job, the purge CronJob).
type backendJob struct {
	name      string // app.kubernetes.io/name of its pods
	component string // app.kubernetes.io/component
	container string // the container's name
	args      []string
	resources platform.Workload
}

// backendJobTemplate is the pod template of a backend Job: the backend's
// image, ServiceAccount (EKS Pod Identity hands it the database secret),
// environment and restricted security context, running j.args.
func backendJobTemplate(env platform.Environment, j backendJob, nodeSelector map[string]string) *k8s.PodTemplateSpec {
	res := j.resources
	labels := map[string]string{
		LabelName:      j.name,
		LabelPartOf:    PartOf,
		LabelComponent: j.component,
		LabelVersion:   env.Images.Tag,
	}
	var envVars []*k8s.EnvVar
	for _, e := range backendEnv(env) {
		envVars = append(envVars, &k8s.EnvVar{Name: str(e.Name), Value: str(e.Value)})
	}
	vols, mounts := writableDirs(64, "/tmp")
	podSpec := &k8s.PodSpec{
		RestartPolicy:                 str("Never"),
		ServiceAccountName:            str(env.Names.BackendServiceAccount),
		AutomountServiceAccountToken:  jsii.Bool(false),
		EnableServiceLinks:            jsii.Bool(false),
		SecurityContext:               restrictedPodSecurityContext(BackendUID),
		TerminationGracePeriodSeconds: num(30),
		Volumes:                       &vols,
		Containers: &[]*k8s.Container{{
			Name:                     str(j.container),
			Image:                    str(env.BackendImage()),
			ImagePullPolicy:          str("IfNotPresent"),
			Args:                     strs(j.args...),
			Env:                      &envVars,
			Resources:                resources(res.CPURequestMilli, res.MemoryRequestMiB, res.CPULimitMilli, res.MemoryLimitMiB),
			SecurityContext:          restrictedContainerSecurityContext(BackendUID),
			VolumeMounts:             &mounts,
			TerminationMessagePolicy: str("FallbackToLogsOnError"),
		}},
	}
	if len(nodeSelector) > 0 {
		podSpec.NodeSelector = stringMap(nodeSelector)
	}
	return &k8s.PodTemplateSpec{Metadata: &k8s.ObjectMeta{Labels: stringMap(labels)}, Spec: podSpec}
}

// MigrationName is app.kubernetes.io/name of the migration pods. It differs
// from the backend's, so the backend Service never selects a Job pod.
func MigrationName(env platform.Environment) string { return env.Names.Backend + "-migrate" }
