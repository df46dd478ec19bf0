package infra

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// DatabaseReadReplicaProps configure a read replica of a Database.
type DatabaseReadReplicaProps struct {
	// Source is the primary. Required.
	Source *Database
	// InstanceIdentifier is the replica's RDS identifier. Required.
	InstanceIdentifier string
	// InstanceClass is the replica's RDS instance class without the "db."
	// prefix (as DatabaseProps.InstanceClass), e.g. "t4g.medium". Required.
	InstanceClass string
	// Vpc holds the replica in its isolated subnets. Required.
	Vpc awsec2.IVpc
	// Port is the PostgreSQL port (the primary's). Required.
	Port int
	// MaxAllocatedStorageGiB caps storage autoscaling. Required.
	MaxAllocatedStorageGiB int
	// DeletionProtection follows the primary's. Default: false.
	DeletionProtection bool
	// RemovalPolicy is the primary's; the replica is deleted unless the
	// primary is retained as is (a snapshot of a replica is pointless).
	// Default: awscdk.RemovalPolicy_SNAPSHOT (the replica: DESTROY).
	RemovalPolicy awscdk.RemovalPolicy
	// PerformanceInsightsRetention is how long Performance Insights keeps data.
	// Default: awsrds.PerformanceInsightRetention_DEFAULT (7 days).
	PerformanceInsightsRetention awsrds.PerformanceInsightRetention
}

// NewDatabaseReadReplica adds a read replica of props.Source at scope/id
// (the app passes the Database itself and "Replica"): the primary's
// security group and parameter group, single-AZ (the primary carries the
// Multi-AZ standby). It panics on nil or invalid props, naming its path
// and the field.
func NewDatabaseReadReplica(scope constructs.Construct, id string, props *DatabaseReadReplicaProps) awsrds.DatabaseInstanceReadReplica {
	p := resolveProps(scope, id, props)
	// No StorageEncrypted: a replica inherits its source's encryption, and
	// CloudFormation says not to specify the property together with
	// SourceDBInstanceIdentifier (cfn-lint E3020): "If you specify the
	// SourceDBInstanceIdentifier or SourceDbiResourceId property, don't
	// specify this property. The value is inherited from the source DB
	// instance"
	// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-storageencrypted).
	return awsrds.NewDatabaseInstanceReadReplica(scope, jsii.String(id), &awsrds.DatabaseInstanceReadReplicaProps{
		InstanceIdentifier:          jsii.String(p.InstanceIdentifier),
		SourceDatabaseInstance:      p.Source.Instance,
		InstanceType:                awsec2.NewInstanceType(jsii.String(p.InstanceClass)),
		Vpc:                         p.Vpc,
		VpcSubnets:                  &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		SecurityGroups:              &[]awsec2.ISecurityGroup{p.Source.SecurityGroup},
		Port:                        jsii.Number(float64(p.Port)),
		PubliclyAccessible:          jsii.Bool(false),
		ParameterGroup:              p.Source.ParameterGroup,
		StorageType:                 awsrds.StorageType_GP3,
		MaxAllocatedStorage:         jsii.Number(float64(p.MaxAllocatedStorageGiB)),
		MultiAz:                     jsii.Bool(false),
		DeletionProtection:          jsii.Bool(p.DeletionProtection),
		RemovalPolicy:               replicaRemoval(p.RemovalPolicy),
		EnablePerformanceInsights:   jsii.Bool(true),
		PerformanceInsightRetention: p.PerformanceInsightsRetention,
		AutoMinorVersionUpgrade:     jsii.Bool(true),
	})
}

func (p DatabaseReadReplicaProps) withDefaults() DatabaseReadReplicaProps {
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_SNAPSHOT
	}
	if p.PerformanceInsightsRetention == "" {
		p.PerformanceInsightsRetention = awsrds.PerformanceInsightRetention_DEFAULT
	}
	return p
}

func (p DatabaseReadReplicaProps) validate() error {
	switch {
	case p.Source == nil:
		return fmt.Errorf("DatabaseReadReplicaProps.Source = nil: want the primary Database")
	case p.Vpc == nil:
		return fmt.Errorf("DatabaseReadReplicaProps.Vpc = nil: want the VPC of the primary")
	case p.InstanceIdentifier == "" || p.InstanceClass == "":
		return fmt.Errorf("DatabaseReadReplicaProps: InstanceIdentifier %q and InstanceClass %q are required", p.InstanceIdentifier, p.InstanceClass)
	case p.Port <= 0 || p.MaxAllocatedStorageGiB <= 0:
		return fmt.Errorf("DatabaseReadReplicaProps: Port %d and MaxAllocatedStorageGiB %d must be > 0", p.Port, p.MaxAllocatedStorageGiB)
	}
	return nil
}

// replicaRemoval: a replica holds no data of its own; a final snapshot of it
// is pointless, so it is deleted unless the primary is kept as is.
func replicaRemoval(r awscdk.RemovalPolicy) awscdk.RemovalPolicy {
	if r == awscdk.RemovalPolicy_RETAIN {
		return r
	}
	return awscdk.RemovalPolicy_DESTROY
}
