package infra

import (
	"fmt"
	"net/netip"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/platform"
)

// Subnet group names. They become part of the logical ids of the subnets
// (VpcPublicSubnet1Subnet..., VpcPrivateSubnet1Subnet..., VpcDatabaseSubnet1Subnet...)
// and so are a contract: renaming one replaces every subnet of that tier.
const (
	PublicSubnetGroup   = "Public"
	PrivateSubnetGroup  = "Private"
	DatabaseSubnetGroup = "Database"
)

// Subnet tags read by the EKS Auto Mode load balancing capability to pick the
// subnets of internet-facing and internal load balancers.
const (
	PublicELBTag   = "kubernetes.io/role/elb"
	InternalELBTag = "kubernetes.io/role/internal-elb"
)

// NetworkProps configure a Network.
type NetworkProps struct {
	// Cidr is the VPC's IPv4 range, a /16 to /20. Required.
	Cidr string
	// AvailabilityZones are the AZ names the VPC spans (at least 2). They are
	// given, never looked up, so synthesis does not call AWS. Required.
	AvailabilityZones []string
	// NatGateways is the number of NAT gateways, between 1 and
	// len(AvailabilityZones). One per AZ survives the loss of a zone.
	// Default: 1.
	NatGateways int
	// FlowLogRetentionDays is how long VPC flow logs stay in CloudWatch Logs
	// (a value CloudWatch accepts, see platform.RetentionDays).
	// Default: 30.
	FlowLogRetentionDays int
	// PublicCidrMask is the prefix length of each public subnet (load
	// balancers, NAT gateways).
	// Default: the VPC prefix + 7 (a /23 in a /16, a /27 in a /20).
	PublicCidrMask int
	// PrivateCidrMask is the prefix length of each private subnet (EKS nodes
	// and pods: with the VPC CNI every pod takes a VPC address, so this tier
	// gets most of the space).
	// Default: the VPC prefix + 3 (a /19 in a /16).
	PrivateCidrMask int
	// DatabaseCidrMask is the prefix length of each isolated subnet (RDS).
	// Default: the VPC prefix + 7.
	DatabaseCidrMask int
	// RemovalPolicy applies to the flow log group.
	// Default: awscdk.RemovalPolicy_RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
}

// Network is the VPC of one environment: public subnets (load balancers,
// NAT), private subnets with egress (EKS nodes and pods) and isolated subnets
// (the database) in every AZ, NAT gateways, and flow logs to CloudWatch.
type Network struct {
	constructs.Construct
	// Vpc is the VPC.
	Vpc awsec2.Vpc
	// FlowLogGroup receives the VPC flow logs.
	FlowLogGroup awslogs.LogGroup
}

// NewNetwork creates a Network. Construct ids: "Vpc", "FlowLogs",
// "Vpc/FlowLog".
func NewNetwork(scope constructs.Construct, id string, props *NetworkProps) *Network {
	p := resolveProps(scope, id, props)
	c := constructs.NewConstruct(scope, jsii.String(id))

	vpc := awsec2.NewVpc(c, jsii.String("Vpc"), &awsec2.VpcProps{
		IpAddresses:       awsec2.IpAddresses_Cidr(jsii.String(p.Cidr)),
		AvailabilityZones: jsii.Strings(p.AvailabilityZones...),
		NatGateways:       jsii.Number(float64(p.NatGateways)),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{
			{Name: jsii.String(PublicSubnetGroup), SubnetType: awsec2.SubnetType_PUBLIC, CidrMask: jsii.Number(float64(p.PublicCidrMask)), MapPublicIpOnLaunch: jsii.Bool(false)},
			{Name: jsii.String(PrivateSubnetGroup), SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS, CidrMask: jsii.Number(float64(p.PrivateCidrMask))},
			{Name: jsii.String(DatabaseSubnetGroup), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED, CidrMask: jsii.Number(float64(p.DatabaseCidrMask))},
		},
		EnableDnsHostnames: jsii.Bool(true),
		EnableDnsSupport:   jsii.Bool(true),
		// Restricting the default security group needs a Lambda-backed custom
		// resource, i.e. a code asset; dist/ holds templates only. Nothing is
		// ever attached to the default group.
		RestrictDefaultSecurityGroup: jsii.Bool(false),
	})

	for _, s := range *vpc.PublicSubnets() {
		tagSubnet(s, PublicELBTag)
	}
	for _, s := range *vpc.PrivateSubnets() {
		tagSubnet(s, InternalELBTag)
	}

	logs := awslogs.NewLogGroup(c, jsii.String("FlowLogs"), &awslogs.LogGroupProps{
		Retention:     retentionDays(c, p.FlowLogRetentionDays),
		RemovalPolicy: p.RemovalPolicy,
	})
	flowLog := vpc.AddFlowLog(jsii.String("FlowLog"), &awsec2.FlowLogOptions{
		Destination: awsec2.FlowLogDestination_ToCloudWatchLogs(logs, nil),
		TrafficType: awsec2.FlowLogTrafficType_ALL,
	})
	// The flow-log service may assume the role only for this account's
	// flow logs: the confused-deputy condition block the VPC User Guide
	// recommends ("IAM role for publishing flow logs to CloudWatch Logs",
	// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html:
	// aws:SourceAccount = the flow log's owner, aws:SourceArn = the flow
	// log's ARN, "you can replace [the flow log id] with a wildcard").
	// The role stays the one the CDK creates (same logical id); only its
	// trust statement gains the condition.
	role := flowLog.Node().FindChild(jsii.String("IAMRole")).Node().DefaultChild().(awscdk.CfnResource)
	role.AddPropertyOverride(jsii.String("AssumeRolePolicyDocument.Statement.0.Condition"), map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Aws_ACCOUNT_ID()},
		"ArnLike": map[string]any{"aws:SourceArn": awscdk.Fn_Join(jsii.String(""), jsii.Strings(
			"arn:", *awscdk.Aws_PARTITION(), ":ec2:", *awscdk.Aws_REGION(), ":", *awscdk.Aws_ACCOUNT_ID(), ":vpc-flow-log/*"))},
	})
	return &Network{Construct: c, Vpc: vpc, FlowLogGroup: logs}
}

// tagSubnet tags the AWS::EC2::Subnet only (not its route table, NAT gateway
// or EIP, which a tag on the L2 subnet would reach too).
func tagSubnet(s awsec2.ISubnet, key string) {
	awscdk.Tags_Of(s.Node().DefaultChild()).Add(jsii.String(key), jsii.String("1"), nil)
}

func (p NetworkProps) withDefaults() NetworkProps {
	out := p
	bits := 0
	if prefix, err := netip.ParsePrefix(p.Cidr); err == nil {
		bits = prefix.Bits()
	}
	if out.NatGateways == 0 {
		out.NatGateways = 1
	}
	if out.FlowLogRetentionDays == 0 {
		out.FlowLogRetentionDays = 30
	}
	if out.PublicCidrMask == 0 {
		out.PublicCidrMask = bits + 7
	}
	if out.PrivateCidrMask == 0 {
		out.PrivateCidrMask = bits + 3
	}
	if out.DatabaseCidrMask == 0 {
		out.DatabaseCidrMask = bits + 7
	}
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return out
}

func (p NetworkProps) validate() error {
	prefix, err := netip.ParsePrefix(p.Cidr)
	if err != nil || !prefix.Addr().Is4() || prefix.Bits() < 16 || prefix.Bits() > 20 {
		return fmt.Errorf("NetworkProps.Cidr = %q: want an IPv4 network from /16 to /20", p.Cidr)
	}
	if len(p.AvailabilityZones) < 2 {
		return fmt.Errorf("NetworkProps.AvailabilityZones = %v: want at least 2 AZ names", p.AvailabilityZones)
	}
	if p.NatGateways < 1 || p.NatGateways > len(p.AvailabilityZones) {
		return fmt.Errorf("NetworkProps.NatGateways = %d: want 1 to %d (one per AZ at most)", p.NatGateways, len(p.AvailabilityZones))
	}
	if _, ok := retentionEnum[p.FlowLogRetentionDays]; !ok {
		return fmt.Errorf("NetworkProps.FlowLogRetentionDays = %d: want a CloudWatch Logs retention (platform.RetentionDays)", p.FlowLogRetentionDays)
	}
	for name, mask := range map[string]int{"PublicCidrMask": p.PublicCidrMask, "PrivateCidrMask": p.PrivateCidrMask, "DatabaseCidrMask": p.DatabaseCidrMask} {
		if mask <= prefix.Bits() || mask > 27 {
			return fmt.Errorf("NetworkProps.%s = %d: want a prefix longer than the VPC's /%d and at most /27 (a load balancer needs a /27)", name, mask, prefix.Bits())
		}
	}
	// Every AZ gets one subnet of each tier: they must fit in the VPC.
	size := func(mask int) uint64 { return 1 << (32 - mask) }
	need := uint64(len(p.AvailabilityZones)) * (size(p.PublicCidrMask) + size(p.PrivateCidrMask) + size(p.DatabaseCidrMask))
	if need > size(prefix.Bits()) {
		return fmt.Errorf("NetworkProps subnet masks /%d, /%d, /%d over %d AZs need %d addresses: more than the VPC's %d", p.PublicCidrMask, p.PrivateCidrMask, p.DatabaseCidrMask, len(p.AvailabilityZones), need, size(prefix.Bits()))
	}
	return nil
}

// retentionEnum maps CloudWatch Logs retention days (platform.RetentionDays,
// the one list of them) to the CDK enum.
var retentionEnum = func() map[int]awslogs.RetentionDays {
	// The CDK names of platform.RetentionDays, in its order.
	enums := []awslogs.RetentionDays{
		awslogs.RetentionDays_ONE_DAY, awslogs.RetentionDays_THREE_DAYS, awslogs.RetentionDays_FIVE_DAYS,
		awslogs.RetentionDays_ONE_WEEK, awslogs.RetentionDays_TWO_WEEKS, awslogs.RetentionDays_ONE_MONTH,
		awslogs.RetentionDays_TWO_MONTHS, awslogs.RetentionDays_THREE_MONTHS, awslogs.RetentionDays_FOUR_MONTHS,
		awslogs.RetentionDays_FIVE_MONTHS, awslogs.RetentionDays_SIX_MONTHS, awslogs.RetentionDays_ONE_YEAR,
		awslogs.RetentionDays_THIRTEEN_MONTHS, awslogs.RetentionDays_EIGHTEEN_MONTHS, awslogs.RetentionDays_TWO_YEARS,
		awslogs.RetentionDays_THREE_YEARS, awslogs.RetentionDays_FIVE_YEARS, awslogs.RetentionDays_SIX_YEARS,
		awslogs.RetentionDays_SEVEN_YEARS, awslogs.RetentionDays_EIGHT_YEARS, awslogs.RetentionDays_NINE_YEARS,
		awslogs.RetentionDays_TEN_YEARS,
	}
	if len(enums) != len(platform.RetentionDays) {
		panic(fmt.Sprintf("infra: %d CDK retention enums for %d platform.RetentionDays", len(enums), len(platform.RetentionDays)))
	}
	m := make(map[int]awslogs.RetentionDays, len(enums))
	for i, d := range platform.RetentionDays {
		m[d] = enums[i]
	}
	return m
}()

// retentionDays is the CDK enum of days for a log group of the construct c
// (whose props were validated: an unknown value is a bug, reported with c's
// path).
func retentionDays(c constructs.IConstruct, days int) awslogs.RetentionDays {
	r, ok := retentionEnum[days]
	if !ok {
		panic(fmt.Errorf("%s: log retention %d days: want a CloudWatch Logs retention (platform.RetentionDays)", *c.Node().Path(), days))
	}
	return r
}
