package infra

import (
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// suppress records every accepted cdk-nag (AwsSolutions) finding with its
// reason, on the narrowest construct, and for IAM4/IAM5 only for the named
// policies/resources. Nothing else is suppressed: a new finding fails
// TestAwsSolutionsChecks and `cdk synth`. docs/aws.md lists them. envName
// is the environment's name, which some reasons give.
func suppress(s *Stacks, envName string) {
	suppressCluster(s.ClusterConstruct, s.ExternalDNS)
	suppressEdge(s.Registry, s.Mail)
	suppressDatabase(s.DatabaseConstruct, s.DatabaseReplica, envName)
}

// suppressCluster: the cluster's endpoint, its roles' managed policies and
// wildcards, and ExternalDNS's zone listing.
func suppressCluster(c *Cluster, externalDNS *PodIdentity) {
	suppressOn(c.Cluster, nagRule("AwsSolutions-EKS1",
		"The public API endpoint is open only to platform Cluster.PublicAccessCIDRs (operators and CI run kubectl from there); "+
			"nodes and pods use the private endpoint, which is always on. A private-only endpoint would need a VPN or bastion that shopstack does not run."))
	suppressOn(c.ClusterRole, nagRule("AwsSolutions-IAM4",
		"EKS Auto Mode requires these AWS managed policies on the cluster role (Amazon EKS User Guide: Amazon EKS Auto Mode cluster IAM role); "+
			"AWS keeps them in step with what Auto Mode's compute, storage, load balancing and networking capabilities call.",
		managedPolicyFindings(AutoModeClusterPolicies)...))
	if c.propagateLoadBalancerTags {
		cdknag.NagSuppressions_AddResourceSuppressions(c.ClusterRole.Node().FindChild(jsii.String("DefaultPolicy")), &[]*cdknag.NagPackSuppression{nagRule("AwsSolutions-IAM5",
			"The EKS User Guide's tag-propagation statement (Amazon EKS Auto Mode cluster IAM role, #tag-prop), as documented: the load balancers, target groups, "+
				"listeners, rules and security groups do not exist before Auto Mode creates them, so there is no ARN to name; every request must tag the new "+
				"resource with this cluster's name (aws:RequestTag/eks:eks-cluster-name = the session's principal tag).",
			"Resource::*")}, jsii.Bool(false))
	}
	suppressOn(c.NodeRole, nagRule("AwsSolutions-IAM4",
		"EKS Auto Mode nodes need exactly these AWS managed policies (Amazon EKS User Guide: Amazon EKS Auto Mode node IAM role).",
		managedPolicyFindings(AutoModeNodePolicies)...))
	if len(c.pullThroughCachePrefixes) > 0 {
		var repos []string
		// The stack's own account and region, which PullThroughCacheStatements' ARNs name.
		st := awscdk.Stack_Of(c.NodeRole)
		for _, pfx := range c.pullThroughCachePrefixes {
			// @aws-cdk/core:enablePartitionLiterals writes a known region's
			// partition as a literal; an unknown one stays a reference.
			for _, partition := range []string{"aws", "aws-cn", "aws-us-gov", "<AWS::Partition>"} {
				repos = append(repos, "Resource::arn:"+partition+":ecr:"+*st.Region()+":"+*st.Account()+":repository/"+pfx+"/*")
			}
		}
		suppressOn(c.NodeRole.Node().FindChild(jsii.String("DefaultPolicy")), nagRule("AwsSolutions-IAM5",
			"ECR creates a pull-through cache repository on the first pull of each upstream image, so the node role may create repositories under the cache prefixes only "+
				"(ecr:CreateRepository alone; Amazon ECR User Guide: IAM permissions required to sync an upstream registry). The names of future cache repositories are not known in advance.",
			repos...))
	}
	suppressOn(externalDNS.Role, nagRule("AwsSolutions-IAM5",
		"route53:ListHostedZones has no resource-level permissions (it only accepts \"*\"); ExternalDNS lists zones to find the one its domain filter names. "+
			"Record changes are limited to the storefront hosted zone.",
		"Resource::*"))
}

// suppressEdge: secrets that no rotation Lambda could rotate.
func suppressEdge(registry *PullThroughCache, mail *Mail) {
	for _, pfx := range sortedKeys(registry.Credentials) {
		suppressOn(registry.Credentials[pfx], nagRule("AwsSolutions-SMG4",
			"An upstream registry's access token (Docker Hub) is issued by that registry, not by AWS: there is no rotation Lambda that could mint a new one. "+
				"Rotate it by hand in the registry and put-secret-value (docs/kubernetes.md)."))
	}
	suppressOn(mail.Secret, nagRule("AwsSolutions-SMG4",
		"The secret holds a copy of the SES sending user's IAM access key, which CloudFormation creates (AWS::IAM::AccessKey); a rotation Lambda "+
			"cannot mint a key CloudFormation would track. Rotate by incrementing MailProps.AccessKeySerial and redeploying, then restart the backend (docs/aws.md)."))
}

// suppressDatabase: the primary's and the replica's (nil without one) port,
// encryption, Multi-AZ and deletion protection, and the secret's rotation.
func suppressDatabase(d *Database, replica awsrds.DatabaseInstanceReadReplica, envName string) {
	suppressOn(d.Instance, nagRule("AwsSolutions-RDS11",
		"The port is platform Database.Port, shared with the backend and the NetworkPolicies; the security group admits only the EKS cluster security group, "+
			"so a non-default port would add no protection."))
	if replica != nil {
		suppressOn(replica, nagRule("AwsSolutions-RDS11", "Same port as the primary (platform Database.Port); reachable from the EKS cluster security group only."))
		suppressOn(replica, nagRule("AwsSolutions-RDS2",
			"The replica is encrypted: it inherits the encrypted primary's storage encryption. CloudFormation says not to specify StorageEncrypted "+
				"with SourceDBInstanceIdentifier (AWS::RDS::DBInstance StorageEncrypted; cfn-lint E3020), which is what this rule looks for."))
	}
	suppressOn(d.Secret, nagRule("AwsSolutions-SMG4",
		"Rotation needs a rotation Lambda (a code asset or a Serverless Application Repository app) with network access to the database, and the backend reads "+
			"the secret once at start, so a rotation would break new connections until pods restart. Rotate by hand with a rolling restart (docs/aws.md)."))
	if !d.multiAz {
		suppressOn(d.Instance, nagRule("AwsSolutions-RDS3",
			"Single-AZ to save cost in "+envName+"; platform.Validate requires Database.MultiAZ in prod."))
	}
	if replica != nil {
		suppressOn(replica, nagRule("AwsSolutions-RDS3",
			"A read replica is a read-scaling copy; the primary carries the Multi-AZ standby."))
	}
	if !d.deletionProtection {
		suppressOn(d.Instance, nagRule("AwsSolutions-RDS10",
			envName+" is disposable; platform.Validate requires Database.DeletionProtection in prod."))
		if replica != nil {
			suppressOn(replica, nagRule("AwsSolutions-RDS10", envName+" is disposable; the replica follows the primary's deletion protection."))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// managedPolicyFindings names AWS managed policies as IAM4 reports them.
func managedPolicyFindings(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "Policy::arn:<AWS::Partition>:iam::aws:policy/" + n
	}
	return out
}

func nagRule(id, reason string, appliesTo ...string) *cdknag.NagPackSuppression {
	r := &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		a := make([]interface{}, len(appliesTo))
		for i, v := range appliesTo {
			a[i] = v
		}
		r.AppliesTo = &a
	}
	return r
}

// suppressOn adds the suppressions to the CloudFormation resource of a
// construct (an L2's default child), not to its children.
func suppressOn(c constructs.IConstruct, rules ...*cdknag.NagPackSuppression) {
	target := c
	if child := c.Node().DefaultChild(); child != nil {
		target = child
	}
	cdknag.NagSuppressions_AddResourceSuppressions(target, &rules, jsii.Bool(false))
}
