package charts

import (
	"fmt"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
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

// BackendPodProps are what every pod of the backend binary gets, whatever
// it runs (serve, migrate, purge): the image, the identity and the way to
// the database. BackendProps, MigrationJobProps and PurgeCronJobProps embed
// them, as aws-cdk's props interfaces extend a shared base. Only NAMES
// appear: the server fetches the credentials from Secrets Manager through
// EKS Pod Identity at start.
type BackendPodProps struct {
	// Name is app.kubernetes.io/name of the pods and the name of their
	// objects: the backend's Deployment, Service, HPA and PDB, the purge
	// CronJob, the start of the migration Job's name. Each differs, so that
	// the backend Service never selects a Job's pod. Required.
	Name string
	// Namespace the objects live in. Required.
	Namespace string
	// Image is the backend image reference; never ":latest". Required.
	Image string
	// Version is the image tag: app.kubernetes.io/version of the pods (and
	// part of the migration Job's name). Required.
	Version string
	// ServiceAccountName is the pods' ServiceAccount, which the Pod Identity
	// association that grants the database secret names. Required.
	ServiceAccountName string
	// Region is the AWS region of Secrets Manager, SSM and SES
	// (SHOP_AWS_REGION). Required.
	Region string
	// DatabaseSecretName is the Secrets Manager secret that holds the
	// database credentials (SHOP_DATABASE_SECRET_ID). Required.
	DatabaseSecretName string
	// DatabasePoolMaxConns caps each pod's connection pool
	// (SHOP_DATABASE_POOL_MAX_CONNS). Required.
	DatabasePoolMaxConns int
	// DatabaseProxyEndpointParameter is the SSM parameter that holds the RDS
	// Proxy's endpoint (SHOP_DATABASE_HOST_PARAMETER); the pods connect there
	// instead of the secret's host. Default: "" (no proxy).
	DatabaseProxyEndpointParameter string
	// NodeSelector pins the pods. Default: none.
	NodeSelector map[string]string
}

// validate names the first missing field as a field of the props type
// called props (the embedding one).
func (p BackendPodProps) validate(props string) error {
	return required(props, field{"Name", p.Name == ""},
		field{"Namespace", p.Namespace == ""}, field{"Image", p.Image == ""}, field{"Version", p.Version == ""},
		field{"ServiceAccountName", p.ServiceAccountName == ""}, field{"Region", p.Region == ""},
		field{"DatabaseSecretName", p.DatabaseSecretName == ""}, field{"DatabasePoolMaxConns", p.DatabasePoolMaxConns <= 0},
	)
}

// env is the environment of every backend container (server, migration
// Job, purge CronJob).
//
// With DatabaseProxyEndpointParameter, all of them connect through the
// proxy. The migration Job goes through the proxy too:
// `server migrate` holds a session advisory lock, and RDS Proxy pins a
// session that uses pg_advisory_lock to one database connection until it
// ends ("Conditions that cause pinning for RDS for PostgreSQL",
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-pinning.html),
// so the lock and the migrations share one connection as they do without a
// proxy; DDL is supported. Nothing asks migrations to bypass the proxy.
func (p BackendPodProps) env() []EnvVar {
	vars := []EnvVar{
		{Name: contract.EnvDatabaseSecretID, Value: p.DatabaseSecretName},
		{Name: contract.EnvAWSRegion, Value: p.Region},
		{Name: contract.EnvDatabasePoolMaxConns, Value: strconv.Itoa(p.DatabasePoolMaxConns)},
		{Name: contract.EnvShutdownTimeout, Value: fmt.Sprintf("%ds", BackendShutdownTimeoutSeconds)},
		{Name: contract.EnvDrainDelay, Value: fmt.Sprintf("%ds", BackendDrainDelaySeconds)},
		// Behind the ALB the client address is in X-Forwarded-For; the
		// login/register rate limits key on it.
		{Name: contract.EnvProxyHeader, Value: "X-Forwarded-For"},
	}
	if p.DatabaseProxyEndpointParameter != "" {
		vars = append(vars, EnvVar{Name: contract.EnvDatabaseHostParameter, Value: p.DatabaseProxyEndpointParameter})
	}
	return vars
}

// BackendProps configures the storefront API.
type BackendProps struct {
	BackendPodProps
	// Sizing holds requests, limits and HPA bounds and targets. Required.
	Sizing platform.Workload
	// SMTPHost and SMTPPort are the Amazon SES SMTP endpoint (in Region)
	// the server sends mail to. Required.
	SMTPHost string
	SMTPPort int
	// SMTPFrom is the sender address of the mails. Required.
	SMTPFrom string
	// SMTPSecretName is the secret that holds the SES access key the
	// server derives the SMTP password from. Required.
	SMTPSecretName string
	// PublicURL is the storefront's URL, which the mails link to. Required.
	PublicURL string
}

func (p BackendProps) validate() error {
	if err := p.BackendPodProps.validate("BackendProps"); err != nil {
		return err
	}
	return required("BackendProps",
		field{"SMTPHost", p.SMTPHost == ""}, field{"SMTPPort", p.SMTPPort <= 0},
		field{"SMTPFrom", p.SMTPFrom == ""}, field{"SMTPSecretName", p.SMTPSecretName == ""}, field{"PublicURL", p.PublicURL == ""},
	)
}

// serveEnv is the pod environment plus what only the serving Deployment
// needs: outgoing mail through Amazon SES and the public URL its links
// use. Only the SMTP secret's NAME appears; the server reads the SES access
// key from it through EKS Pod Identity and derives the SMTP password for
// SHOP_AWS_REGION, the region whose endpoint SHOP_SMTP_HOST is.
func (p BackendProps) serveEnv() []EnvVar {
	return append(p.env(),
		EnvVar{Name: contract.EnvSMTPHost, Value: p.SMTPHost},
		EnvVar{Name: contract.EnvSMTPPort, Value: strconv.Itoa(p.SMTPPort)},
		EnvVar{Name: contract.EnvSMTPFrom, Value: p.SMTPFrom},
		EnvVar{Name: contract.EnvSMTPSecretID, Value: p.SMTPSecretName},
		EnvVar{Name: contract.EnvPublicURL, Value: p.PublicURL},
	)
}

// NewBackend adds the backend's Deployment, Service, HPA and PDB. Its pods
// run under the ServiceAccount props.ServiceAccountName, which the Pod
// Identity association names; the base chart creates it.
func NewBackend(scope constructs.Construct, id string, props *BackendProps) *HTTPWorkload {
	p := propsOf(scope, id, props)
	if err := p.validate(); err != nil {
		failAt(scope, id, err)
	}
	return NewHTTPWorkload(scope, id, &HTTPWorkloadProps{
		Name:                p.Name,
		Namespace:           p.Namespace,
		Component:           "api",
		Version:             p.Version,
		Image:               p.Image,
		Args:                []string{contract.CmdServe},
		Env:                 p.serveEnv(),
		Port:                contract.Port,
		PortName:            contract.PortName,
		LivenessPath:        contract.PathHealthz,
		ReadinessPath:       contract.PathReadyz,
		Sizing:              p.Sizing,
		UID:                 BackendUID,
		ServiceAccountName:  p.ServiceAccountName,
		WritablePaths:       []string{"/tmp"},
		PreStopSleepSeconds: BackendPreStopSleepSeconds,
		DrainSeconds:        BackendDrainDelaySeconds + BackendShutdownTimeoutSeconds,
		MaxSurge:            defaultMaxSurge,
		ServiceAnnotations:  albHealthCheck(contract.PathReadyz),
		NodeSelector:        p.NodeSelector,
	})
}

// backendJob is one run-to-completion use of the backend binary (the
// migration Job, the purge CronJob).
type backendJob struct {
	name      string // app.kubernetes.io/name of its pods
	component string // app.kubernetes.io/component
	container string // the container's name
	args      []string
	resources Resources
}

// jobTemplate is the pod template of a backend Job: the backend's image,
// ServiceAccount (EKS Pod Identity hands it the database secret),
// environment and restricted security context, running j.args.
func (p BackendPodProps) jobTemplate(j backendJob) *k8s.PodTemplateSpec {
	labels := storefrontLabels(map[string]string{LabelName: j.name, LabelComponent: j.component, LabelVersion: p.Version})
	container := restrictedContainer(j.container, p.Image, BackendUID, j.resources)
	container.Args = strs(j.args...)
	container.Env = envVars(p.env())
	vols, mounts := writableDirs(64, "/tmp")
	container.VolumeMounts = &mounts
	podSpec := &k8s.PodSpec{
		RestartPolicy:                 str("Never"),
		ServiceAccountName:            str(p.ServiceAccountName),
		AutomountServiceAccountToken:  jsii.Bool(false),
		EnableServiceLinks:            jsii.Bool(false),
		SecurityContext:               restrictedPodSecurityContext(BackendUID),
		TerminationGracePeriodSeconds: num(30),
		Volumes:                       &vols,
		Containers:                    &[]*k8s.Container{container},
	}
	if len(p.NodeSelector) > 0 {
		podSpec.NodeSelector = stringMap(p.NodeSelector)
	}
	return &k8s.PodTemplateSpec{Metadata: &k8s.ObjectMeta{Labels: stringMap(labels)}, Spec: podSpec}
}
