package infra_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/platform"
)

// The edge stack caches every upstream registry of platform.Upstreams under
// the environment's prefix, and only the upstreams ECR documents as
// requiring authentication (Docker Hub here) get a credential secret, named
// ecr-pullthroughcache/<prefix> as ECR requires.
func TestPullThroughCache(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			defer failOnAssertion(t)
			tpl := build(t, env).templates[infra.EdgeStack]
			rules := resources(tpl, "AWS::ECR::PullThroughCacheRule")
			if len(rules) != len(platform.Upstreams) {
				t.Fatalf("%d pull-through cache rules, want one per platform.Upstreams (%d)", len(rules), len(platform.Upstreams))
			}
			secrets := resources(tpl, "AWS::SecretsManager::Secret")
			byPrefix := map[string]map[string]any{}
			for _, r := range rules {
				byPrefix[props(r)["EcrRepositoryPrefix"].(string)] = props(r)
			}
			for _, u := range platform.Upstreams {
				prefix := env.MirrorPrefix(u)
				rule, ok := byPrefix[prefix]
				if !ok {
					t.Errorf("no rule with prefix %s (have %v)", prefix, keys(byPrefix))
					continue
				}
				if rule["UpstreamRegistry"] != u.Registry || rule["UpstreamRegistryUrl"] != u.URL {
					t.Errorf("%s: upstream %v %v, want %s %s", prefix, rule["UpstreamRegistry"], rule["UpstreamRegistryUrl"], u.Registry, u.URL)
				}
				cred, hasCred := rule["CredentialArn"]
				if u.Registry != "docker-hub" {
					if hasCred {
						t.Errorf("%s: %s needs no credential (ECR User Guide), but the rule names %s", prefix, u.Registry, asJSON(cred))
					}
					continue
				}
				if !hasCred {
					t.Errorf("%s: Docker Hub requires a Secrets Manager credential (ECR User Guide), the rule has none", prefix)
					continue
				}
				ref, _ := cred.(map[string]any)["Ref"].(string)
				secret, ok := secrets[ref]
				if !ok {
					t.Errorf("%s: CredentialArn %s is not a secret of this stack", prefix, asJSON(cred))
					continue
				}
				if got := props(secret)["Name"]; got != "ecr-pullthroughcache/"+prefix {
					t.Errorf("%s: secret name %v, want ecr-pullthroughcache/%s", prefix, got, prefix)
				}
				// The placeholder has the documented keys; no credential in git.
				gen := props(secret)["GenerateSecretString"].(map[string]any)
				if gen["SecretStringTemplate"] != `{"username":"REPLACE_ME"}` || gen["GenerateStringKey"] != "accessToken" {
					t.Errorf("%s: secret placeholder %s, want keys username and accessToken", prefix, asJSON(gen))
				}
				wantPolicy := "Delete"
				if env.Name == platform.EnvProd {
					wantPolicy = "Retain"
				}
				if secret["DeletionPolicy"] != wantPolicy {
					t.Errorf("%s: secret DeletionPolicy %v, want %s", prefix, secret["DeletionPolicy"], wantPolicy)
				}
			}
			var credentials int
			for _, secret := range secrets {
				if props(secret)["Name"] != env.Names.SMTPSecretName { // the mail sender's key (TestMail)
					credentials++
				}
			}
			if credentials != 1 {
				t.Errorf("%d registry secrets in the edge stack, want 1 (Docker Hub's credential)", credentials)
			}
		})
	}
}

// The rule AmazonEC2ContainerRegistryPullOnly does not cover (ECR User
// Guide, "IAM permissions required to sync an upstream registry"): the
// first pull through a cache rule creates the cache repository, which
// needs ecr:CreateRepository. The node role gets exactly that action, on
// <prefix>/* of exactly the prefixes of the edge stack's rules, and keeps
// the managed policy that brings ecr:BatchImportUpstreamImage.
func TestNodeRoleMayCreatePullThroughCacheRepositories(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			b := build(t, env)
			var want []string
			for _, r := range resources(b.templates[infra.EdgeStack], "AWS::ECR::PullThroughCacheRule") {
				prefix := props(r)["EcrRepositoryPrefix"].(string)
				// @aws-cdk/core:enablePartitionLiterals writes the partition of
				// a known region (eu-west-1: aws) as a literal.
				want = append(want, asJSON(fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s/*", env.Region, env.Account, prefix)))
			}
			sort.Strings(want)

			tpl := b.templates[infra.ClusterStack]
			_, cluster := only(t, tpl, "AWS::EKS::Cluster")
			nodeRef := props(cluster)["ComputeConfig"].(map[string]any)["NodeRoleArn"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
			nodeRole := roleByGetAtt(t, tpl, props(cluster)["ComputeConfig"].(map[string]any)["NodeRoleArn"])
			if names := managedPolicyNames(t, nodeRole); !contains(names, "AmazonEC2ContainerRegistryPullOnly") {
				t.Errorf("node role managed policies %v: AmazonEC2ContainerRegistryPullOnly brings ecr:BatchImportUpstreamImage", names)
			}
			var statements []any
			for _, pol := range resources(tpl, "AWS::IAM::Policy") {
				for _, r := range props(pol)["Roles"].([]any) {
					if r.(map[string]any)["Ref"] == nodeRef {
						statements = append(statements, props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any)...)
					}
				}
			}
			if len(statements) != 1 {
				t.Fatalf("node role statements %s, want exactly one (ecr:CreateRepository)", asJSON(statements))
			}
			st := statements[0].(map[string]any)
			if st["Effect"] != "Allow" || st["Action"] != "ecr:CreateRepository" || st["Condition"] != nil {
				t.Errorf("node role statement %s, want Allow ecr:CreateRepository", asJSON(st))
			}
			var got []string
			res, ok := st["Resource"].([]any)
			if !ok {
				res = []any{st["Resource"]}
			}
			for _, r := range res {
				got = append(got, asJSON(r))
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ecr:CreateRepository on\n  %s\nwant the edge stack's cache prefixes\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

// NewPullThroughCache's defaults: credential secrets are retained, and an
// upstream without authentication gets no secret.
func TestPullThroughCacheDefaults(t *testing.T) {
	defer failOnAssertion(t)
	st := bareStack()
	c := infra.NewPullThroughCache(st, "Cache", &infra.PullThroughCacheProps{Upstreams: []infra.PullThroughCacheUpstream{
		{Prefix: "app/quay", Registry: "quay", URL: "quay.io"},
		{Prefix: "app/docker-hub", Registry: "docker-hub", URL: "registry-1.docker.io"},
	}})
	tpl := assertions.Template_FromStack(st, nil)
	tpl.ResourceCountIs(jsii.String("AWS::ECR::PullThroughCacheRule"), jsii.Number(2))
	tpl.ResourceCountIs(jsii.String("AWS::SecretsManager::Secret"), jsii.Number(1))
	tpl.HasResource(jsii.String("AWS::SecretsManager::Secret"), map[string]any{
		"DeletionPolicy": "Retain", "Properties": map[string]any{"Name": "ecr-pullthroughcache/app/docker-hub"},
	})
	if len(c.Rules) != 2 || len(c.Credentials) != 1 || c.Credentials["app/docker-hub"] == nil {
		t.Errorf("rules %d, credentials %v", len(c.Rules), c.Credentials)
	}
}

// Invalid props fail early with the field, the value and what is allowed.
func TestPullThroughCacheValidation(t *testing.T) {
	ok := infra.PullThroughCacheUpstream{Prefix: "app/quay", Registry: "quay", URL: "quay.io"}
	for _, c := range []struct {
		name string
		ups  []infra.PullThroughCacheUpstream
		want string
	}{
		{"none", nil, "PullThroughCacheProps.Upstreams is empty"},
		{"prefix too long", []infra.PullThroughCacheUpstream{{Prefix: "a-very-long-prefix-of-31-chars/", Registry: "quay", URL: "quay.io"}}, `Upstreams[0].Prefix = "a-very-long-prefix-of-31-chars/"`},
		{"prefix upper case", []infra.PullThroughCacheUpstream{{Prefix: "App/quay", Registry: "quay", URL: "quay.io"}}, `Prefix = "App/quay"`},
		{"prefix twice", []infra.PullThroughCacheUpstream{ok, {Prefix: "app/quay", Registry: "k8s", URL: "registry.k8s.io"}}, `Upstreams[1].Prefix = "app/quay": used twice`},
		{"unknown registry", []infra.PullThroughCacheUpstream{{Prefix: "app/x", Registry: "harbor", URL: "harbor.example.com"}}, `Registry = "harbor": want one of`},
		{"registry twice", []infra.PullThroughCacheUpstream{ok, {Prefix: "app/quay2", Registry: "quay", URL: "quay.io"}}, `Registry = "quay": used twice`},
		{"url with path", []infra.PullThroughCacheUpstream{{Prefix: "app/quay", Registry: "quay", URL: "https://quay.io/"}}, `URL = "https://quay.io/"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got string
			func() {
				defer func() { got = fmt.Sprint(recover()) }()
				infra.NewPullThroughCache(bareStack(), "C", &infra.PullThroughCacheProps{Upstreams: c.ups})
			}()
			if !strings.Contains(got, c.want) || !strings.HasPrefix(got, "Test/C: ") {
				t.Errorf("panic %q, want it to start with the construct's path Test/C and contain %q", got, c.want)
			}
		})
	}
	// The cluster refuses a prefix ECR would refuse.
	var got string
	func() {
		defer func() { got = fmt.Sprint(recover()) }()
		st := bareStack()
		infra.NewCluster(st, "C", &infra.ClusterProps{Vpc: bareVpc(st), ClusterName: "c", KubernetesVersion: "1.34", PullThroughCachePrefixes: []string{"Bad/Prefix"}})
	}()
	if !strings.Contains(got, `ClusterProps.PullThroughCachePrefixes[0] = "Bad/Prefix"`) {
		t.Errorf("panic %q, want the bad prefix named", got)
	}
	// Without prefixes the node role gets no statement at all.
	defer failOnAssertion(t)
	st := bareStack()
	infra.NewCluster(st, "Eks", &infra.ClusterProps{Vpc: bareVpc(st), ClusterName: "c", KubernetesVersion: "1.34"})
	assertions.Template_FromStack(st, nil).ResourcePropertiesCountIs(jsii.String("AWS::IAM::Policy"),
		map[string]any{"Roles": []any{map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("NodeRole"))}}}, jsii.Number(0))
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
