package platform

import (
	"fmt"
	"sort"
)

// Default is the environment used when none is named: dev.
func Default() Environment { return Dev() }

// base holds what dev and prod share; the constructors below change only
// size and safety.
func base(name string) Environment {
	return Environment{
		Name:              name,
		Account:           PlaceholderAccount,
		Region:            "eu-west-1",
		AvailabilityZones: 2,
		DNS: DNS{
			ZoneName:     PlaceholderZoneName,
			HostedZoneID: PlaceholderHostedZoneID,
			Host:         "shop." + PlaceholderZoneName,
		},
		Network: Network{
			CIDR:                 "10.0.0.0/16",
			NATGateways:          1,
			FlowLogRetentionDays: 30,
		},
		Cluster: Cluster{
			Name: "shopstack-" + name,
			// The newest version EKS offers (1.36, on EKS since 2026-06-02,
			// standard support until 2027-08-02: EKSKubernetesSupport).
			KubernetesVersion: "1.36",
			// Dev follows EKS's upgrades at the end of standard support;
			// prod stays on its version (at extended-support prices) until
			// someone upgrades it, and synthesis warns 90 days ahead.
			SupportType:       SupportStandard,
			AdminRoleARNs:     []string{"arn:aws:iam::" + PlaceholderAccount + ":role/Admin"},
			PublicAccessCIDRs: []string{"203.0.113.0/24"},
			LogRetentionDays:  30,
		},
		Database: Database{
			// The major alone: RDS creates a current minor of it and
			// AutoMinorVersionUpgrade keeps it current, so the template never
			// names a minor RDS has retired (16.8 could no longer be created
			// from 2026-05-01) nor one older than the running instance.
			// 17: RDS standard support until 2030-02-28 (RDSPostgresSupport).
			EngineVersion:          "17",
			InstanceClass:          "t4g.medium",
			AllocatedStorageGiB:    20,
			MaxAllocatedStorageGiB: 100,
			BackupRetentionDays:    7,
			MultiAZ:                false,
			ReadReplica:            false,
			DeletionProtection:     false,
			RDSProxy:               false,
			DatabaseName:           "shop",
			Username:               "shop_admin",
			Port:                   5432,
			SlowStatementMillis:    500,
			PoolMaxConns:           10,
		},
		Images: Images{
			// ECR repository names are unique per account and region, and
			// dev and prod share both by default: each environment owns its
			// own repositories (dev's are emptied and deleted with its stack).
			BackendRepository:  "shopstack/" + name + "/backend",
			FrontendRepository: "shopstack/" + name + "/frontend",
			Tag:                "0.1.0",
		},
		Names: Names{
			Namespace:                 "shop",
			MonitoringNamespace:       "monitoring",
			ExternalDNSNamespace:      "external-dns",
			BackendServiceAccount:     "backend",
			ExternalDNSServiceAccount: "external-dns",
			DatabaseSecretName:        "shopstack/" + name + "/database",
			Backend:                   "backend",
			Frontend:                  "frontend",

			// Written by the database stack when Database.RDSProxy is on.
			DatabaseProxyEndpointParameter: "/shopstack/" + name + "/database/proxy-endpoint",

			// Written by the edge stack (cdk/infra mail.go).
			SMTPSecretName: "shopstack/" + name + "/smtp",
		},
		// The seed architecture's numbers: backend 2-20 pods, frontend 2-10,
		// both at 70% CPU / 80% memory; limits 512Mi/500m and 256Mi/200m.
		Backend: Workload{
			MinReplicas: 2, MaxReplicas: 20,
			TargetCPUPercent: 70, TargetMemoryPercent: 80,
			CPURequestMilli: 250, CPULimitMilli: 500,
			MemoryRequestMiB: 256, MemoryLimitMiB: 512,
			ScaleDownStabilizationSeconds: 300,
		},
		Frontend: Workload{
			MinReplicas: 2, MaxReplicas: 10,
			TargetCPUPercent: 70, TargetMemoryPercent: 80,
			CPURequestMilli: 100, CPULimitMilli: 200,
			MemoryRequestMiB: 128, MemoryLimitMiB: 256,
			ScaleDownStabilizationSeconds: 300,
		},
		NodePool: NodePool{
			CapacityTypes:           []string{"spot", "on-demand"},
			CPULimit:                32,
			MemoryLimitGiB:          128,
			ConsolidateAfter:        "5m",
			SystemOverheadCPUMilli:  4000,
			SystemOverheadMemoryMiB: 8192,
		},
		Monitoring: Monitoring{
			RetentionDays: 15,
			StorageGiB:    50,
		},
		// shop@<DNS.Host>, bounces to mail.<DNS.Host>: with a custom MAIL
		// FROM domain SPF aligns with the From domain, as DKIM does.
		Mail: Mail{FromLocalPart: "shop", MailFromSubdomain: "mail"},
		Tags: map[string]string{
			"project":     "shopstack",
			"environment": name,
		},
	}
}

// Dev is the cheaper environment: 2 AZs, one NAT gateway, a single-AZ
// database without deletion protection.
func Dev() Environment {
	e := base(EnvDev)
	e.DNS.Host = "shop-dev." + PlaceholderZoneName
	return e
}

// Prod is the production environment: 3 AZs, a NAT gateway per AZ, a
// Multi-AZ database with deletion protection and 30 days of backups.
func Prod() Environment {
	e := base(EnvProd)
	e.AvailabilityZones = 3
	e.Network.NATGateways = 3
	e.Network.FlowLogRetentionDays = 90
	e.Cluster.LogRetentionDays = 90
	e.Cluster.SupportType = SupportExtended
	e.Database.InstanceClass = "r7g.large"
	e.Database.AllocatedStorageGiB = 100
	e.Database.MaxAllocatedStorageGiB = 500
	e.Database.BackupRetentionDays = 30
	e.Database.MultiAZ = true
	e.Database.DeletionProtection = true
	e.Database.PoolMaxConns = 20
	e.NodePool.CPULimit = 64
	e.NodePool.MemoryLimitGiB = 256
	e.Monitoring.RetentionDays = 30
	e.Monitoring.StorageGiB = 100
	return e
}

var constructors = map[string]func() Environment{
	EnvDev:  Dev,
	EnvProd: Prod,
}

// EnvironmentNames returns the environment names in a stable order.
func EnvironmentNames() []string {
	names := make([]string, 0, len(constructors))
	for n := range constructors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// For returns the named environment, validated.
func For(name string) (Environment, error) {
	ctor, ok := constructors[name]
	if !ok {
		return Environment{}, fmt.Errorf("platform: unknown environment %q: allowed %v", name, EnvironmentNames())
	}
	e := ctor()
	if err := e.Validate(); err != nil {
		return Environment{}, err
	}
	return e, nil
}

// All returns every environment, validated, in EnvironmentNames order.
func All() ([]Environment, error) {
	var out []Environment
	for _, n := range EnvironmentNames() {
		e, err := For(n)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// AZNames derives the availability zone names from the region, so that no
// synthesis step looks them up: eu-west-1a, eu-west-1b, ...
func (e Environment) AZNames() []string {
	azs := make([]string, e.AvailabilityZones)
	for i := range azs {
		azs[i] = fmt.Sprintf("%s%c", e.Region, 'a'+i)
	}
	return azs
}

// Registry is the ECR registry host of the environment's account and region.
func (e Environment) Registry() string {
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", e.Account, e.Region)
}

// BackendImage and FrontendImage are the full image references deployed.
func (e Environment) BackendImage() string {
	return e.Registry() + "/" + e.Images.BackendRepository + ":" + e.Images.Tag
}

// FrontendImage is the frontend's full image reference.
func (e Environment) FrontendImage() string {
	return e.Registry() + "/" + e.Images.FrontendRepository + ":" + e.Images.Tag
}

// StackName is the CloudFormation stack name for a part of this environment,
// e.g. "shopstack-prod-network".
func (e Environment) StackName(part string) string {
	return "shopstack-" + e.Name + "-" + part
}
