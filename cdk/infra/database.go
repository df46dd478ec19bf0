package infra

import (
	"encoding/json"
	"fmt"
	"regexp"
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

// The generated secret's GenerateSecretString, spelled out rather than left
// to the CDK's defaults (these are the CDK 2.230 values, so nothing changes
// on an existing stack). It must never change: CloudFormation regenerates
// the secret value when GenerateSecretString changes, and the host, port
// and dbname that the SecretTargetAttachment wrote into it once are lost
// (aws/aws-cdk#10800), so the backend could no longer build its DSN. The
// CDK also names the secret's logical id after a hash of
// ExcludeCharacters: a change replaces the secret, which its fixed name
// makes fail. TestDatabase pins the synthesized value.
const (
	// DatabaseSecretExcludeCharacters never appear in the password: none of
	// them needs escaping in a URL, a shell or a libpq connection string.
	DatabaseSecretExcludeCharacters = " %+~`#$&*()|[]{}:;<>?!'/@\"\\"
	// DatabaseSecretPasswordLength is the generated password's length.
	DatabaseSecretPasswordLength = 30
	// DatabaseSecretPasswordKey is the JSON key the password is generated into.
	DatabaseSecretPasswordKey = "password"
)

// DatabaseProps configure a Database.
type DatabaseProps struct {
	// Vpc holds the database; the instance goes to its isolated subnets.
	// Required.
	Vpc awsec2.IVpc
	// ClientSecurityGroupID is the one security group allowed to connect
	// (the EKS cluster security group, which Auto Mode nodes and pods use).
	// Required.
	ClientSecurityGroupID *string
	// EngineVersion is the PostgreSQL version: a major alone ("17": RDS
	// picks a current minor and AutoMinorVersionUpgrade moves it on) or
	// "<major>.<minor>" ("17.2"). The parameter group family follows the
	// major. Required.
	EngineVersion string
	// InstanceClass is the RDS instance class without the "db." prefix,
	// e.g. "t4g.medium". Required.
	InstanceClass string
	// AllocatedStorageGiB is the initial gp3 storage. Required.
	AllocatedStorageGiB int
	// MaxAllocatedStorageGiB is the storage autoscaling ceiling. Required.
	MaxAllocatedStorageGiB int
	// BackupRetentionDays is how long automated backups are kept; they are
	// always on. Required.
	BackupRetentionDays int
	// MultiAz runs a synchronous standby in a second AZ.
	// Default: false.
	MultiAz bool
	// DeletionProtection blocks deleting the instance; without it the
	// automated backups go with the instance.
	// Default: false.
	DeletionProtection bool
	// DatabaseName is the database created in the instance. Required.
	DatabaseName string
	// Username is the master user whose password RDS generates into the
	// secret. Required.
	Username string
	// Port is the PostgreSQL port.
	// Default: 5432.
	Port int
	// SlowStatementMillis logs statements slower than this many
	// milliseconds (log_min_duration_statement): 0 logs every statement,
	// -1 none.
	// Default: 0.
	SlowStatementMillis int
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
// the client security group only. A read replica and an RDS Proxy are
// constructs of their own (NewDatabaseReadReplica, NewDatabaseProxy), as
// aws-cdk keeps DatabaseInstanceReadReplica and DatabaseProxy apart from
// DatabaseInstance.
type Database struct {
	constructs.Construct
	Instance       awsrds.DatabaseInstance
	Secret         awsrds.DatabaseSecret
	SecurityGroup  awsec2.SecurityGroup
	ParameterGroup awsrds.ParameterGroup

	// What suppress (nag.go) needs to know of the props.
	multiAz, deletionProtection bool
}

// NewDatabase creates a Database. Construct ids: "SecurityGroup",
// "Parameters", "Logs-postgresql", "Logs-upgrade", "Instance",
// "Instance/Secret".
func NewDatabase(scope constructs.Construct, id string, props *DatabaseProps) *Database {
	p := resolveProps(scope, id, props)
	d := &Database{Construct: constructs.NewConstruct(scope, jsii.String(id)), multiAz: p.MultiAz, deletionProtection: p.DeletionProtection}
	engine := postgresEngine(p.EngineVersion)
	d.addSecurityGroup(p)
	d.addParameterGroup(p, engine)
	d.addInstance(p, engine, d.addLogGroups(p))
	d.fixSecretGeneration(p)
	return d
}

// postgresEngine is the engine of version, which goes to the instance
// exactly as configured. A major alone ("16") is documented: "If a major version is specified but a
// minor version is not, Amazon RDS defaults to a recent release of the
// major version you have specified"
// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.DBVersions.html;
// also https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.html#CHAP_BestPractices.AutoDBCreation),
// and AutoMinorVersionUpgrade moves it on from there. The parameter
// group family comes from the major version alone (postgres16).
func postgresEngine(version string) awsrds.IInstanceEngine {
	return awsrds.DatabaseInstanceEngine_Postgres(&awsrds.PostgresInstanceEngineProps{
		Version: awsrds.PostgresEngineVersion_Of(jsii.String(version), jsii.String(platform.PostgresMajorVersion(version)), nil),
	})
}

// addSecurityGroup: reachable on the port from the client security group only.
func (d *Database) addSecurityGroup(p DatabaseProps) {
	d.SecurityGroup = awsec2.NewSecurityGroup(d.Construct, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:         p.Vpc,
		Description: jsii.String("PostgreSQL " + p.InstanceIdentifier + ": reachable from the EKS cluster security group only"),
		// The database opens no connections of its own.
		AllowAllOutbound: jsii.Bool(false),
	})
	d.SecurityGroup.AddIngressRule(awsec2.Peer_SecurityGroupId(p.ClientSecurityGroupID, nil), awsec2.Port_Tcp(jsii.Number(float64(p.Port))), jsii.String("PostgreSQL from the EKS cluster security group"), nil)
}

// addParameterGroup: TLS only, slow statements logged.
func (d *Database) addParameterGroup(p DatabaseProps, engine awsrds.IInstanceEngine) {
	d.ParameterGroup = awsrds.NewParameterGroup(d.Construct, jsii.String("Parameters"), &awsrds.ParameterGroupProps{
		Engine:      engine,
		Description: jsii.String("PostgreSQL " + p.InstanceIdentifier + ": TLS only, slow statements logged"),
		Parameters: &map[string]*string{
			"rds.force_ssl":              jsii.String("1"),
			"log_min_duration_statement": jsii.String(strconv.Itoa(p.SlowStatementMillis)),
		},
	})
}

// addLogGroups: RDS writes each export to /aws/rds/instance/<id>/<log>;
// creating the groups first gives them a retention without the CDK's
// log-retention custom resource (a Lambda asset). The instance depends on
// them.
func (d *Database) addLogGroups(p DatabaseProps) []constructs.IDependable {
	var logGroups []constructs.IDependable
	for _, l := range DatabaseLogExports {
		logGroups = append(logGroups, awslogs.NewLogGroup(d.Construct, jsii.String("Logs-"+l), &awslogs.LogGroupProps{
			LogGroupName:  jsii.String("/aws/rds/instance/" + p.InstanceIdentifier + "/" + l),
			Retention:     retentionDays(d.Construct, p.LogRetentionDays),
			RemovalPolicy: logRemoval(p.RemovalPolicy),
		}))
	}
	return logGroups
}

// addInstance: the instance in the isolated subnets, with its generated secret.
func (d *Database) addInstance(p DatabaseProps, engine awsrds.IInstanceEngine, logGroups []constructs.IDependable) {
	d.Instance = awsrds.NewDatabaseInstance(d.Construct, jsii.String("Instance"), &awsrds.DatabaseInstanceProps{
		InstanceIdentifier: jsii.String(p.InstanceIdentifier),
		Engine:             engine,
		InstanceType:       awsec2.NewInstanceType(jsii.String(p.InstanceClass)),
		Vpc:                p.Vpc,
		VpcSubnets:         &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		SecurityGroups:     &[]awsec2.ISecurityGroup{d.SecurityGroup},
		Port:               jsii.Number(float64(p.Port)),
		PubliclyAccessible: jsii.Bool(false),
		DatabaseName:       jsii.String(p.DatabaseName),
		Credentials: awsrds.Credentials_FromGeneratedSecret(jsii.String(p.Username), &awsrds.CredentialsBaseOptions{
			SecretName:        jsii.String(p.SecretName),
			ExcludeCharacters: jsii.String(DatabaseSecretExcludeCharacters),
		}),
		ParameterGroup:              d.ParameterGroup,
		MultiAz:                     jsii.Bool(p.MultiAz),
		StorageType:                 awsrds.StorageType_GP3,
		AllocatedStorage:            jsii.Number(float64(p.AllocatedStorageGiB)),
		MaxAllocatedStorage:         jsii.Number(float64(p.MaxAllocatedStorageGiB)),
		StorageEncrypted:            jsii.Bool(true),
		BackupRetention:             awscdk.Duration_Days(jsii.Number(float64(p.BackupRetentionDays))),
		CopyTagsToSnapshot:          jsii.Bool(true),
		DeleteAutomatedBackups:      jsii.Bool(!p.DeletionProtection),
		DeletionProtection:          jsii.Bool(p.DeletionProtection),
		RemovalPolicy:               p.RemovalPolicy,
		CloudwatchLogsExports:       jsii.Strings(DatabaseLogExports...),
		EnablePerformanceInsights:   jsii.Bool(true),
		PerformanceInsightRetention: p.PerformanceInsightsRetention,
		AutoMinorVersionUpgrade:     jsii.Bool(true),
		AllowMajorVersionUpgrade:    jsii.Bool(false),
	})
	d.Instance.Node().AddDependency(logGroups...)
	d.Secret = d.Instance.Node().FindChild(jsii.String("Secret")).(awsrds.DatabaseSecret)
}

// fixSecretGeneration spells out the secret's GenerateSecretString (see
// DatabaseSecretExcludeCharacters) and keeps the secret with a kept
// database.
func (d *Database) fixSecretGeneration(p DatabaseProps) {
	d.Secret.Node().DefaultChild().(awssecretsmanager.CfnSecret).SetGenerateSecretString(&awssecretsmanager.CfnSecret_GenerateSecretStringProperty{
		SecretStringTemplate: jsii.String(secretTemplate(p.Username)),
		GenerateStringKey:    jsii.String(DatabaseSecretPasswordKey),
		PasswordLength:       jsii.Number(DatabaseSecretPasswordLength),
		ExcludeCharacters:    jsii.String(DatabaseSecretExcludeCharacters),
	})
	if p.RemovalPolicy != awscdk.RemovalPolicy_DESTROY {
		// A kept database (or its final snapshot) is useless without its
		// credentials.
		d.Secret.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN)
	}
}

// SecretReadStatements let a principal read the database secret and nothing else.
func (d *Database) SecretReadStatements() []awsiam.PolicyStatement {
	return []awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadDatabaseSecret"),
		Actions:   jsii.Strings("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
		Resources: jsii.Strings(*d.Secret.SecretArn()),
	})}
}

// secretTemplate is the secret's JSON before the password is generated
// into it: {"username":...}, byte for byte what the CDK writes
// (JSON.stringify, which leaves <, > and & alone).
func secretTemplate(username string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]string{"username": username}); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// logRemoval maps the instance's removal policy to its log groups (a log
// group cannot be snapshotted: keep it).
func logRemoval(r awscdk.RemovalPolicy) awscdk.RemovalPolicy {
	if r == awscdk.RemovalPolicy_SNAPSHOT {
		return awscdk.RemovalPolicy_RETAIN
	}
	return r
}

// engineVersionRe is a PostgreSQL major version, optionally with a minor.
var engineVersionRe = regexp.MustCompile(`^[1-9][0-9]*(\.[0-9]+)?$`)

func (p DatabaseProps) withDefaults() DatabaseProps {
	out := p
	if out.Port == 0 {
		out.Port = 5432
	}
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
		return fmt.Errorf("DatabaseProps.Vpc = nil: want the VPC (its isolated subnets hold the database)")
	}
	if p.ClientSecurityGroupID == nil {
		return fmt.Errorf("DatabaseProps.ClientSecurityGroupID = nil: want the EKS cluster security group id")
	}
	if p.SecretName == "" {
		return fmt.Errorf("DatabaseProps.SecretName = %q: want the Secrets Manager name the backend reads", p.SecretName)
	}
	if p.InstanceIdentifier == "" {
		return fmt.Errorf("DatabaseProps.InstanceIdentifier = %q: want an RDS instance identifier", p.InstanceIdentifier)
	}
	if !engineVersionRe.MatchString(p.EngineVersion) {
		return fmt.Errorf("DatabaseProps.EngineVersion = %q: want a PostgreSQL major version such as \"16\" (RDS picks its preferred minor) or \"<major>.<minor>\" such as \"16.8\"", p.EngineVersion)
	}
	if p.InstanceClass == "" || strings.HasPrefix(p.InstanceClass, "db.") {
		return fmt.Errorf("DatabaseProps.InstanceClass = %q: want an RDS instance class without \"db.\", e.g. \"t4g.medium\"", p.InstanceClass)
	}
	if p.AllocatedStorageGiB < 1 || p.MaxAllocatedStorageGiB < p.AllocatedStorageGiB {
		return fmt.Errorf("DatabaseProps.AllocatedStorageGiB = %d, MaxAllocatedStorageGiB = %d: want 1 or more, and a ceiling no lower than the initial storage", p.AllocatedStorageGiB, p.MaxAllocatedStorageGiB)
	}
	if p.BackupRetentionDays < 1 {
		return fmt.Errorf("DatabaseProps.BackupRetentionDays = %d: want 1 or more (automated backups are always on)", p.BackupRetentionDays)
	}
	if p.DatabaseName == "" || p.Username == "" {
		return fmt.Errorf("DatabaseProps.DatabaseName = %q, Username = %q: want the database and its master user", p.DatabaseName, p.Username)
	}
	if p.SlowStatementMillis < -1 {
		return fmt.Errorf("DatabaseProps.SlowStatementMillis = %d: want -1 (off), 0 (every statement) or more milliseconds", p.SlowStatementMillis)
	}
	if _, ok := retentionEnum[p.LogRetentionDays]; !ok {
		return fmt.Errorf("DatabaseProps.LogRetentionDays = %d: want a CloudWatch Logs retention", p.LogRetentionDays)
	}
	return nil
}
