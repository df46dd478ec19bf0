package infra

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/platform"
)

// DatabaseLogExports are the PostgreSQL logs exported to CloudWatch Logs.
var DatabaseLogExports = []string{"postgresql", "upgrade"}

// DatabaseProps configure a Database.
type DatabaseProps struct {
	// Vpc holds the database; the instance goes to its isolated subnets.
	// Required.
	Vpc awsec2.IVpc
	// ClientSecurityGroupID is the one security group allowed to connect
	// (the EKS cluster security group, which Auto Mode nodes and pods use).
	// Required.
	ClientSecurityGroupID *string
	// Settings are the sizes and safety switches from platform (engine
	// version, instance class, storage, backups, Multi-AZ, deletion
	// protection, read replica, RDS Proxy, database and user names, port,
	// slow-statement threshold). Required.
	Settings platform.Database
	// SecretName is the Secrets Manager secret RDS credentials are generated
	// into; the backend reads it by this name. Required.
	SecretName string
	// InstanceIdentifier is the RDS instance identifier; the CloudWatch log
	// groups of the exports are named after it. Required.
	InstanceIdentifier string
	// LogRetentionDays is how long exported PostgreSQL logs are kept.
	// Default: 30.
	LogRetentionDays int
	// RemovalPolicy applies to the instance (RemovalPolicy_SNAPSHOT keeps a
	// final snapshot) and its log groups.
	// Default: awscdk.RemovalPolicy_SNAPSHOT.
	RemovalPolicy awscdk.RemovalPolicy
	// PerformanceInsightsRetention is how long Performance Insights keeps data.
	// Default: awsrds.PerformanceInsightRetention_DEFAULT (7 days, free tier).
	PerformanceInsightsRetention awsrds.PerformanceInsightRetention
}

// Database is RDS PostgreSQL in the isolated subnets: encrypted gp3 storage
// with autoscaling, automated backups, TLS forced and slow statements logged
// by its parameter group, log exports and Performance Insights, credentials
// generated into a named Secrets Manager secret, reachable on its port from
// the client security group only; optionally a read replica and an RDS Proxy
// that requires TLS.
type Database struct {
	constructs.Construct
	Instance       awsrds.DatabaseInstance
	Secret         awsrds.DatabaseSecret
	SecurityGroup  awsec2.SecurityGroup
	ParameterGroup awsrds.ParameterGroup
	// Replica is nil unless Settings.ReadReplica.
	Replica awsrds.DatabaseInstanceReadReplica
	// Proxy and ProxySecurityGroup are nil unless Settings.RDSProxy.
	Proxy              awsrds.DatabaseProxy
	ProxySecurityGroup awsec2.SecurityGroup
}

// NewDatabase creates a Database. Construct ids: "SecurityGroup",
// "Parameters", "Logs-postgresql", "Logs-upgrade", "Instance",
// "Instance/Secret", "Replica", "ProxySecurityGroup", "Proxy".
func NewDatabase(scope constructs.Construct, id string, props *DatabaseProps) *Database {
	p := props.withDefaults()
	if err := p.validate(); err != nil {
		panic(err)
	}
	s := p.Settings
	c := constructs.NewConstruct(scope, jsii.String(id))
	port := float64(s.Port)
	major := strings.SplitN(s.EngineVersion, ".", 2)[0]
	engine := awsrds.DatabaseInstanceEngine_Postgres(&awsrds.PostgresInstanceEngineProps{
		Version: awsrds.PostgresEngineVersion_Of(jsii.String(s.EngineVersion), jsii.String(major), nil),
	})

	sg := awsec2.NewSecurityGroup(c, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:         p.Vpc,
		Description: jsii.String("PostgreSQL " + p.InstanceIdentifier + ": reachable from the EKS cluster security group only"),
		// The database opens no connections of its own.
		AllowAllOutbound: jsii.Bool(false),
	})
	sg.AddIngressRule(awsec2.Peer_SecurityGroupId(p.ClientSecurityGroupID, nil), awsec2.Port_Tcp(jsii.Number(port)), jsii.String("PostgreSQL from the EKS cluster security group"), nil)

	params := awsrds.NewParameterGroup(c, jsii.String("Parameters"), &awsrds.ParameterGroupProps{
		Engine:      engine,
		Description: jsii.String("PostgreSQL " + p.InstanceIdentifier + ": TLS only, slow statements logged"),
		Parameters: &map[string]*string{
			"rds.force_ssl":              jsii.String("1"),
			"log_min_duration_statement": jsii.String(strconv.Itoa(s.SlowStatementMillis)),
		},
	})

	// RDS writes each export to /aws/rds/instance/<id>/<log>; creating the
	// groups first gives them a retention without the CDK's log-retention
	// custom resource (a Lambda asset).
	var logGroups []constructs.IDependable
	for _, l := range DatabaseLogExports {
		logGroups = append(logGroups, awslogs.NewLogGroup(c, jsii.String("Logs-"+l), &awslogs.LogGroupProps{
			LogGroupName:  jsii.String("/aws/rds/instance/" + p.InstanceIdentifier + "/" + l),
			Retention:     retentionDays(p.LogRetentionDays),
			RemovalPolicy: logRemoval(p.RemovalPolicy),
		}))
	}

	isolated := &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
	instance := awsrds.NewDatabaseInstance(c, jsii.String("Instance"), &awsrds.DatabaseInstanceProps{
		InstanceIdentifier: jsii.String(p.InstanceIdentifier),
		Engine:             engine,
		InstanceType:       awsec2.NewInstanceType(jsii.String(s.InstanceClass)),
		Vpc:                p.Vpc,
		VpcSubnets:         isolated,
		SecurityGroups:     &[]awsec2.ISecurityGroup{sg},
		Port:               jsii.Number(port),
		PubliclyAccessible: jsii.Bool(false),
		DatabaseName:       jsii.String(s.DatabaseName),
		Credentials: awsrds.Credentials_FromGeneratedSecret(jsii.String(s.Username), &awsrds.CredentialsBaseOptions{
			SecretName: jsii.String(p.SecretName),
		}),
		ParameterGroup:              params,
		MultiAz:                     jsii.Bool(s.MultiAZ),
		StorageType:                 awsrds.StorageType_GP3,
		AllocatedStorage:            jsii.Number(float64(s.AllocatedStorageGiB)),
		MaxAllocatedStorage:         jsii.Number(float64(s.MaxAllocatedStorageGiB)),
		StorageEncrypted:            jsii.Bool(true),
		BackupRetention:             awscdk.Duration_Days(jsii.Number(float64(s.BackupRetentionDays))),
		CopyTagsToSnapshot:          jsii.Bool(true),
		DeleteAutomatedBackups:      jsii.Bool(!s.DeletionProtection),
		DeletionProtection:          jsii.Bool(s.DeletionProtection),
		RemovalPolicy:               p.RemovalPolicy,
		CloudwatchLogsExports:       jsii.Strings(DatabaseLogExports...),
		EnablePerformanceInsights:   jsii.Bool(true),
		PerformanceInsightRetention: p.PerformanceInsightsRetention,
		AutoMinorVersionUpgrade:     jsii.Bool(true),
		AllowMajorVersionUpgrade:    jsii.Bool(false),
	})
	instance.Node().AddDependency(logGroups...)

	secret := instance.Node().FindChild(jsii.String("Secret")).(awsrds.DatabaseSecret)
	if p.RemovalPolicy != awscdk.RemovalPolicy_DESTROY {
		// A kept database (or its final snapshot) is useless without its
		// credentials.
		secret.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN)
	}
	d := &Database{Construct: c, Instance: instance, Secret: secret, SecurityGroup: sg, ParameterGroup: params}

	if s.ReadReplica {
		d.Replica = awsrds.NewDatabaseInstanceReadReplica(c, jsii.String("Replica"), &awsrds.DatabaseInstanceReadReplicaProps{
			InstanceIdentifier:          jsii.String(p.InstanceIdentifier + "-replica"),
			SourceDatabaseInstance:      instance,
			InstanceType:                awsec2.NewInstanceType(jsii.String(s.InstanceClass)),
			Vpc:                         p.Vpc,
			VpcSubnets:                  isolated,
			SecurityGroups:              &[]awsec2.ISecurityGroup{sg},
			Port:                        jsii.Number(port),
			PubliclyAccessible:          jsii.Bool(false),
			ParameterGroup:              params,
			StorageType:                 awsrds.StorageType_GP3,
			MaxAllocatedStorage:         jsii.Number(float64(s.MaxAllocatedStorageGiB)),
			StorageEncrypted:            jsii.Bool(true),
			MultiAz:                     jsii.Bool(false),
			DeletionProtection:          jsii.Bool(s.DeletionProtection),
			RemovalPolicy:               replicaRemoval(p.RemovalPolicy),
			EnablePerformanceInsights:   jsii.Bool(true),
			PerformanceInsightRetention: p.PerformanceInsightsRetention,
			AutoMinorVersionUpgrade:     jsii.Bool(true),
		})
	}

	if s.RDSProxy {
		proxySG := awsec2.NewSecurityGroup(c, jsii.String("ProxySecurityGroup"), &awsec2.SecurityGroupProps{
			Vpc:              p.Vpc,
			Description:      jsii.String("RDS Proxy of " + p.InstanceIdentifier + ": reachable from the EKS cluster security group only"),
			AllowAllOutbound: jsii.Bool(true),
		})
		proxySG.AddIngressRule(awsec2.Peer_SecurityGroupId(p.ClientSecurityGroupID, nil), awsec2.Port_Tcp(jsii.Number(port)), jsii.String("PostgreSQL from the EKS cluster security group"), nil)
		// The proxy target opens the database's port to proxySG itself.
		d.ProxySecurityGroup = proxySG
		d.Proxy = awsrds.NewDatabaseProxy(c, jsii.String("Proxy"), &awsrds.DatabaseProxyProps{
			DbProxyName:    jsii.String(p.InstanceIdentifier),
			ProxyTarget:    awsrds.ProxyTarget_FromInstance(instance),
			Secrets:        &[]awssecretsmanager.ISecret{instance.Secret()},
			Vpc:            p.Vpc,
			VpcSubnets:     isolated,
			SecurityGroups: &[]awsec2.ISecurityGroup{proxySG},
			RequireTLS:     jsii.Bool(true),
			IamAuth:        jsii.Bool(false),
		})
	}
	return d
}

// SecretReadStatements let a principal read the database secret and nothing else.
func (d *Database) SecretReadStatements() []awsiam.PolicyStatement {
	return []awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadDatabaseSecret"),
		Actions:   jsii.Strings("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
		Resources: jsii.Strings(*d.Secret.SecretArn()),
	})}
}

// logRemoval maps the instance's removal policy to its log groups (a log
// group cannot be snapshotted: keep it).
func logRemoval(r awscdk.RemovalPolicy) awscdk.RemovalPolicy {
	if r == awscdk.RemovalPolicy_SNAPSHOT {
		return awscdk.RemovalPolicy_RETAIN
	}
	return r
}

// replicaRemoval: a replica holds no data of its own; a final snapshot of it
// is pointless, so it is deleted unless the primary is kept as is.
func replicaRemoval(r awscdk.RemovalPolicy) awscdk.RemovalPolicy {
	if r == awscdk.RemovalPolicy_RETAIN {
		return r
	}
	return awscdk.RemovalPolicy_DESTROY
}

func (p *DatabaseProps) withDefaults() DatabaseProps {
	out := *p
	if out.LogRetentionDays == 0 {
		out.LogRetentionDays = 30
	}
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_SNAPSHOT
	}
	if out.PerformanceInsightsRetention == "" {
		out.PerformanceInsightsRetention = awsrds.PerformanceInsightRetention_DEFAULT
	}
	return out
}

func (p DatabaseProps) validate() error {
	if p.Vpc == nil {
		return fmt.Errorf("infra: DatabaseProps.Vpc = nil: want the VPC (its isolated subnets hold the database)")
	}
	if p.ClientSecurityGroupID == nil {
		return fmt.Errorf("infra: DatabaseProps.ClientSecurityGroupID = nil: want the EKS cluster security group id")
	}
	if p.SecretName == "" {
		return fmt.Errorf("infra: DatabaseProps.SecretName = %q: want the Secrets Manager name the backend reads", p.SecretName)
	}
	if p.InstanceIdentifier == "" {
		return fmt.Errorf("infra: DatabaseProps.InstanceIdentifier = %q: want an RDS instance identifier", p.InstanceIdentifier)
	}
	if p.Settings.EngineVersion == "" {
		return fmt.Errorf("infra: DatabaseProps.Settings.EngineVersion = %q: want a PostgreSQL version", p.Settings.EngineVersion)
	}
	if _, ok := retentionEnum[p.LogRetentionDays]; !ok {
		return fmt.Errorf("infra: DatabaseProps.LogRetentionDays = %d: want a CloudWatch Logs retention", p.LogRetentionDays)
	}
	return nil
}
