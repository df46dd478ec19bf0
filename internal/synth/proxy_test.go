package synth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// TestProxyEndpointCrossesLayers follows the RDS Proxy endpoint from the
// CloudFormation template to the backend's environment, for dev and prod
// with Database.RDSProxy on (the committed environments have it off; then
// none of it may exist):
//
//   - the database stack has an AWS::SSM::Parameter whose Name is the one
//     the backend Deployment and the migration Job pass in
//     SHOP_DATABASE_HOST_PARAMETER, and whose Value is the DBProxy's
//     Endpoint attribute;
//   - the Pod Identity role of the backend's ServiceAccount may call
//     ssm:GetParameter on exactly that parameter's ARN,
//     arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}
//     (Service Authorization Reference, AWS Systems Manager), and on
//     nothing else in Systems Manager.
func TestProxyEndpointCrossesLayers(t *testing.T) {
	for _, base := range []func() platform.Environment{platform.Dev, platform.Prod} {
		for _, proxy := range []bool{true, false} {
			env := base()
			env.Database.RDSProxy = proxy
			name := env.Name
			if proxy {
				name += "-rds-proxy"
			}
			t.Run(name, func(t *testing.T) {
				if err := env.Validate(); err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				if err := CloudFormation(filepath.Join(dir, CloudFormationDir), env); err != nil {
					t.Fatal(err)
				}
				if err := Kubernetes(filepath.Join(dir, KubernetesDir), env); err != nil {
					t.Fatal(err)
				}
				tpl := readTemplate(t, filepath.Join(dir, CloudFormationDir, env.StackName(infra.DatabaseStack)+".template.json"))
				backendEnv := map[string]map[string]string{}
				for what, spec := range backendPods(t, filepath.Join(dir, KubernetesDir), env) {
					backendEnv[what] = map[string]string{}
					for _, e := range spec.Containers[0].Env {
						backendEnv[what][e.Name] = e.Value
					}
				}
				grants := ssmStatements(t, tpl, env)
				params := tpl.ofType("AWS::SSM::Parameter")

				if !proxy {
					if len(params) != 0 || len(grants) != 0 {
						t.Errorf("without RDS Proxy: SSM parameters %v, SSM grants %v; want none", params, grants)
					}
					for what, vars := range backendEnv {
						if v, ok := vars[contract.EnvDatabaseHostParameter]; ok {
							t.Errorf("%s: %s=%q without RDS Proxy", what, contract.EnvDatabaseHostParameter, v)
						}
					}
					return
				}

				proxies := tpl.ofType("AWS::RDS::DBProxy")
				if len(params) != 1 || len(proxies) != 1 {
					t.Fatalf("%d SSM parameters and %d DB proxies, want one each", len(params), len(proxies))
				}
				var param struct {
					Name, Type string
					Value      any
				}
				if err := json.Unmarshal(tpl.Resources[params[0]].Properties, &param); err != nil {
					t.Fatal(err)
				}
				if param.Name != env.Names.DatabaseProxyEndpointParameter || param.Type != "String" {
					t.Errorf("parameter %s (%s), want the String %s from platform", param.Name, param.Type, env.Names.DatabaseProxyEndpointParameter)
				}
				if got, want := asJSON(param.Value), asJSON(map[string]any{"Fn::GetAtt": []any{proxies[0], "Endpoint"}}); got != want {
					t.Errorf("parameter value %s, want %s (the proxy's endpoint)", got, want)
				}
				for what, vars := range backendEnv {
					if got := vars[contract.EnvDatabaseHostParameter]; got != param.Name {
						t.Errorf("%s: %s=%q, want the template's parameter %q", what, contract.EnvDatabaseHostParameter, got, param.Name)
					}
					if got := vars[contract.EnvDatabaseSecretID]; got != env.Names.DatabaseSecretName {
						t.Errorf("%s: %s=%q, want %q (credentials still come from the secret)", what, contract.EnvDatabaseSecretID, got, env.Names.DatabaseSecretName)
					}
				}
				wantARN := "arn:aws:ssm:" + env.Region + ":" + env.Account + ":parameter/" + strings.TrimPrefix(param.Name, "/")
				if len(grants) != 1 || grants[0].actions != "ssm:GetParameter" || grants[0].resource != wantARN {
					t.Errorf("backend SSM grants %+v, want exactly ssm:GetParameter on %s", grants, wantARN)
				}
			})
		}
	}
}

type ssmGrant struct{ actions, resource string }

// ssmStatements returns every statement of the backend's Pod Identity role
// that allows an ssm: action, its resource rendered to a string.
func ssmStatements(t *testing.T, tpl *template, env platform.Environment) []ssmGrant {
	t.Helper()
	var roleID string
	for _, id := range tpl.ofType("AWS::EKS::PodIdentityAssociation") {
		var a struct {
			Namespace, ServiceAccount string
			RoleArn                   map[string][]string `json:"RoleArn"`
		}
		if err := json.Unmarshal(tpl.Resources[id].Properties, &a); err != nil {
			t.Fatal(err)
		}
		if a.Namespace == env.Names.Namespace && a.ServiceAccount == env.Names.BackendServiceAccount {
			if ref := a.RoleArn["Fn::GetAtt"]; len(ref) == 2 && ref[1] == "Arn" {
				roleID = ref[0]
			}
		}
	}
	if roleID == "" {
		t.Fatalf("no Pod Identity association with a role for %s/%s", env.Names.Namespace, env.Names.BackendServiceAccount)
	}
	var role struct {
		Policies []struct {
			PolicyDocument struct {
				Statement []struct {
					Effect   string
					Action   any
					Resource any
				}
			}
		}
	}
	if err := json.Unmarshal(tpl.Resources[roleID].Properties, &role); err != nil {
		t.Fatal(err)
	}
	var out []ssmGrant
	for _, p := range role.Policies {
		for _, st := range p.PolicyDocument.Statement {
			actions := strings.Join(strs(st.Action), ",")
			if st.Effect != "Allow" || !strings.Contains(actions, "ssm:") {
				continue
			}
			out = append(out, ssmGrant{actions: actions, resource: strings.Join(render(t, st.Resource), ",")})
		}
	}
	return out
}

func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

// render turns a resource (a string, Fn::Join, Ref AWS::Partition, or a
// list of those) into plain ARNs; the environments deploy to the "aws"
// partition. Anything else fails: the grant must not depend on values
// known only after deploy.
func render(t *testing.T, v any) []string {
	t.Helper()
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, render(t, e)...)
		}
		return out
	case map[string]any:
		if ref, ok := v["Ref"]; ok && ref == "AWS::Partition" {
			return []string{"aws"}
		}
		if join, ok := v["Fn::Join"].([]any); ok && len(join) == 2 {
			sep, _ := join[0].(string)
			var parts []string
			for _, p := range join[1].([]any) {
				parts = append(parts, strings.Join(render(t, p), ""))
			}
			return []string{strings.Join(parts, sep)}
		}
	}
	t.Fatalf("cannot render %s to an ARN", asJSON(v))
	return nil
}

func asJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// backendPods returns the pod specs of the backend Deployment and of the
// migration Job.
func backendPods(t *testing.T, dir string, env platform.Environment) map[string]corev1.PodSpec {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	out := map[string]corev1.PodSpec{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range strings.Split(string(data), "\n---\n") {
			var head struct {
				Kind     string
				Metadata struct{ Name, Namespace string }
			}
			if err := yaml.Unmarshal([]byte(part), &head); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if head.Metadata.Namespace != env.Names.Namespace {
				continue
			}
			switch {
			case head.Kind == "Deployment" && head.Metadata.Name == env.Names.Backend:
				var d appsv1.Deployment
				if err := yaml.UnmarshalStrict([]byte(part), &d); err != nil {
					t.Fatal(err)
				}
				out["backend Deployment"] = d.Spec.Template.Spec
			case head.Kind == "Job" && head.Metadata.Name == charts.MigrationJobName(env):
				var j batchv1.Job
				if err := yaml.UnmarshalStrict([]byte(part), &j); err != nil {
					t.Fatal(err)
				}
				out["migration Job"] = j.Spec.Template.Spec
			}
		}
	}
	if len(out) != 2 {
		t.Fatalf("found %v in %s, want the backend Deployment and the migration Job", out, dir)
	}
	return out
}
