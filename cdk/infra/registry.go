package infra

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// What ECR documents about its upstream registries (Amazon ECR User Guide,
// "Sync an upstream registry with an Amazon ECR private registry",
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html,
// and AWS::ECR::PullThroughCacheRule, UpstreamRegistry):
//
//   - ECR Public, the Kubernetes registry and Quay "doesn't require
//     authentication";
//   - Docker Hub, GitHub, GitLab and Azure Container Registry require a
//     Secrets Manager secret ("requires authentication with AWS Secrets
//     Manager secret").
//
// (ECR-to-ECR rules, which authenticate with an IAM role, are not
// supported by this construct.)
var (
	upstreamsWithoutCredential = map[string]bool{"ecr-public": true, "k8s": true, "quay": true}
	upstreamsWithCredential    = map[string]bool{"docker-hub": true, "github-container-registry": true, "gitlab-container-registry": true, "azure-container-registry": true}
)

// PullThroughCacheCredentialPrefix starts the name of every upstream
// credential secret: ECR only accepts such secrets (CredentialArn pattern
// ...:secret:ecr-pullthroughcache/..., "Creating a pull through cache rule
// in Amazon ECR", https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html).
const PullThroughCacheCredentialPrefix = "ecr-pullthroughcache/"

// ecrPrefixRe is EcrRepositoryPrefix's pattern in AWS::ECR::PullThroughCacheRule
// (2 to 30 characters).
var ecrPrefixRe = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

// PullThroughCacheUpstream is one upstream registry cached under a
// repository prefix of the account's private registry.
type PullThroughCacheUpstream struct {
	// Prefix is the repository prefix of the cache (EcrRepositoryPrefix):
	// an image upstream at <path>:<tag> is pulled as
	// <registry>/<Prefix>/<path>:<tag>. Required.
	Prefix string
	// Registry is ECR's name of the upstream (UpstreamRegistry): "ecr-public",
	// "k8s", "quay", "docker-hub", "github-container-registry",
	// "gitlab-container-registry" or "azure-container-registry". Required.
	Registry string
	// URL is the upstream's registry URL (UpstreamRegistryUrl), e.g.
	// "quay.io", "registry-1.docker.io". Required.
	URL string
}

// PullThroughCacheProps configure a PullThroughCache.
type PullThroughCacheProps struct {
	// Upstreams are the cached registries, one rule each. Required: at
	// least one.
	Upstreams []PullThroughCacheUpstream
	// RemovalPolicy applies to the credential secrets (the rules hold no
	// data; the cached repositories ECR creates on first pull are not
	// CloudFormation's and stay when the stack goes).
	// Default: awscdk.RemovalPolicy_RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
}

// PullThroughCache is a set of ECR pull-through cache rules: the cluster
// pulls third-party images from the account's own registry, which fetches
// them from upstream once and serves them afterwards, so nodes never hit a
// public registry's per-IP rate limits. An upstream that requires
// authentication gets a Secrets Manager secret named
// PullThroughCacheCredentialPrefix+<prefix>, created with a placeholder in
// the documented shape ({"username": ..., "accessToken": ...}, "Storing
// your upstream repository credentials in an AWS Secrets Manager secret",
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html);
// the operator writes the real credential into it (docs/kubernetes.md).
type PullThroughCache struct {
	constructs.Construct
	// Rules are the pull-through cache rules, by prefix.
	Rules map[string]awsecr.CfnPullThroughCacheRule
	// Credentials are the secrets of the upstreams that require
	// authentication, by prefix.
	Credentials map[string]awssecretsmanager.Secret

	prefixes []string
}

// Prefixes are the repository prefixes of the rules, in the order of
// PullThroughCacheProps.Upstreams (what ClusterProps.PullThroughCachePrefixes
// wants).
func (c *PullThroughCache) Prefixes() []string { return slices.Clone(c.prefixes) }

// NewPullThroughCache creates a PullThroughCache. Construct ids:
// "Rule-<registry>", "Credential-<registry>".
func NewPullThroughCache(scope constructs.Construct, id string, props *PullThroughCacheProps) *PullThroughCache {
	p := resolveProps(scope, id, props)
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &PullThroughCache{Construct: c, Rules: map[string]awsecr.CfnPullThroughCacheRule{}, Credentials: map[string]awssecretsmanager.Secret{}}
	for _, u := range p.Upstreams {
		ruleProps := &awsecr.CfnPullThroughCacheRuleProps{
			EcrRepositoryPrefix: jsii.String(u.Prefix),
			UpstreamRegistry:    jsii.String(u.Registry),
			UpstreamRegistryUrl: jsii.String(u.URL),
		}
		if upstreamsWithCredential[u.Registry] {
			secret := awssecretsmanager.NewSecret(c, jsii.String("Credential-"+u.Registry), &awssecretsmanager.SecretProps{
				SecretName:  jsii.String(PullThroughCacheCredentialPrefix + u.Prefix),
				Description: jsii.String("Credential of the ECR pull-through cache " + u.Prefix + " for " + u.URL + ": replace with {\"username\": ..., \"accessToken\": ...}"),
				// A placeholder in the documented key shape; no credential
				// is ever in a template.
				GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
					SecretStringTemplate: jsii.String(`{"username":"REPLACE_ME"}`),
					GenerateStringKey:    jsii.String("accessToken"),
					ExcludePunctuation:   jsii.Bool(true),
				},
				RemovalPolicy: p.RemovalPolicy,
			})
			ruleProps.CredentialArn = secret.SecretArn()
			out.Credentials[u.Prefix] = secret
		}
		out.Rules[u.Prefix] = awsecr.NewCfnPullThroughCacheRule(c, jsii.String("Rule-"+u.Registry), ruleProps)
		out.prefixes = append(out.prefixes, u.Prefix)
	}
	return out
}

// PullThroughCacheStatements are what the pulling principal (the Auto Mode
// node role) needs beyond AmazonEC2ContainerRegistryPullOnly to pull an
// image through the cache rules of prefixes for the first time.
//
// Amazon ECR User Guide, "IAM permissions required to sync an upstream
// registry with an Amazon ECR private registry"
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html):
// besides the pull permissions, ecr:BatchImportUpstreamImage ("retrieve the
// external image and import it") and ecr:CreateRepository ("required if the
// repository storing the cached images doesn't already exist"); ecr:TagResource
// only with a repository creation template that adds tags (none here).
// AmazonEC2ContainerRegistryPullOnly v1 (AWS Managed Policy reference,
// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2ContainerRegistryPullOnly.html)
// allows ecr:GetAuthorizationToken, ecr:BatchGetImage,
// ecr:GetDownloadUrlForLayer and ecr:BatchImportUpstreamImage on "*", but
// not ecr:CreateRepository. CreateRepository takes the repository
// resource type (Service Authorization Reference, Amazon ECR,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html),
// so it is granted on <prefix>/* only.
func PullThroughCacheStatements(scope constructs.Construct, prefixes []string) []awsiam.PolicyStatement {
	if len(prefixes) == 0 {
		return nil
	}
	sorted := append([]string(nil), prefixes...)
	sort.Strings(sorted)
	arns := make([]*string, len(sorted))
	for i, pfx := range sorted {
		arns[i] = awscdk.Stack_Of(scope).FormatArn(&awscdk.ArnComponents{
			Service:      jsii.String("ecr"),
			Resource:     jsii.String("repository"),
			ResourceName: jsii.String(pfx + "/*"),
		})
	}
	return []awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("CreatePullThroughCacheRepositories"),
		Actions:   jsii.Strings("ecr:CreateRepository"),
		Resources: &arns,
	})}
}

func (p PullThroughCacheProps) withDefaults() PullThroughCacheProps {
	out := p
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return out
}

func (p PullThroughCacheProps) validate() error {
	if len(p.Upstreams) == 0 {
		return fmt.Errorf("PullThroughCacheProps.Upstreams is empty: want at least one upstream registry")
	}
	prefixes, registries := map[string]bool{}, map[string]bool{}
	for i, u := range p.Upstreams {
		field := fmt.Sprintf("PullThroughCacheProps.Upstreams[%d]", i)
		switch {
		case len(u.Prefix) < 2 || len(u.Prefix) > 30 || !ecrPrefixRe.MatchString(u.Prefix):
			return fmt.Errorf("%s.Prefix = %q: want 2-30 lower-case characters of an ECR repository prefix, e.g. shopstack-dev/quay", field, u.Prefix)
		case prefixes[u.Prefix]:
			return fmt.Errorf("%s.Prefix = %q: used twice (one rule per prefix)", field, u.Prefix)
		case !upstreamsWithoutCredential[u.Registry] && !upstreamsWithCredential[u.Registry]:
			return fmt.Errorf("%s.Registry = %q: want one of %s", field, u.Registry, strings.Join(knownUpstreams(), ", "))
		case registries[u.Registry]:
			return fmt.Errorf("%s.Registry = %q: used twice (one rule per upstream)", field, u.Registry)
		case u.URL == "" || strings.Contains(u.URL, "/"):
			return fmt.Errorf("%s.URL = %q: want the upstream registry host, e.g. quay.io", field, u.URL)
		}
		prefixes[u.Prefix], registries[u.Registry] = true, true
	}
	return nil
}

func knownUpstreams() []string {
	var out []string
	for _, m := range []map[string]bool{upstreamsWithoutCredential, upstreamsWithCredential} {
		for k := range m {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
