package preflight_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/internal/preflight"
	"github.com/shopstack/shopstack/platform"
)

// planFor reads the plan of env's committed templates (dist/ is what the
// code synthesizes: check:dist).
func planFor(t *testing.T, env string) preflight.Plan {
	t.Helper()
	p, err := preflight.ReadPlan(filepath.Join("..", "..", "dist", env, "cloudformation"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReadPlan: what the pre-flight reads from the templates is what
// platform/ configures, every default asserted.
func TestReadPlan(t *testing.T) {
	for _, name := range platform.EnvironmentNames() {
		t.Run(name, func(t *testing.T) {
			env, err := platform.For(name)
			if err != nil {
				t.Fatal(err)
			}
			p := planFor(t, name)
			var wantStacks []string
			for _, part := range []string{infra.ClusterStack, infra.DatabaseStack, infra.EdgeStack, infra.NetworkStack} {
				wantStacks = append(wantStacks, env.StackName(part))
			}
			if !slices.Equal(p.Stacks, wantStacks) {
				t.Errorf("Stacks = %v, want %v", p.Stacks, wantStacks)
			}
			wantDB := preflight.DatabasePlan{
				Engine:              "postgres",
				EngineVersion:       env.Database.EngineVersion,
				InstanceClass:       "db." + env.Database.InstanceClass,
				StorageType:         "gp3",
				MultiAZ:             env.Database.MultiAZ,
				PerformanceInsights: true,
				ReadReplica:         env.Database.ReadReplica,
			}
			if p.Database == nil || *p.Database != wantDB {
				t.Errorf("Database = %+v, want %+v", p.Database, wantDB)
			}
			if p.Cluster == nil || p.Cluster.Version != env.Cluster.KubernetesVersion || !slices.Equal(p.Cluster.Addons, []preflight.Addon{{Name: "metrics-server"}}) {
				t.Errorf("Cluster = %+v, want version %s with the add-on metrics-server (infra.ClusterProps Addons default)", p.Cluster, env.Cluster.KubernetesVersion)
			}
			if want := (preflight.Bootstrap{Parameter: "/cdk-bootstrap/hnb659fds/version", MinVersion: 6}); p.Bootstrap != want {
				t.Errorf("Bootstrap = %+v, want %+v", p.Bootstrap, want)
			}
			byValue := map[string]preflight.Name{}
			for _, n := range p.Names {
				byValue[n.Type+" "+n.Value] = n
			}
			want := map[string]string{
				"AWS::ECR::Repository " + env.Images.BackendRepository:                    env.StackName(infra.EdgeStack),
				"AWS::ECR::Repository " + env.Images.FrontendRepository:                   env.StackName(infra.EdgeStack),
				"AWS::SecretsManager::Secret " + env.Names.DatabaseSecretName:             env.StackName(infra.DatabaseStack),
				"AWS::EKS::Cluster " + env.Cluster.Name:                                   env.StackName(infra.ClusterStack),
				"AWS::Logs::LogGroup /aws/eks/" + env.Cluster.Name + "/cluster":           env.StackName(infra.ClusterStack),
				"AWS::RDS::DBInstance shopstack-" + name:                                  env.StackName(infra.DatabaseStack),
				"AWS::Logs::LogGroup /aws/rds/instance/shopstack-" + name + "/postgresql": env.StackName(infra.DatabaseStack),
				"AWS::Logs::LogGroup /aws/rds/instance/shopstack-" + name + "/upgrade":    env.StackName(infra.DatabaseStack),
			}
			for _, u := range platform.Upstreams {
				want["AWS::ECR::PullThroughCacheRule "+env.MirrorPrefix(u)] = env.StackName(infra.EdgeStack)
			}
			want["AWS::SecretsManager::Secret "+infra.PullThroughCacheCredentialPrefix+env.MirrorPrefix(platform.Upstreams[2])] = env.StackName(infra.EdgeStack)
			// Mail (cdk/infra mail.go): the SES identity and the sending user's secret.
			want["AWS::SES::EmailIdentity "+env.DNS.Host] = env.StackName(infra.EdgeStack)
			want["AWS::SecretsManager::Secret "+env.Names.SMTPSecretName] = env.StackName(infra.EdgeStack)
			for key, stack := range want {
				n, ok := byValue[key]
				if !ok {
					t.Errorf("the plan lacks %s", key)
					continue
				}
				if n.Stack != stack || n.LogicalID == "" {
					t.Errorf("%s: created by %s/%s, want a resource of %s", key, n.Stack, n.LogicalID, stack)
				}
			}
			if len(p.Names) != len(want) {
				t.Errorf("the plan has %d names, want %d: %+v", len(p.Names), len(want), p.Names)
			}
		})
	}
}

// TestReadPlanRefuses: a template the plan cannot read completely is an
// error, not a check that silently passes.
func TestReadPlanRefuses(t *testing.T) {
	for _, tc := range []struct{ name, template, want string }{
		{"unclassified type", `{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q"}}}}`,
			"resource type AWS::SQS::Queue is not classified in infra.PhysicalNames"},
		{"a name that is not a literal", `{"Resources": {"R": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": {"Fn::Join": ["", ["a", "b"]]}}}}}`,
			"AWS::ECR::Repository.RepositoryName is not a literal name"},
		{"an unknown bootstrap rule", `{"Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/x/version"}}, "Rules": {"CheckBootstrapVersion": {"Assertions": [{"Assert": {"Fn::Equals": ["1", "1"]}}]}}, "Resources": {}}`,
			"not the CDK's Fn::Not/Fn::Contains form"},
		{"no templates", "", "no *.template.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.template != "" {
				if err := os.WriteFile(filepath.Join(dir, "s.template.json"), []byte(tc.template), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := preflight.ReadPlan(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadPlan: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestStacksFitDescribeStackResources: the ownership check reads a stack's
// resources with DescribeStackResources, which returns "only the first 100
// resources" of a stack.
func TestStacksFitDescribeStackResources(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "dist", "*", "cloudformation", "*.template.json"))
	if len(files) == 0 {
		t.Fatal("no templates in dist/")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var tpl struct{ Resources map[string]any }
		if err := json.Unmarshal(data, &tpl); err != nil {
			t.Fatal(err)
		}
		if n := len(tpl.Resources); n > 100 {
			t.Errorf("%s has %d resources: DescribeStackResources would miss some; use ListStackResources in internal/preflight/names.go", f, n)
		}
	}
}
