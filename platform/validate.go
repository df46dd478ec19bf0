package platform

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// FieldError is one invalid configuration value: the field's path, the value
// received and what is allowed.
type FieldError struct {
	Env     string
	Field   string
	Value   any
	Allowed string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("platform: %s: %s = %#v: %s", e.Env, e.Field, e.Value, e.Allowed)
}

var (
	accountRe     = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe      = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)
	zoneIDRe      = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
	hostRe        = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	k8sVersionRe  = regexp.MustCompile(`^1\.(\d+)$`)
	pgVersionRe   = regexp.MustCompile(`^(1[3-9])(\.\d+)?$`)
	classRe       = regexp.MustCompile(`^[a-z][a-z0-9]*\.[a-z0-9]+$`)
	dnsLabelRe    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	pgIdentRe     = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	ecrRepoRe     = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
	imageTagRe    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	secretNameRe  = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
	validEnvNames = map[string]bool{EnvDev: true, EnvProd: true}
)

// IAMRoleARN matches an IAM role ARN; its one group is the role's path and
// name (cdk/infra builds construct ids from it).
var IAMRoleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/([A-Za-z0-9+=,.@_/-]+)$`)

// minKubernetesMinor is the oldest Kubernetes minor EKS Auto Mode supports.
const minKubernetesMinor = 29

// Validate checks every field and returns all problems at once, each a
// *FieldError naming the field, the value and what is allowed.
func (e Environment) Validate() error {
	v := validator{env: e.Name}
	v.check(validEnvNames[e.Name], "Name", e.Name, `one of "dev", "prod"`)
	v.check(accountRe.MatchString(e.Account), "Account", e.Account, "a 12-digit AWS account id")
	v.check(regionRe.MatchString(e.Region), "Region", e.Region, `an AWS region name such as "eu-west-1"`)
	v.check(e.AvailabilityZones >= 2 && e.AvailabilityZones <= 6, "AvailabilityZones", e.AvailabilityZones, "between 2 and 6 (EKS and Multi-AZ RDS need at least 2)")

	// DNS
	v.check(hostRe.MatchString(e.DNS.ZoneName), "DNS.ZoneName", e.DNS.ZoneName, "a lower-case DNS name such as example.com")
	v.check(zoneIDRe.MatchString(e.DNS.HostedZoneID), "DNS.HostedZoneID", e.DNS.HostedZoneID, "a Route53 hosted zone id such as Z0123456789ABC")
	v.check(hostRe.MatchString(e.DNS.Host) && strings.HasSuffix(e.DNS.Host, "."+e.DNS.ZoneName), "DNS.Host", e.DNS.Host, "a lower-case host name inside DNS.ZoneName "+strconv.Quote(e.DNS.ZoneName))

	// Network
	prefix, err := netip.ParsePrefix(e.Network.CIDR)
	v.check(err == nil && prefix.Addr().Is4() && prefix.Bits() >= 16 && prefix.Bits() <= 20 && prefix.Masked() == prefix, "Network.CIDR", e.Network.CIDR, "an IPv4 network from /16 to /20, e.g. 10.0.0.0/16")
	v.check(e.Network.NATGateways >= 1 && e.Network.NATGateways <= e.AvailabilityZones, "Network.NATGateways", e.Network.NATGateways, fmt.Sprintf("between 1 and AvailabilityZones (%d)", e.AvailabilityZones))
	v.check(validRetention(e.Network.FlowLogRetentionDays), "Network.FlowLogRetentionDays", e.Network.FlowLogRetentionDays, "a CloudWatch Logs retention: "+retentionList())

	// Cluster
	v.check(dnsLabelRe.MatchString(e.Cluster.Name) && len(e.Cluster.Name) <= 100, "Cluster.Name", e.Cluster.Name, "a lower-case name of letters, digits and '-' (max 100)")
	if m := k8sVersionRe.FindStringSubmatch(e.Cluster.KubernetesVersion); m == nil {
		v.fail("Cluster.KubernetesVersion", e.Cluster.KubernetesVersion, `"1.<minor>", e.g. "1.35"`)
	} else if minor, _ := strconv.Atoi(m[1]); minor < minKubernetesMinor {
		v.fail("Cluster.KubernetesVersion", e.Cluster.KubernetesVersion, fmt.Sprintf("1.%d or newer (EKS Auto Mode)", minKubernetesMinor))
	}
	v.check(len(e.Cluster.AdminRoleARNs) > 0, "Cluster.AdminRoleARNs", e.Cluster.AdminRoleARNs, "at least one IAM role ARN (otherwise nobody can administer the cluster)")
	for i, arn := range e.Cluster.AdminRoleARNs {
		v.check(IAMRoleARN.MatchString(arn), fmt.Sprintf("Cluster.AdminRoleARNs[%d]", i), arn, "an IAM role ARN: arn:aws:iam::<account>:role/<name>")
	}
	v.check(len(e.Cluster.PublicAccessCIDRs) > 0, "Cluster.PublicAccessCIDRs", e.Cluster.PublicAccessCIDRs, "at least one CIDR (the public endpoint is never open to the world)")
	for i, c := range e.Cluster.PublicAccessCIDRs {
		p, err := netip.ParsePrefix(c)
		v.check(err == nil && p.Addr().Is4() && p.Bits() > 0 && p.Masked() == p, fmt.Sprintf("Cluster.PublicAccessCIDRs[%d]", i), c, "an IPv4 CIDR narrower than 0.0.0.0/0, e.g. 203.0.113.0/24")
	}
	v.check(e.Cluster.SupportType == SupportStandard || e.Cluster.SupportType == SupportExtended, "Cluster.SupportType", e.Cluster.SupportType, `"STANDARD" (EKS upgrades the cluster at the end of standard support) or "EXTENDED" (it stays, at the extended-support price)`)
	v.check(validRetention(e.Cluster.LogRetentionDays), "Cluster.LogRetentionDays", e.Cluster.LogRetentionDays, "a CloudWatch Logs retention: "+retentionList())

	// Database
	v.check(pgVersionRe.MatchString(e.Database.EngineVersion), "Database.EngineVersion", e.Database.EngineVersion, `a PostgreSQL major version, 13 to 19, e.g. "17" (RDS picks its current minor and upgrades it), or "<major>.<minor>" to pin a minor RDS still offers`)
	v.check(classRe.MatchString(e.Database.InstanceClass) && !strings.HasPrefix(e.Database.InstanceClass, "db."), "Database.InstanceClass", e.Database.InstanceClass, `an RDS instance class without "db.", e.g. "t4g.medium"`)
	v.check(e.Database.AllocatedStorageGiB >= 20 && e.Database.AllocatedStorageGiB <= 65536, "Database.AllocatedStorageGiB", e.Database.AllocatedStorageGiB, "between 20 and 65536 (gp3)")
	v.check(e.Database.MaxAllocatedStorageGiB > e.Database.AllocatedStorageGiB && e.Database.MaxAllocatedStorageGiB <= 65536, "Database.MaxAllocatedStorageGiB", e.Database.MaxAllocatedStorageGiB, fmt.Sprintf("greater than AllocatedStorageGiB (%d) and at most 65536 (storage autoscaling)", e.Database.AllocatedStorageGiB))
	v.check(e.Database.BackupRetentionDays >= 1 && e.Database.BackupRetentionDays <= 35, "Database.BackupRetentionDays", e.Database.BackupRetentionDays, "between 1 and 35 (automated backups are always on)")
	v.check(pgIdentRe.MatchString(e.Database.DatabaseName), "Database.DatabaseName", e.Database.DatabaseName, "a lower-case identifier of letters, digits and '_'")
	v.check(pgIdentRe.MatchString(e.Database.Username) && e.Database.Username != "postgres" && e.Database.Username != "admin" && e.Database.Username != "rdsadmin", "Database.Username", e.Database.Username, "a lower-case identifier other than the reserved postgres, admin, rdsadmin")
	v.check(e.Database.Port >= 1150 && e.Database.Port <= 65535, "Database.Port", e.Database.Port, "between 1150 and 65535 (RDS)")
	v.check(e.Database.SlowStatementMillis >= 0, "Database.SlowStatementMillis", e.Database.SlowStatementMillis, "0 or more milliseconds")
	v.check(e.Database.PoolMaxConns >= 1 && e.Database.PoolMaxConns <= 100, "Database.PoolMaxConns", e.Database.PoolMaxConns, "between 1 and 100")
	if e.Name == EnvProd {
		v.check(e.Database.MultiAZ, "Database.MultiAZ", e.Database.MultiAZ, "true in prod")
		v.check(e.Database.DeletionProtection, "Database.DeletionProtection", e.Database.DeletionProtection, "true in prod")
	}

	// Images
	v.check(ecrRepoRe.MatchString(e.Images.BackendRepository), "Images.BackendRepository", e.Images.BackendRepository, "an ECR repository name, e.g. shopstack/prod/backend")
	v.check(ecrRepoRe.MatchString(e.Images.FrontendRepository), "Images.FrontendRepository", e.Images.FrontendRepository, "an ECR repository name, e.g. shopstack/prod/frontend")
	v.check(e.Images.BackendRepository != e.Images.FrontendRepository, "Images.FrontendRepository", e.Images.FrontendRepository, "a repository other than Images.BackendRepository")
	v.check(imageTagRe.MatchString(e.Images.Tag) && e.Images.Tag != "latest", "Images.Tag", e.Images.Tag, `an immutable image tag (letters, digits, '.', '_', '-'), never "latest"`)

	// Names: Kubernetes names must be DNS labels.
	for field, val := range map[string]string{
		"Names.Namespace":                 e.Names.Namespace,
		"Names.MonitoringNamespace":       e.Names.MonitoringNamespace,
		"Names.ExternalDNSNamespace":      e.Names.ExternalDNSNamespace,
		"Names.BackendServiceAccount":     e.Names.BackendServiceAccount,
		"Names.ExternalDNSServiceAccount": e.Names.ExternalDNSServiceAccount,
		"Names.Backend":                   e.Names.Backend,
		"Names.Frontend":                  e.Names.Frontend,
	} {
		v.check(dnsLabelRe.MatchString(val), field, val, "a Kubernetes DNS label: lower-case letters, digits and '-', at most 63")
	}
	v.check(e.Names.Backend != e.Names.Frontend, "Names.Frontend", e.Names.Frontend, "a name other than Names.Backend")
	v.check(e.Names.Namespace != e.Names.MonitoringNamespace, "Names.MonitoringNamespace", e.Names.MonitoringNamespace, "a namespace other than Names.Namespace")
	v.check(secretNameRe.MatchString(e.Names.DatabaseSecretName), "Names.DatabaseSecretName", e.Names.DatabaseSecretName, "a Secrets Manager name: letters, digits and /_+=.@-")
	v.check(validSSMParameterName(e.Names.DatabaseProxyEndpointParameter, e.Region, e.Account), "Names.DatabaseProxyEndpointParameter", e.Names.DatabaseProxyEndpointParameter,
		`a fully qualified SSM parameter name: "/" then at most 15 levels of letters, digits and _.-, not starting with aws or ssm, at most 1011 characters with its ARN`)

	// Mail (mail.go)
	v.mail(e)

	// Workloads
	v.workload("Backend", e.Backend)
	v.workload("Frontend", e.Frontend)

	// NodePool
	v.check(len(e.NodePool.CapacityTypes) > 0, "NodePool.CapacityTypes", e.NodePool.CapacityTypes, `one or both of "spot", "on-demand"`)
	for i, c := range e.NodePool.CapacityTypes {
		v.check(c == "spot" || c == "on-demand", fmt.Sprintf("NodePool.CapacityTypes[%d]", i), c, `"spot" or "on-demand"`)
	}
	v.check(e.NodePool.CPULimit > 0, "NodePool.CPULimit", e.NodePool.CPULimit, "a positive number of vCPUs")
	v.check(e.NodePool.MemoryLimitGiB > 0, "NodePool.MemoryLimitGiB", e.NodePool.MemoryLimitGiB, "a positive number of GiB")
	d, err := time.ParseDuration(e.NodePool.ConsolidateAfter)
	v.check(err == nil && d >= 30*time.Second && d <= 24*time.Hour, "NodePool.ConsolidateAfter", e.NodePool.ConsolidateAfter, `a duration from "30s" to "24h" (the scale-down delay)`)
	v.check(e.NodePool.SystemOverheadCPUMilli >= 0, "NodePool.SystemOverheadCPUMilli", e.NodePool.SystemOverheadCPUMilli, "0 or more")
	v.check(e.NodePool.SystemOverheadMemoryMiB >= 0, "NodePool.SystemOverheadMemoryMiB", e.NodePool.SystemOverheadMemoryMiB, "0 or more")

	// Monitoring
	v.check(e.Monitoring.RetentionDays >= 1 && e.Monitoring.RetentionDays <= 365, "Monitoring.RetentionDays", e.Monitoring.RetentionDays, "between 1 and 365")
	v.check(e.Monitoring.StorageGiB >= 10 && e.Monitoring.StorageGiB <= 16384, "Monitoring.StorageGiB", e.Monitoring.StorageGiB, "between 10 and 16384")

	for k, val := range e.Tags {
		v.check(k != "" && len(k) <= 128 && len(val) <= 256 && !strings.HasPrefix(strings.ToLower(k), "aws:"), "Tags["+k+"]", val, "a key of 1-128 characters not starting with aws: and a value of at most 256")
	}
	return v.err()
}

type validator struct {
	env  string
	errs []error
}

func (v *validator) check(ok bool, field string, value any, allowed string) {
	if !ok {
		v.fail(field, value, allowed)
	}
}

func (v *validator) fail(field string, value any, allowed string) {
	v.errs = append(v.errs, &FieldError{Env: v.env, Field: field, Value: value, Allowed: allowed})
}

func (v *validator) workload(name string, w Workload) {
	v.check(w.MinReplicas >= 2, name+".MinReplicas", w.MinReplicas, "at least 2 (one pod per AZ survives a zone or node loss)")
	v.check(w.MaxReplicas >= w.MinReplicas && w.MaxReplicas <= 100, name+".MaxReplicas", w.MaxReplicas, fmt.Sprintf("between MinReplicas (%d) and 100", w.MinReplicas))
	v.check(w.TargetCPUPercent >= 10 && w.TargetCPUPercent <= 100, name+".TargetCPUPercent", w.TargetCPUPercent, "between 10 and 100")
	v.check(w.TargetMemoryPercent >= 10 && w.TargetMemoryPercent <= 100, name+".TargetMemoryPercent", w.TargetMemoryPercent, "between 10 and 100")
	v.check(w.CPURequestMilli > 0 && w.CPURequestMilli <= w.CPULimitMilli, name+".CPURequestMilli", w.CPURequestMilli, fmt.Sprintf("positive and at most CPULimitMilli (%d)", w.CPULimitMilli))
	v.check(w.MemoryRequestMiB > 0 && w.MemoryRequestMiB <= w.MemoryLimitMiB, name+".MemoryRequestMiB", w.MemoryRequestMiB, fmt.Sprintf("positive and at most MemoryLimitMiB (%d)", w.MemoryLimitMiB))
	v.check(w.ScaleDownStabilizationSeconds >= 0 && w.ScaleDownStabilizationSeconds <= 3600, name+".ScaleDownStabilizationSeconds", w.ScaleDownStabilizationSeconds, "between 0 and 3600")
}

func (v *validator) err() error { return errors.Join(v.errs...) }

// RetentionDays lists the values CloudWatch Logs accepts.
var RetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func validRetention(d int) bool {
	for _, r := range RetentionDays {
		if r == d {
			return true
		}
	}
	return false
}

func retentionList() string {
	s := make([]string, len(RetentionDays))
	for i, r := range RetentionDays {
		s[i] = strconv.Itoa(r)
	}
	return "one of " + strings.Join(s, ", ")
}
