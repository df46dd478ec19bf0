package infra

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseks"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/platform"
)

// The IAM managed policies EKS Auto Mode needs, from the Amazon EKS User
// Guide ("Amazon EKS Auto Mode cluster IAM role" and "Amazon EKS Auto Mode
// node IAM role"). Tests assert them; do not trim them.
var (
	AutoModeClusterPolicies = []string{
		"AmazonEKSClusterPolicy",
		"AmazonEKSComputePolicy",
		"AmazonEKSBlockStoragePolicy",
		"AmazonEKSLoadBalancingPolicy",
		"AmazonEKSNetworkingPolicy",
	}
	AutoModeNodePolicies = []string{
		"AmazonEKSWorkerNodeMinimalPolicy",
		"AmazonEC2ContainerRegistryPullOnly",
	}
)

// ControlPlaneLogTypes are every EKS control-plane log type.
var ControlPlaneLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// ClusterAdminPolicy is the EKS access policy the admin access entries get.
const ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy"

// Built-in Auto Mode node pools ("Enable or Disable Built-in NodePools",
// https://docs.aws.amazon.com/eks/latest/userguide/set-builtin-node-pools.html):
// "system" has a CriticalAddonsOnly taint ("Many EKS addons, such as
// CoreDNS, tolerate this taint"); "general-purpose" has none.
const (
	SystemNodePool         = "system"
	GeneralPurposeNodePool = "general-purpose"
)

// AddonsNeedingUntaintedPool are the add-ons whose pods are not documented
// to tolerate the system pool's CriticalAddonsOnly taint. metrics-server
// is a community add-on; its configuration schema (which would say whether
// tolerations can be set) is not published in the EKS User Guide, and Auto
// Mode users saw it wait for a node at cluster creation
// (awslabs/ai-on-eks#302). NewCluster requires the general-purpose pool
// when one of these is installed.
var AddonsNeedingUntaintedPool = []string{"metrics-server"}

// LoadBalancerTagPropagationActions are the create calls of the "LoadBalancer"
// statement of the EKS User Guide's tag-propagation example policy ("Amazon
// EKS Auto Mode cluster IAM role", section "Custom AWS tags for EKS Auto
// resources",
// https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html#tag-prop;
// awsdocs/amazon-eks-user-guide latest/ug/automode/auto-learn-iam.adoc).
// AmazonEKSLoadBalancingPolicy allows them only with the tag keys
// eks:eks-cluster-name, ingress.eks.amazonaws.com/{stack,resource} and
// service.eks.amazonaws.com/{stack,resource} (ForAllValues:StringEquals
// aws:TagKeys, policy version v6), and tag-on-create (AddTags with
// elasticloadbalancing:CreateAction, ec2:CreateTags with ec2:CreateAction)
// with any key.
var LoadBalancerTagPropagationActions = []string{
	"elasticloadbalancing:CreateLoadBalancer",
	"elasticloadbalancing:CreateTargetGroup",
	"elasticloadbalancing:CreateListener",
	"elasticloadbalancing:CreateRule",
	"ec2:CreateSecurityGroup",
}

// LoadBalancerTagPropagationSid is the Sid of that statement on the cluster role.
const LoadBalancerTagPropagationSid = "LoadBalancerTagPropagation"

// ClusterProps configure a Cluster.
type ClusterProps struct {
	// Vpc is where the cluster runs; its private subnets (with egress) hold
	// the control-plane network interfaces and the Auto Mode nodes. Required.
	Vpc awsec2.IVpc
	// ClusterName is the EKS cluster name. Required.
	ClusterName string
	// KubernetesVersion is "1.<minor>". Required.
	KubernetesVersion string
	// AdminRoleArns get cluster-admin (AmazonEKSClusterAdminPolicy, cluster
	// scope) through EKS access entries.
	// Default: none; the cluster creator gets no implicit access either.
	AdminRoleArns []string
	// PublicAccessCidrs may reach the public API endpoint; the private
	// endpoint is always on.
	// Default: none, and the public endpoint is off.
	PublicAccessCidrs []string
	// NodePools are the built-in Auto Mode node pools to enable
	// ("system", "general-purpose"). Workload node pools come from
	// Kubernetes manifests, which are applied only after the stacks exist.
	// Default: ["system", "general-purpose"]: the add-ons are created with
	// the cluster, when no other pool exists yet, and an add-on whose pods do
	// not tolerate the system pool's CriticalAddonsOnly taint
	// (AddonsNeedingUntaintedPool) needs general-purpose to be scheduled.
	NodePools []string
	// Addons are EKS add-ons to install (those Auto Mode does not bring).
	// Default: ["metrics-server"] (the HPAs need it).
	Addons []string
	// SupportType is the cluster's upgrade policy at the end of the
	// version's standard support: "STANDARD" (EKS upgrades the cluster
	// then; no extended-support charges) or "EXTENDED" (the cluster stays on
	// its version at the extended-support price). AWS::EKS::Cluster
	// UpgradePolicy.SupportType,
	// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-cluster-upgradepolicy.html
	// Default: "EXTENDED" (EKS's own default, written out).
	SupportType string
	// PropagateLoadBalancerTags lets Auto Mode put user-defined tags (an
	// IngressClassParams' spec.tags) on the load balancers, target groups,
	// listeners, rules and security groups it creates. The Auto Mode
	// managed policies allow only EKS's own tag keys there, so without it
	// an Ingress whose class carries tags never gets a load balancer.
	// Default: false.
	PropagateLoadBalancerTags bool
	// LogRetentionDays is how long control-plane logs stay in CloudWatch.
	// Default: 30.
	LogRetentionDays int
	// DeletionProtection makes EKS refuse to delete the cluster until it is
	// turned off.
	// Default: false.
	DeletionProtection bool
	// RemovalPolicy applies to the secrets KMS key and the log group.
	// Default: awscdk.RemovalPolicy_RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
	// PullThroughCachePrefixes are the ECR pull-through cache prefixes the
	// nodes pull images through; the node role may create their cache
	// repositories on a first pull (PullThroughCacheStatements).
	// Default: none.
	PullThroughCachePrefixes []string
}

// Cluster is an EKS cluster in Auto Mode built from the L1 CfnCluster (the
// L2 Cluster needs a kubectl Lambda layer, i.e. an asset, that cannot be had
// here): compute, block storage and load balancing enabled together, secrets
// envelope-encrypted with a rotating KMS key, every control-plane log type,
// API-only authentication with an access entry per admin role, and the
// add-ons Auto Mode does not bring.
type Cluster struct {
	constructs.Construct
	// Cluster is the EKS cluster.
	Cluster awseks.CfnCluster
	// ClusterRole is assumed by EKS (cluster and Auto Mode capabilities).
	ClusterRole awsiam.Role
	// NodeRole is the role of the EC2 instances Auto Mode launches.
	NodeRole awsiam.Role
	// SecretsKey envelope-encrypts Kubernetes secrets.
	SecretsKey awskms.Key
	// LogGroup receives the control-plane logs.
	LogGroup awslogs.LogGroup

	// What suppress (nag.go) needs to know of the props.
	pullThroughCachePrefixes  []string
	propagateLoadBalancerTags bool
}

// Name is the cluster name as a reference (creates a dependency on the cluster).
func (c *Cluster) Name() *string { return c.Cluster.Ref() }

// SecurityGroupID is the cluster security group EKS creates; Auto Mode nodes
// and pods use it.
func (c *Cluster) SecurityGroupID() *string { return c.Cluster.AttrClusterSecurityGroupId() }

// NewCluster creates a Cluster. Construct ids: "ClusterRole", "NodeRole",
// "SecretsKey", "ControlPlaneLogs", "Cluster", "Admin-<role name>",
// "Addon-<name>". The steps run in this order, which is also the order of
// the resources in the template.
func NewCluster(scope constructs.Construct, id string, props *ClusterProps) *Cluster {
	p := resolveProps(scope, id, props)
	c := &Cluster{Construct: constructs.NewConstruct(scope, jsii.String(id)),
		pullThroughCachePrefixes: p.PullThroughCachePrefixes, propagateLoadBalancerTags: p.PropagateLoadBalancerTags}
	c.addRoles(p)
	c.addSecretsKeyAndLogs(p)
	c.addCluster(p)
	c.addAccessEntries(p.AdminRoleArns)
	c.addAddons(p.Addons)
	return c
}

// addRoles: the cluster role (assumed by EKS for the cluster and the Auto
// Mode capabilities) and the node role of the instances Auto Mode launches.
func (c *Cluster) addRoles(p ClusterProps) {
	c.ClusterRole = awsiam.NewRole(c.Construct, jsii.String("ClusterRole"), &awsiam.RoleProps{
		Description: jsii.String("EKS Auto Mode cluster role of " + p.ClusterName),
		// Auto Mode needs sts:TagSession besides sts:AssumeRole.
		AssumedBy:       awsiam.NewServicePrincipal(jsii.String("eks.amazonaws.com"), nil).WithSessionTags(),
		ManagedPolicies: managedPolicies(AutoModeClusterPolicies),
	})
	c.NodeRole = awsiam.NewRole(c.Construct, jsii.String("NodeRole"), &awsiam.RoleProps{
		Description:     jsii.String("EKS Auto Mode node role of " + p.ClusterName),
		AssumedBy:       awsiam.NewServicePrincipal(jsii.String("ec2.amazonaws.com"), nil),
		ManagedPolicies: managedPolicies(AutoModeNodePolicies),
	})
	for _, r := range []awsiam.Role{c.ClusterRole, c.NodeRole} {
		acknowledgeManagedPolicyMetadataWarning(r)
	}
	for _, st := range PullThroughCacheStatements(c.Construct, p.PullThroughCachePrefixes) {
		c.NodeRole.AddToPrincipalPolicy(st)
	}
}

// addSecretsKeyAndLogs: the KMS key of the secrets' envelope encryption,
// granted to the cluster role, and the control-plane log group.
func (c *Cluster) addSecretsKeyAndLogs(p ClusterProps) {
	c.SecretsKey = awskms.NewKey(c.Construct, jsii.String("SecretsKey"), &awskms.KeyProps{
		Description:       jsii.String("Envelope encryption of Kubernetes secrets in " + p.ClusterName),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     p.RemovalPolicy,
	})
	// EKS uses the cluster role to wrap the data keys of secrets.
	c.SecretsKey.Grant(c.ClusterRole, jsii.String("kms:Encrypt"), jsii.String("kms:Decrypt"), jsii.String("kms:DescribeKey"), jsii.String("kms:CreateGrant"))

	// EKS writes control-plane logs to this fixed name; creating it first
	// gives it a retention (EKS would create it without one).
	c.LogGroup = awslogs.NewLogGroup(c.Construct, jsii.String("ControlPlaneLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String("/aws/eks/" + p.ClusterName + "/cluster"),
		Retention:     retentionDays(c.Construct, p.LogRetentionDays),
		RemovalPolicy: p.RemovalPolicy,
	})
}

// addCluster: the EKS cluster in Auto Mode (compute, block storage and load
// balancing together), and the cluster role's tag-propagation statement
// when asked for.
func (c *Cluster) addCluster(p ClusterProps) {
	private := p.Vpc.SelectSubnets(&awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS})
	logTypes := make([]interface{}, len(ControlPlaneLogTypes))
	for i, t := range ControlPlaneLogTypes {
		logTypes[i] = &awseks.CfnCluster_LoggingTypeConfigProperty{Type: jsii.String(t)}
	}
	vpcConfig := &awseks.CfnCluster_ResourcesVpcConfigProperty{
		SubnetIds:             private.SubnetIds,
		EndpointPrivateAccess: jsii.Bool(true),
		EndpointPublicAccess:  jsii.Bool(len(p.PublicAccessCidrs) > 0),
	}
	if len(p.PublicAccessCidrs) > 0 {
		vpcConfig.PublicAccessCidrs = jsii.Strings(p.PublicAccessCidrs...)
	}
	c.Cluster = awseks.NewCfnCluster(c.Construct, jsii.String("Cluster"), &awseks.CfnClusterProps{
		Name:               jsii.String(p.ClusterName),
		Version:            jsii.String(p.KubernetesVersion),
		RoleArn:            c.ClusterRole.RoleArn(),
		DeletionProtection: jsii.Bool(p.DeletionProtection),
		ResourcesVpcConfig: vpcConfig,
		UpgradePolicy:      &awseks.CfnCluster_UpgradePolicyProperty{SupportType: jsii.String(p.SupportType)},
		AccessConfig: &awseks.CfnCluster_AccessConfigProperty{
			AuthenticationMode: jsii.String("API"),
			// Access comes from the explicit entries only (addAccessEntries):
			// an implicit entry for the deploying role would also clash with
			// an AdminRoleArns entry for the same role.
			BootstrapClusterCreatorAdminPermissions: jsii.Bool(false),
		},
		// Auto Mode manages VPC CNI, kube-proxy and CoreDNS itself.
		BootstrapSelfManagedAddons: jsii.Bool(false),
		ComputeConfig: &awseks.CfnCluster_ComputeConfigProperty{
			Enabled:     jsii.Bool(true),
			NodePools:   jsii.Strings(p.NodePools...),
			NodeRoleArn: c.NodeRole.RoleArn(),
		},
		KubernetesNetworkConfig: &awseks.CfnCluster_KubernetesNetworkConfigProperty{
			ElasticLoadBalancing: &awseks.CfnCluster_ElasticLoadBalancingProperty{Enabled: jsii.Bool(true)},
		},
		StorageConfig: &awseks.CfnCluster_StorageConfigProperty{
			BlockStorage: &awseks.CfnCluster_BlockStorageProperty{Enabled: jsii.Bool(true)},
		},
		EncryptionConfig: &[]interface{}{&awseks.CfnCluster_EncryptionConfigProperty{
			Provider:  &awseks.CfnCluster_ProviderProperty{KeyArn: c.SecretsKey.KeyArn()},
			Resources: jsii.Strings("secrets"),
		}},
		Logging: &awseks.CfnCluster_LoggingProperty{
			ClusterLogging: &awseks.CfnCluster_ClusterLoggingProperty{EnabledTypes: &logTypes},
		},
	})
	if p.PropagateLoadBalancerTags {
		// The documented statement, as published: any tag keys, but only in
		// requests that also tag the resource with this cluster's name,
		// which EKS sets from the role session's principal tag.
		c.ClusterRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String(LoadBalancerTagPropagationSid),
			Actions:   jsii.Strings(LoadBalancerTagPropagationActions...),
			Resources: jsii.Strings("*"),
			Conditions: &map[string]interface{}{
				"StringEquals": map[string]interface{}{
					"aws:RequestTag/eks:eks-cluster-name": "${aws:PrincipalTag/eks:eks-cluster-name}",
				},
			},
		}))
	}
	// The role's KMS grant (its default policy, which RoleArn does not
	// reference) and the log group must exist before the cluster uses them.
	c.Cluster.Node().AddDependency(c.ClusterRole.Node().FindChild(jsii.String("DefaultPolicy")), c.LogGroup)
}

// addAccessEntries gives each admin role cluster-admin through an access entry.
func (c *Cluster) addAccessEntries(adminRoleArns []string) {
	for _, arn := range adminRoleArns {
		awseks.NewCfnAccessEntry(c.Construct, jsii.String("Admin-"+roleIDPart(arn)), &awseks.CfnAccessEntryProps{
			ClusterName:  c.Name(),
			PrincipalArn: jsii.String(arn),
			Type:         jsii.String("STANDARD"),
			AccessPolicies: &[]interface{}{&awseks.CfnAccessEntry_AccessPolicyProperty{
				PolicyArn:   jsii.String("arn:" + *awscdk.Aws_PARTITION() + ":eks::aws:cluster-access-policy/" + ClusterAdminPolicy),
				AccessScope: &awseks.CfnAccessEntry_AccessScopeProperty{Type: jsii.String("cluster")},
			}},
		})
	}
}

// addAddons installs the EKS add-ons Auto Mode does not bring.
func (c *Cluster) addAddons(names []string) {
	for _, name := range names {
		awseks.NewCfnAddon(c.Construct, jsii.String("Addon-"+name), &awseks.CfnAddonProps{
			ClusterName:      c.Name(),
			AddonName:        jsii.String(name),
			ResolveConflicts: jsii.String("OVERWRITE"),
		})
	}
}

func managedPolicies(names []string) *[]awsiam.IManagedPolicy {
	out := make([]awsiam.IManagedPolicy, len(names))
	for i, n := range names {
		out[i] = awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String(n))
	}
	return &out
}

// addConstructMetadataFailed is the warning aws-cdk-lib (2.224 and later,
// feature flag @aws-cdk/core:enableAdditionalMetadataCollection) raises on a
// Role given ManagedPolicy.fromAwsManagedPolicyName policies: its usage
// analytics cannot record them (aws/aws-cdk#36078). The role and its
// template are unaffected, and shopstack reports no analytics at all.
const addConstructMetadataFailed = "@aws-cdk/core:addConstructMetadataFailed"

// acknowledgeManagedPolicyMetadataWarning acknowledges that warning on one
// role (and nothing else), so `npx cdk synth` stays free of warnings.
func acknowledgeManagedPolicyMetadataWarning(role awsiam.Role) {
	awscdk.Annotations_Of(role).AcknowledgeWarning(jsii.String(addConstructMetadataFailed),
		jsii.String("aws-cdk-lib cannot record AWS managed policies in its usage analytics (aws/aws-cdk#36078); the role is unaffected and analytics reporting is off"))
}

// roleIDPart turns a role ARN into a construct id part: the role's path and
// name, so that reordering AdminRoleArns replaces nothing.
func roleIDPart(arn string) string {
	m := platform.IAMRoleARN.FindStringSubmatch(arn)
	return strings.ReplaceAll(m[1], "/", "-")
}

func (p ClusterProps) withDefaults() ClusterProps {
	out := p
	if out.NodePools == nil {
		out.NodePools = []string{SystemNodePool, GeneralPurposeNodePool}
	}
	if out.SupportType == "" {
		out.SupportType = platform.SupportExtended
	}
	if out.Addons == nil {
		out.Addons = []string{"metrics-server"}
	}
	if out.LogRetentionDays == 0 {
		out.LogRetentionDays = 30
	}
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return out
}

func (p ClusterProps) validate() error {
	if p.Vpc == nil {
		return fmt.Errorf("ClusterProps.Vpc = nil: want the VPC of the cluster")
	}
	if p.ClusterName == "" {
		return fmt.Errorf("ClusterProps.ClusterName = %q: want the EKS cluster name", p.ClusterName)
	}
	if p.KubernetesVersion == "" {
		return fmt.Errorf("ClusterProps.KubernetesVersion = %q: want \"1.<minor>\"", p.KubernetesVersion)
	}
	for i, arn := range p.AdminRoleArns {
		if !platform.IAMRoleARN.MatchString(arn) {
			return fmt.Errorf("ClusterProps.AdminRoleArns[%d] = %q: want an IAM role ARN", i, arn)
		}
	}
	for i, np := range p.NodePools {
		if np != SystemNodePool && np != GeneralPurposeNodePool {
			return fmt.Errorf("ClusterProps.NodePools[%d] = %q: want \"system\" or \"general-purpose\"", i, np)
		}
	}
	for _, a := range p.Addons {
		if slices.Contains(AddonsNeedingUntaintedPool, a) && !slices.Contains(p.NodePools, GeneralPurposeNodePool) {
			return fmt.Errorf("ClusterProps.NodePools = %q: want %q too: the add-on %q is created with the cluster and its pods do not tolerate the system pool's CriticalAddonsOnly taint", p.NodePools, GeneralPurposeNodePool, a)
		}
	}
	if p.SupportType != platform.SupportStandard && p.SupportType != platform.SupportExtended {
		return fmt.Errorf("ClusterProps.SupportType = %q: want \"STANDARD\" or \"EXTENDED\"", p.SupportType)
	}
	for i, pfx := range p.PullThroughCachePrefixes {
		if len(pfx) < 2 || len(pfx) > 30 || !ecrPrefixRe.MatchString(pfx) {
			return fmt.Errorf("ClusterProps.PullThroughCachePrefixes[%d] = %q: want an ECR pull-through cache prefix (2-30 characters)", i, pfx)
		}
	}
	if _, ok := retentionEnum[p.LogRetentionDays]; !ok {
		return fmt.Errorf("ClusterProps.LogRetentionDays = %d: want a CloudWatch Logs retention", p.LogRetentionDays)
	}
	return nil
}
