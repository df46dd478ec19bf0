package infra

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// EdgeProps configure an Edge.
type EdgeProps struct {
	// HostedZoneID and ZoneName identify the existing public Route53 zone
	// (imported, never looked up). Required.
	HostedZoneID string
	ZoneName     string
	// Host is the storefront's name inside ZoneName; the certificate is
	// issued for it. Required.
	Host string
	// BackendRepository and FrontendRepository are the ECR repository names.
	// Required.
	BackendRepository  string
	FrontendRepository string
	// UntaggedImageDays is when untagged images expire.
	// Default: 14.
	UntaggedImageDays int
	// KeepTaggedImages is how many tagged images each repository keeps (the
	// oldest beyond that expire; enough to roll back several releases).
	// Default: 30.
	KeepTaggedImages int
	// RemovalPolicy applies to the repositories; with
	// RemovalPolicy_DESTROY they are emptied on delete.
	// Default: awscdk.RemovalPolicy_RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
}

// Edge is what sits in front of and beside the cluster: the imported public
// hosted zone, the storefront's ACM certificate (DNS-validated in that zone;
// the ALB finds it by host name) and the ECR repositories of the images.
type Edge struct {
	constructs.Construct
	Zone               awsroute53.IHostedZone
	Certificate        awscertificatemanager.Certificate
	BackendRepository  awsecr.Repository
	FrontendRepository awsecr.Repository
}

// NewEdge creates an Edge. Construct ids: "Zone", "Certificate",
// "BackendRepository", "FrontendRepository".
func NewEdge(scope constructs.Construct, id string, props *EdgeProps) *Edge {
	p := resolveProps(scope, id, props)
	c := constructs.NewConstruct(scope, jsii.String(id))
	zone := awsroute53.HostedZone_FromHostedZoneAttributes(c, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
		HostedZoneId: jsii.String(p.HostedZoneID),
		ZoneName:     jsii.String(p.ZoneName),
	})
	cert := awscertificatemanager.NewCertificate(c, jsii.String("Certificate"), &awscertificatemanager.CertificateProps{
		DomainName: jsii.String(p.Host),
		Validation: awscertificatemanager.CertificateValidation_FromDns(zone),
	})
	return &Edge{
		Construct:          c,
		Zone:               zone,
		Certificate:        cert,
		BackendRepository:  newRepository(c, "BackendRepository", p.BackendRepository, p),
		FrontendRepository: newRepository(c, "FrontendRepository", p.FrontendRepository, p),
	}
}

func newRepository(scope constructs.Construct, id, name string, p EdgeProps) awsecr.Repository {
	return awsecr.NewRepository(scope, jsii.String(id), &awsecr.RepositoryProps{
		RepositoryName:     jsii.String(name),
		ImageTagMutability: awsecr.TagMutability_IMMUTABLE,
		ImageScanOnPush:    jsii.Bool(true),
		// KMS with the AWS managed aws/ecr key.
		Encryption:    awsecr.RepositoryEncryption_KMS(),
		RemovalPolicy: p.RemovalPolicy,
		// A repository that may be destroyed is emptied first (CloudFormation's
		// EmptyOnDelete), or the deletion fails while it holds images.
		EmptyOnDelete: jsii.Bool(p.RemovalPolicy == awscdk.RemovalPolicy_DESTROY),
		LifecycleRules: &[]*awsecr.LifecycleRule{
			{
				RulePriority: jsii.Number(1),
				Description:  jsii.String(fmt.Sprintf("Expire untagged images after %d days", p.UntaggedImageDays)),
				TagStatus:    awsecr.TagStatus_UNTAGGED,
				MaxImageAge:  awscdk.Duration_Days(jsii.Number(float64(p.UntaggedImageDays))),
			},
			{
				RulePriority:   jsii.Number(2),
				Description:    jsii.String(fmt.Sprintf("Keep the last %d tagged images", p.KeepTaggedImages)),
				TagStatus:      awsecr.TagStatus_TAGGED,
				TagPatternList: jsii.Strings("*"),
				MaxImageCount:  jsii.Number(float64(p.KeepTaggedImages)),
			},
		},
	})
}

func (p EdgeProps) withDefaults() EdgeProps {
	out := p
	if out.UntaggedImageDays == 0 {
		out.UntaggedImageDays = 14
	}
	if out.KeepTaggedImages == 0 {
		out.KeepTaggedImages = 30
	}
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return out
}

func (p EdgeProps) validate() error {
	switch {
	case p.HostedZoneID == "":
		return fmt.Errorf("EdgeProps.HostedZoneID = %q: want the Route53 hosted zone id", p.HostedZoneID)
	case p.ZoneName == "":
		return fmt.Errorf("EdgeProps.ZoneName = %q: want the zone's DNS name", p.ZoneName)
	case !strings.HasSuffix(p.Host, "."+p.ZoneName):
		return fmt.Errorf("EdgeProps.Host = %q: want a name inside ZoneName %q", p.Host, p.ZoneName)
	case p.BackendRepository == "" || p.FrontendRepository == "" || p.BackendRepository == p.FrontendRepository:
		return fmt.Errorf("EdgeProps.BackendRepository = %q, FrontendRepository = %q: want two distinct ECR repository names", p.BackendRepository, p.FrontendRepository)
	case p.UntaggedImageDays < 1:
		return fmt.Errorf("EdgeProps.UntaggedImageDays = %d: want 1 or more", p.UntaggedImageDays)
	case p.KeepTaggedImages < 1:
		return fmt.Errorf("EdgeProps.KeepTaggedImages = %d: want 1 or more", p.KeepTaggedImages)
	}
	return nil
}
