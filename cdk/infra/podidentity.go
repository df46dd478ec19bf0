package infra

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseks"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// PodIdentityProps configure a PodIdentity.
type PodIdentityProps struct {
	// ClusterName names the cluster (a reference to it, so that the
	// association depends on the cluster). Required.
	ClusterName *string
	// Namespace and ServiceAccount name the Kubernetes ServiceAccount whose
	// pods get the role. Required: they must be the very names the
	// Kubernetes manifests use (from platform.Names).
	Namespace      string
	ServiceAccount string
	// Description describes the role.
	// Default: "Pod Identity role of <namespace>/<service account>".
	Description string
	// Statements are the role's only permissions. Required.
	Statements []awsiam.PolicyStatement
}

// PodIdentity is an IAM role for one Kubernetes ServiceAccount, trusted by
// EKS Pod Identity (pods.eks.amazonaws.com with sts:AssumeRole and
// sts:TagSession, from the EKS User Guide "Create IAM role with trust policy
// required by EKS Pod Identity"), and its association.
type PodIdentity struct {
	constructs.Construct
	Role        awsiam.Role
	Association awseks.CfnPodIdentityAssociation
}

// NewPodIdentity creates a PodIdentity. Construct ids: "Role", "Association".
func NewPodIdentity(scope constructs.Construct, id string, props *PodIdentityProps) *PodIdentity {
	p := resolveProps(scope, id, props)
	c := constructs.NewConstruct(scope, jsii.String(id))
	role := awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		Description: jsii.String(p.Description),
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("pods.eks.amazonaws.com"), nil).WithSessionTags(),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			"access": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &p.Statements}),
		},
	})
	assoc := awseks.NewCfnPodIdentityAssociation(c, jsii.String("Association"), &awseks.CfnPodIdentityAssociationProps{
		ClusterName:    p.ClusterName,
		Namespace:      jsii.String(p.Namespace),
		ServiceAccount: jsii.String(p.ServiceAccount),
		RoleArn:        role.RoleArn(),
	})
	return &PodIdentity{Construct: c, Role: role, Association: assoc}
}

func (p PodIdentityProps) withDefaults() PodIdentityProps {
	if p.Description == "" {
		p.Description = "Pod Identity role of " + p.Namespace + "/" + p.ServiceAccount
	}
	return p
}

func (p PodIdentityProps) validate() error {
	if p.ClusterName == nil || p.Namespace == "" || p.ServiceAccount == "" || len(p.Statements) == 0 {
		return fmt.Errorf("PodIdentityProps: ClusterName, Namespace (%q), ServiceAccount (%q) and Statements (%d) are required", p.Namespace, p.ServiceAccount, len(p.Statements))
	}
	return nil
}

// ExternalDNSStatements are the permissions ExternalDNS documents for AWS
// (kubernetes-sigs/external-dns docs/tutorials/aws.md, v0.15+), with the
// record changes scoped to one hosted zone instead of hostedzone/*.
func ExternalDNSStatements(hostedZoneID string) []awsiam.PolicyStatement {
	zoneArn := "arn:" + *awscdk.Aws_PARTITION() + ":route53:::hostedzone/" + hostedZoneID
	return []awsiam.PolicyStatement{
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("ChangeStorefrontZone"),
			Actions:   jsii.Strings("route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"),
			Resources: jsii.Strings(zoneArn),
		}),
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("ListZones"),
			Actions:   jsii.Strings("route53:ListHostedZones"),
			Resources: jsii.Strings("*"),
		}),
	}
}
