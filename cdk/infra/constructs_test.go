package infra_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/cdk/infra"
)

func bareStack() awscdk.Stack {
	// NewApp: the constructs are tested under cdk.json's feature flags, as
	// every real synthesis runs them.
	app := infra.NewApp("")
	return awscdk.NewStack(app, jsii.String("Test"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111122223333"), Region: jsii.String("eu-west-1")},
	})
}

func bareVpc(st awscdk.Stack) awsec2.Vpc {
	return infra.NewNetwork(st, "Net", &infra.NetworkProps{Cidr: "10.0.0.0/16", AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"}}).Vpc
}

// dbProps are DatabaseProps with every required field and no optional one.
func dbProps(vpc awsec2.IVpc) *infra.DatabaseProps {
	return &infra.DatabaseProps{
		Vpc: vpc, ClientSecurityGroupID: jsii.String("sg-12345678"),
		EngineVersion: "17", InstanceClass: "t4g.medium", AllocatedStorageGiB: 20, MaxAllocatedStorageGiB: 100,
		BackupRetentionDays: 7, DatabaseName: "shop", Username: "shop_admin",
		SecretName: "s", InstanceIdentifier: "db",
	}
}

// The documented defaults of each construct, asserted one by one.
func TestConstructDefaults(t *testing.T) {
	defer failOnAssertion(t)

	t.Run("Network", func(t *testing.T) {
		defer failOnAssertion(t)
		st := bareStack()
		bareVpc(st)
		tpl := assertions.Template_FromStack(st, nil)
		tpl.ResourceCountIs(jsii.String("AWS::EC2::NatGateway"), jsii.Number(1)) // NatGateways: 1
		tpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{      // 30 days, RETAIN
			"Properties": map[string]any{"RetentionInDays": 30}, "DeletionPolicy": "Retain",
		})
		// Masks: VPC prefix + 7 (public, database), + 3 (private).
		for mask, n := range map[string]int{"/23": 4, "/19": 2} {
			count := 0
			for _, s := range resources(tpl, "AWS::EC2::Subnet") {
				if strings.HasSuffix(props(s)["CidrBlock"].(string), mask) {
					count++
				}
			}
			if count != n {
				t.Errorf("%d subnets of %s, want %d", count, mask, n)
			}
		}
	})

	t.Run("Cluster", func(t *testing.T) {
		defer failOnAssertion(t)
		st := bareStack()
		infra.NewCluster(st, "Eks", &infra.ClusterProps{Vpc: bareVpc(st), ClusterName: "c", KubernetesVersion: "1.34"})
		tpl := assertions.Template_FromStack(st, nil)
		tpl.HasResourceProperties(jsii.String("AWS::EKS::Cluster"), map[string]any{
			"ComputeConfig":      map[string]any{"Enabled": true, "NodePools": []any{"system", "general-purpose"}, "NodeRoleArn": assertions.Match_AnyValue()},
			"UpgradePolicy":      map[string]any{"SupportType": "EXTENDED"},
			"DeletionProtection": false,
			// No PublicAccessCidrs: the public endpoint is off.
			"ResourcesVpcConfig": map[string]any{"EndpointPrivateAccess": true, "EndpointPublicAccess": false, "PublicAccessCidrs": assertions.Match_Absent()},
		})
		tpl.ResourceCountIs(jsii.String("AWS::EKS::AccessEntry"), jsii.Number(0))
		tpl.HasResourceProperties(jsii.String("AWS::EKS::Addon"), map[string]any{"AddonName": "metrics-server"})
		// No tag propagation unless asked for: only the KMS grant.
		tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_Not(assertions.Match_ArrayWith(&[]any{
				assertions.Match_ObjectLike(&map[string]any{"Sid": "LoadBalancerTagPropagation"}),
			}))},
		})
		tpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"Properties": map[string]any{"LogGroupName": "/aws/eks/c/cluster", "RetentionInDays": 30}, "DeletionPolicy": "Retain",
		})
		tpl.HasResource(jsii.String("AWS::KMS::Key"), map[string]any{"DeletionPolicy": "Retain"})
	})

	t.Run("Database", func(t *testing.T) {
		defer failOnAssertion(t)
		st := bareStack()
		infra.NewDatabase(st, "Db", dbProps(bareVpc(st)))
		tpl := assertions.Template_FromStack(st, nil)
		tpl.HasResource(jsii.String("AWS::RDS::DBInstance"), map[string]any{ // RemovalPolicy SNAPSHOT
			"DeletionPolicy": "Snapshot", "Properties": map[string]any{
				"PerformanceInsightsRetentionPeriod": 7,
				"Port":                               "5432", // Port: 5432
				"MultiAZ":                            false,  // MultiAz: false
				"DeletionProtection":                 false,  // DeletionProtection: false
				"DeleteAutomatedBackups":             true,
			},
		})
		tpl.HasResourceProperties(jsii.String("AWS::RDS::DBParameterGroup"), map[string]any{ // SlowStatementMillis: 0
			"Parameters": map[string]any{"log_min_duration_statement": "0", "rds.force_ssl": "1"},
		})
		tpl.HasResource(jsii.String("AWS::SecretsManager::Secret"), map[string]any{"DeletionPolicy": "Retain"})
		tpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"Properties": map[string]any{"LogGroupName": "/aws/rds/instance/db/postgresql", "RetentionInDays": 30}, "DeletionPolicy": "Retain",
		})
	})

	t.Run("Edge", func(t *testing.T) {
		defer failOnAssertion(t)
		st := bareStack()
		infra.NewEdge(st, "Edge", &infra.EdgeProps{HostedZoneID: "Z123", ZoneName: "example.com", Host: "a.example.com", BackendRepository: "app/backend", FrontendRepository: "app/frontend"})
		tpl := assertions.Template_FromStack(st, nil)
		tpl.HasResource(jsii.String("AWS::ECR::Repository"), map[string]any{
			"DeletionPolicy": "Retain",
			"Properties": map[string]any{
				"EmptyOnDelete":   false,
				"LifecyclePolicy": map[string]any{"LifecyclePolicyText": assertions.Match_StringLikeRegexp(jsii.String(`"countNumber":14,"countUnit":"days".*"countNumber":30`))},
			},
		})
	})
}

// The engine version reaches the instance exactly as configured, a major
// alone ("16", RDS picks its preferred minor and AutoMinorVersionUpgrade
// moves it on) or with a minor; the parameter group family is derived from
// the major either way.
func TestDatabaseEngineVersion(t *testing.T) {
	for _, tc := range []struct{ version, family string }{
		{"16", "postgres16"},
		{"16.8", "postgres16"},
		{"17", "postgres17"},
		{"17.2", "postgres17"},
	} {
		t.Run(tc.version, func(t *testing.T) {
			defer failOnAssertion(t)
			st := bareStack()
			vpc := bareVpc(st)
			p := dbProps(vpc)
			p.EngineVersion = tc.version
			db := infra.NewDatabase(st, "Db", p)
			infra.NewDatabaseReadReplica(db.Construct, "Replica", &infra.DatabaseReadReplicaProps{
				Source: db, InstanceIdentifier: "db-replica", InstanceClass: p.InstanceClass, Vpc: vpc,
				Port: 5432, MaxAllocatedStorageGiB: p.MaxAllocatedStorageGiB,
			})
			tpl := assertions.Template_FromStack(st, nil)
			tpl.HasResourceProperties(jsii.String("AWS::RDS::DBInstance"), map[string]any{
				"Engine": "postgres", "EngineVersion": tc.version, "AutoMinorVersionUpgrade": true, "AllowMajorVersionUpgrade": false,
			})
			tpl.ResourceCountIs(jsii.String("AWS::RDS::DBParameterGroup"), jsii.Number(1))
			tpl.HasResourceProperties(jsii.String("AWS::RDS::DBParameterGroup"), map[string]any{"Family": tc.family})
			// The replica names no version of its own: it follows its source.
			tpl.HasResourceProperties(jsii.String("AWS::RDS::DBInstance"), map[string]any{
				"SourceDBInstanceIdentifier": assertions.Match_AnyValue(), "EngineVersion": assertions.Match_Absent(),
			})
		})
	}
}

// Invalid props fail early with the field, the value and what is allowed.
func TestConstructValidation(t *testing.T) {
	azs := []string{"eu-west-1a", "eu-west-1b"}
	// database builds a Database at Test/D from dbProps changed by mutate.
	database := func(mutate func(p *infra.DatabaseProps)) func(st awscdk.Stack) {
		return func(st awscdk.Stack) {
			p := dbProps(bareVpc(st))
			mutate(p)
			infra.NewDatabase(st, "D", p)
		}
	}
	cases := []struct {
		name string
		make func(st awscdk.Stack)
		want string
	}{
		{"network cidr", func(st awscdk.Stack) {
			infra.NewNetwork(st, "N", &infra.NetworkProps{Cidr: "10.0.0.0/8", AvailabilityZones: azs})
		}, `NetworkProps.Cidr = "10.0.0.0/8"`},
		{"network AZs", func(st awscdk.Stack) {
			infra.NewNetwork(st, "N", &infra.NetworkProps{Cidr: "10.0.0.0/16", AvailabilityZones: azs[:1]})
		}, "NetworkProps.AvailabilityZones"},
		{"network NAT", func(st awscdk.Stack) {
			infra.NewNetwork(st, "N", &infra.NetworkProps{Cidr: "10.0.0.0/16", AvailabilityZones: azs, NatGateways: 3})
		}, "NetworkProps.NatGateways = 3: want 1 to 2"},
		{"network retention", func(st awscdk.Stack) {
			infra.NewNetwork(st, "N", &infra.NetworkProps{Cidr: "10.0.0.0/16", AvailabilityZones: azs, FlowLogRetentionDays: 10})
		}, "NetworkProps.FlowLogRetentionDays = 10"},
		{"network masks", func(st awscdk.Stack) {
			infra.NewNetwork(st, "N", &infra.NetworkProps{Cidr: "10.0.0.0/20", AvailabilityZones: azs, PrivateCidrMask: 21})
		}, "need"},
		{"cluster vpc", func(st awscdk.Stack) {
			infra.NewCluster(st, "C", &infra.ClusterProps{ClusterName: "c", KubernetesVersion: "1.34"})
		}, "ClusterProps.Vpc = nil"},
		{"cluster admin", func(st awscdk.Stack) {
			infra.NewCluster(st, "C", &infra.ClusterProps{Vpc: bareVpc(st), ClusterName: "c", KubernetesVersion: "1.34", AdminRoleArns: []string{"alice"}})
		}, `ClusterProps.AdminRoleArns[0] = "alice"`},
		{"cluster node pool", func(st awscdk.Stack) {
			infra.NewCluster(st, "C", &infra.ClusterProps{Vpc: bareVpc(st), ClusterName: "c", KubernetesVersion: "1.34", NodePools: []string{"storefront"}})
		}, `ClusterProps.NodePools[0] = "storefront": want "system" or "general-purpose"`},
		{"cluster metrics-server without an untainted pool", func(st awscdk.Stack) {
			infra.NewCluster(st, "C", &infra.ClusterProps{Vpc: bareVpc(st), ClusterName: "c", KubernetesVersion: "1.34", NodePools: []string{"system"}})
		}, `ClusterProps.NodePools = ["system"]: want "general-purpose" too: the add-on "metrics-server"`},
		{"cluster support type", func(st awscdk.Stack) {
			infra.NewCluster(st, "C", &infra.ClusterProps{Vpc: bareVpc(st), ClusterName: "c", KubernetesVersion: "1.34", SupportType: "LTS"})
		}, `ClusterProps.SupportType = "LTS": want "STANDARD" or "EXTENDED"`},
		{"database secret", database(func(p *infra.DatabaseProps) { p.SecretName = "" }), `DatabaseProps.SecretName = ""`},
		{"database engine version", database(func(p *infra.DatabaseProps) { p.EngineVersion = "v16" }), `DatabaseProps.EngineVersion = "v16": want a PostgreSQL major version such as "16"`},
		{"database engine version patch", database(func(p *infra.DatabaseProps) { p.EngineVersion = "16.8.1" }), `DatabaseProps.EngineVersion = "16.8.1"`},
		{"database instance class", database(func(p *infra.DatabaseProps) { p.InstanceClass = "db.t4g.medium" }), `DatabaseProps.InstanceClass = "db.t4g.medium": want an RDS instance class without "db."`},
		{"database storage", database(func(p *infra.DatabaseProps) { p.MaxAllocatedStorageGiB = 10 }), `DatabaseProps.AllocatedStorageGiB = 20, MaxAllocatedStorageGiB = 10`},
		{"database backups", database(func(p *infra.DatabaseProps) { p.BackupRetentionDays = 0 }), `DatabaseProps.BackupRetentionDays = 0: want 1 or more`},
		{"database user", database(func(p *infra.DatabaseProps) { p.Username = "" }), `DatabaseProps.DatabaseName = "shop", Username = ""`},
		{"database slow statements", database(func(p *infra.DatabaseProps) { p.SlowStatementMillis = -2 }), `DatabaseProps.SlowStatementMillis = -2`},
		{"database proxy parameter", func(st awscdk.Stack) {
			infra.NewDatabaseProxy(st, "P", &infra.DatabaseProxyProps{Target: &infra.Database{}, Name: "p", Vpc: bareVpc(st), ClientSecurityGroupID: jsii.String("sg-1"), Port: 5432})
		}, `DatabaseProxyProps.EndpointParameterName = "": want a fully qualified SSM parameter name`},
		{"database proxy port", func(st awscdk.Stack) {
			infra.NewDatabaseProxy(st, "P", &infra.DatabaseProxyProps{Target: &infra.Database{}, Name: "p", Vpc: bareVpc(st), ClientSecurityGroupID: jsii.String("sg-1"), Port: 6543, EndpointParameterName: "/p"})
		}, "DatabaseProxyProps.Port = 6543: want 5432"},
		{"database proxy nil props", func(st awscdk.Stack) {
			infra.NewDatabaseProxy(st, "P", nil)
		}, `Test/P: props are required`},
		{"database replica source", func(st awscdk.Stack) {
			infra.NewDatabaseReadReplica(st, "R", &infra.DatabaseReadReplicaProps{InstanceIdentifier: "r", InstanceClass: "db.t4g.micro", Vpc: bareVpc(st), Port: 5432, MaxAllocatedStorageGiB: 100})
		}, "Test/R: DatabaseReadReplicaProps.Source = nil"},
		{"database client", database(func(p *infra.DatabaseProps) { p.ClientSecurityGroupID = nil }), "DatabaseProps.ClientSecurityGroupID = nil"},
		{"edge host", func(st awscdk.Stack) {
			infra.NewEdge(st, "E", &infra.EdgeProps{HostedZoneID: "Z1", ZoneName: "example.com", Host: "shop.example.org", BackendRepository: "b", FrontendRepository: "f"})
		}, `EdgeProps.Host = "shop.example.org": want a name inside ZoneName "example.com"`},
		{"edge repositories", func(st awscdk.Stack) {
			infra.NewEdge(st, "E", &infra.EdgeProps{HostedZoneID: "Z1", ZoneName: "example.com", Host: "shop.example.com", BackendRepository: "b", FrontendRepository: "b"})
		}, "two distinct ECR repository names"},
		{"pod identity", func(st awscdk.Stack) {
			infra.NewPodIdentity(st, "P", &infra.PodIdentityProps{ClusterName: jsii.String("c"), Namespace: "shop"})
		}, `ServiceAccount ("")`},
	}
	// Every case builds its construct at Test/<one letter>.
	path := regexp.MustCompile(`^Test/[A-Z]: `)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := panicOf(func() { c.make(bareStack()) })
			if !strings.Contains(got, c.want) {
				t.Errorf("panic %q, want it to contain %q", got, c.want)
			}
			if !path.MatchString(got) {
				t.Errorf("panic %q, want it to start with the construct's path (Test/<id>: )", got)
			}
		})
	}
}

// Every construct refuses nil props with a message that starts with the
// path the construct would have had, wherever it sits in the tree.
func TestConstructNilProps(t *testing.T) {
	news := map[string]func(scope constructs.Construct){
		"NewNetwork":             func(s constructs.Construct) { infra.NewNetwork(s, "X", nil) },
		"NewEdge":                func(s constructs.Construct) { infra.NewEdge(s, "X", nil) },
		"NewPullThroughCache":    func(s constructs.Construct) { infra.NewPullThroughCache(s, "X", nil) },
		"NewMail":                func(s constructs.Construct) { infra.NewMail(s, "X", nil) },
		"NewCluster":             func(s constructs.Construct) { infra.NewCluster(s, "X", nil) },
		"NewPodIdentity":         func(s constructs.Construct) { infra.NewPodIdentity(s, "X", nil) },
		"NewDatabase":            func(s constructs.Construct) { infra.NewDatabase(s, "X", nil) },
		"NewDatabaseReadReplica": func(s constructs.Construct) { infra.NewDatabaseReadReplica(s, "X", nil) },
		"NewDatabaseProxy":       func(s constructs.Construct) { infra.NewDatabaseProxy(s, "X", nil) },
	}
	for name, build := range news {
		t.Run(name, func(t *testing.T) {
			outer := constructs.NewConstruct(bareStack(), jsii.String("Outer"))
			if got, want := panicOf(func() { build(outer) }), "Test/Outer/X: props are required"; got != want {
				t.Errorf("panic %q, want %q", got, want)
			}
		})
	}
}

// A panic on invalid props names the construct's whole path, not only its id.
func TestConstructPanicNamesPath(t *testing.T) {
	outer := constructs.NewConstruct(bareStack(), jsii.String("Outer"))
	got := panicOf(func() {
		infra.NewEdge(outer, "Edge", &infra.EdgeProps{HostedZoneID: "Z1", ZoneName: "example.com", Host: "shop.example.org", BackendRepository: "b", FrontendRepository: "f"})
	})
	if want := `Test/Outer/Edge: EdgeProps.Host = "shop.example.org"`; !strings.HasPrefix(got, want) {
		t.Errorf("panic %q, want it to start with %q", got, want)
	}
}
