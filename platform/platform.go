// Package platform is shopstack's one typed configuration. Both the AWS CDK
// app (cdk/) and the cdk8s app (cdk8s/) read an Environment from here; every
// name that crosses from AWS to Kubernetes (namespace, service accounts,
// database secret name, image repositories) is declared once, in this
// package, and imported by both sides.
//
// platform imports neither cdk/ nor cdk8s/: it is plain Go data.
package platform

// The environments synthesized by every `task synth`.
const (
	EnvDev  = "dev"
	EnvProd = "prod"
)

// EKS upgrade policies at the end of a version's standard support
// (AWS::EKS::Cluster UpgradePolicy.SupportType,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-cluster-upgradepolicy.html):
// STANDARD "will be automatically upgraded at the end of standard support",
// EXTENDED "will enter extended support".
const (
	SupportStandard = "STANDARD"
	SupportExtended = "EXTENDED"
)

// Placeholder values a user must replace before deploying. They are obvious
// on purpose (the AWS documentation's example account and a reserved domain)
// and the README lists where to change them.
const (
	PlaceholderAccount      = "111122223333"
	PlaceholderHostedZoneID = "Z0000000000EXAMPLE"
	PlaceholderZoneName     = "example.com"
)

// Environment is everything that differs between dev and prod, plus the names
// shared by every layer. Sizes and safety differ between environments; the
// shape never does.
type Environment struct {
	// Name is the environment name: "dev" or "prod".
	Name string
	// Account is the 12-digit AWS account id the stacks deploy into.
	Account string
	// Region is the AWS region, e.g. "eu-west-1".
	Region string
	// AvailabilityZones is the number of AZs the VPC spans (2-6). The AZ
	// names are derived as <region>a, <region>b, ... so that synthesis never
	// looks anything up in AWS.
	AvailabilityZones int

	DNS        DNS
	Network    Network
	Cluster    Cluster
	Database   Database
	Images     Images
	Names      Names
	Backend    Workload
	Frontend   Workload
	NodePool   NodePool
	Monitoring Monitoring
	// Mail is the storefront's outgoing e-mail through Amazon SES (mail.go).
	Mail Mail

	// Tags are applied to every AWS resource.
	Tags map[string]string
}

// DNS describes the storefront's public name.
type DNS struct {
	// ZoneName is the Route53 public hosted zone, e.g. "example.com".
	ZoneName string
	// HostedZoneID is the id of that zone (imported, never looked up).
	HostedZoneID string
	// Host is the storefront's fully qualified host name; it must be inside
	// ZoneName, e.g. "shop.example.com".
	Host string
}

// Network sizes the VPC.
type Network struct {
	// CIDR is the VPC's IPv4 range, at least a /20.
	CIDR string
	// NATGateways is the number of NAT gateways: one per AZ in prod, one in dev.
	NATGateways int
	// FlowLogRetentionDays is how long VPC flow logs are kept in CloudWatch.
	FlowLogRetentionDays int
}

// Cluster configures the EKS control plane.
type Cluster struct {
	// Name is the EKS cluster name.
	Name string
	// KubernetesVersion is "1.<minor>", e.g. "1.35". Synthesis warns when it
	// nears the end of EKS standard support (see EKSKubernetesSupport).
	KubernetesVersion string
	// AdminRoleARNs get cluster-admin through EKS access entries.
	AdminRoleARNs []string
	// PublicAccessCIDRs may reach the public API endpoint. The private
	// endpoint is always on.
	PublicAccessCIDRs []string
	// LogRetentionDays applies to the KMS/flow/database log groups the stacks own.
	LogRetentionDays int
	// SupportType is what EKS does when KubernetesVersion leaves standard
	// support: "STANDARD" upgrades the cluster to the next version,
	// "EXTENDED" keeps it on its version at the extended-support price.
	SupportType string
}

// Database configures RDS PostgreSQL.
type Database struct {
	// EngineVersion is the PostgreSQL major version, e.g. "17" (RDS picks a
	// current minor and upgrades it), or "<major>.<minor>" to pin a minor
	// that RDS still offers. The parameter group family follows the major.
	EngineVersion string
	// InstanceClass is the RDS instance class without the "db." prefix,
	// e.g. "t4g.medium".
	InstanceClass string
	// AllocatedStorageGiB is the initial gp3 storage.
	AllocatedStorageGiB int
	// MaxAllocatedStorageGiB is the storage autoscaling ceiling.
	MaxAllocatedStorageGiB int
	// BackupRetentionDays is how long automated backups are kept (1-35).
	BackupRetentionDays int
	// MultiAZ runs a synchronous standby in a second AZ.
	MultiAZ bool
	// ReadReplica adds one asynchronous read replica.
	ReadReplica bool
	// DeletionProtection blocks deleting the instance; removal takes a snapshot.
	DeletionProtection bool
	// RDSProxy puts an RDS Proxy in front of the database for connection pooling.
	RDSProxy bool
	// DatabaseName is the name of the application database.
	DatabaseName string
	// Username is the master user whose credentials RDS generates.
	Username string
	// Port is the PostgreSQL port.
	Port int
	// SlowStatementMillis logs statements slower than this (log_min_duration_statement).
	SlowStatementMillis int
	// PoolMaxConns is the backend's connection pool size per pod. With the HPA
	// maximum it must stay under the database's connection limit.
	PoolMaxConns int
}

// Images names the container images. The registry is derived from the
// account and region: <account>.dkr.ecr.<region>.amazonaws.com.
type Images struct {
	BackendRepository  string
	FrontendRepository string
	// Tag is the immutable image tag deployed (a git sha or a release).
	// "latest" is refused.
	Tag string
}

// Names are the identifiers that both the AWS side and the Kubernetes side
// use. Change them here and nowhere else.
type Names struct {
	// Namespace is where the storefront runs.
	Namespace string
	// MonitoringNamespace is where Prometheus, AlertManager and Grafana run.
	MonitoringNamespace string
	// ExternalDNSNamespace is where ExternalDNS runs.
	ExternalDNSNamespace string
	// BackendServiceAccount is the backend's ServiceAccount; the Pod Identity
	// association grants it read access to the database secret.
	BackendServiceAccount string
	// ExternalDNSServiceAccount is ExternalDNS's ServiceAccount; its Pod
	// Identity association may change records in the storefront zone only.
	ExternalDNSServiceAccount string
	// DatabaseSecretName is the Secrets Manager secret holding the RDS
	// credentials (JSON: host, port, username, password, dbname).
	DatabaseSecretName string
	// DatabaseProxyEndpointParameter is the SSM Parameter Store parameter
	// (a fully qualified name, "/...") into which the database stack writes
	// the RDS Proxy's endpoint when Database.RDSProxy is on. The endpoint is
	// known only after deploy; this name is known at synth time, so the
	// backend finds the proxy by it (its Pod Identity may read exactly this
	// parameter) and connects there instead of the secret's host.
	DatabaseProxyEndpointParameter string
	// SMTPSecretName is the Secrets Manager secret holding the access key
	// of the IAM user that may send the storefront's mail through SES (JSON:
	// access_key_id, secret_access_key); the backend derives its SMTP
	// password from it (contract.EnvSMTPSecretID) and its Pod Identity may
	// read exactly this secret.
	SMTPSecretName string
	// Backend and Frontend are the Deployment/Service names.
	Backend  string
	Frontend string
}

// Workload sizes one storefront Deployment and its autoscaler.
type Workload struct {
	MinReplicas int
	MaxReplicas int
	// TargetCPUPercent and TargetMemoryPercent are HPA utilization targets
	// relative to the requests.
	TargetCPUPercent    int
	TargetMemoryPercent int
	// CPURequestMilli/MemoryRequestMiB are the requests; the *Limit fields the limits.
	CPURequestMilli  int
	CPULimitMilli    int
	MemoryRequestMiB int
	MemoryLimitMiB   int
	// ScaleDownStabilizationSeconds damps scale-down after a burst.
	ScaleDownStabilizationSeconds int
}

// NodePool sizes the EKS Auto Mode NodePool for the storefront.
type NodePool struct {
	// CapacityTypes are "spot" and/or "on-demand".
	CapacityTypes []string
	// CPULimit and MemoryLimitGiB cap the pool's total capacity.
	CPULimit       int
	MemoryLimitGiB int
	// ConsolidateAfter is the scale-down delay (a Go duration string, e.g. "5m").
	ConsolidateAfter string
	// SystemOverheadCPUMilli/SystemOverheadMemoryMiB are reserved for system
	// pods, daemons and monitoring when proving the limits hold every HPA.
	SystemOverheadCPUMilli  int
	SystemOverheadMemoryMiB int
}

// Monitoring sizes Prometheus.
type Monitoring struct {
	// RetentionDays is Prometheus' TSDB retention.
	RetentionDays int
	// StorageGiB is the Prometheus persistent volume size.
	StorageGiB int
}
