package synth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/internal/k8stest"
	"github.com/shopstack/shopstack/platform"
)

// TestSMTPSecretCrossesLayers follows the SES sending credentials from the
// CloudFormation templates to the backend's environment, in the
// synthesized dist/ of every environment:
//
//   - the edge stack has exactly one secret named like the backend
//     Deployment's SHOP_SMTP_SECRET_ID, and exports its ARN;
//   - the Pod Identity role of the backend's ServiceAccount (database
//     stack) may call secretsmanager:GetSecretValue on exactly that export,
//     and no statement reaches the secret otherwise;
//   - the SES identity is the domain of SHOP_SMTP_FROM, and the sending
//     user may send (ses:SendRawEmail) from SHOP_SMTP_FROM only;
//   - SHOP_SMTP_HOST is the SES SMTP endpoint of SHOP_AWS_REGION, the
//     stacks' region, on the port the NetworkPolicy opens.
func TestSMTPSecretCrossesLayers(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, dir string, _ []k8stest.Object) {
		cfn := filepath.Join(dir, CloudFormationDir)
		edge := readStack(t, filepath.Join(cfn, env.StackName(infra.EdgeStack)+".template.json"))
		database := readStack(t, filepath.Join(cfn, env.StackName(infra.DatabaseStack)+".template.json"))

		vars := map[string]string{}
		for _, e := range backendPods(t, filepath.Join(dir, KubernetesDir), env)["backend Deployment"].Containers[0].Env {
			vars[e.Name] = e.Value
		}
		secretName, from := vars[contract.EnvSMTPSecretID], vars[contract.EnvSMTPFrom]

		// The secret and its export.
		var secretIDs []string
		for id, r := range edge.Resources {
			if r.Type == "AWS::SecretsManager::Secret" && r.Properties["Name"] == secretName {
				secretIDs = append(secretIDs, id)
			}
		}
		if len(secretIDs) != 1 {
			t.Fatalf("edge stack: %d secrets named %s=%q, want 1", len(secretIDs), contract.EnvSMTPSecretID, secretName)
		}
		secretID := secretIDs[0]
		var exportName string
		for _, o := range edge.Outputs {
			if asJSON(o.Value) == asJSON(map[string]any{"Ref": secretID}) {
				exportName = o.Export.Name
			}
		}
		if exportName == "" {
			t.Fatalf("edge stack exports no ARN of %s", secretID)
		}

		// The backend role's grants on it.
		roleID := backendRoleID(t, database, env)
		var grants []string
		for _, p := range database.Resources[roleID].Properties["Policies"].([]any) {
			for _, st := range p.(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				st := st.(map[string]any)
				if strings.Contains(asJSON(st["Resource"]), exportName) {
					grants = append(grants, asJSON(map[string]any{"Effect": st["Effect"], "Action": st["Action"], "Resource": st["Resource"], "Condition": st["Condition"]}))
				}
			}
		}
		want := asJSON(map[string]any{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": map[string]any{"Fn::ImportValue": exportName}, "Condition": nil})
		if len(grants) != 1 || grants[0] != want {
			t.Errorf("backend role grants on the SMTP secret %v, want exactly %s", grants, want)
		}

		// The identity and the sending user's one permission.
		var identities []string
		for _, r := range edge.Resources {
			if r.Type == "AWS::SES::EmailIdentity" {
				identities = append(identities, r.Properties["EmailIdentity"].(string))
			}
		}
		_, fromDomain, _ := strings.Cut(from, "@")
		if len(identities) != 1 || identities[0] != fromDomain || fromDomain != env.DNS.Host {
			t.Errorf("SES identities %v, want exactly the domain of %s=%q, the storefront host %s", identities, contract.EnvSMTPFrom, from, env.DNS.Host)
		}
		var sends []string
		for _, r := range edge.Resources {
			if r.Type != "AWS::IAM::Policy" {
				continue
			}
			for _, st := range r.Properties["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				if strings.Contains(asJSON(st), "ses:") {
					sends = append(sends, asJSON(st.(map[string]any)["Condition"]))
				}
			}
		}
		if wantCond := asJSON(map[string]any{"StringEquals": map[string]any{"ses:FromAddress": from}}); len(sends) != 1 || sends[0] != wantCond {
			t.Errorf("SES statements' conditions %v, want one: %s", sends, wantCond)
		}

		// Endpoint, region and port.
		if vars[contract.EnvAWSRegion] != env.Region || vars[contract.EnvSMTPHost] != "email-smtp."+env.Region+".amazonaws.com" {
			t.Errorf("%s=%q, %s=%q: want the SES SMTP endpoint of the stacks' region %s", contract.EnvAWSRegion, vars[contract.EnvAWSRegion], contract.EnvSMTPHost, vars[contract.EnvSMTPHost], env.Region)
		}
		if vars[contract.EnvSMTPPort] != "587" || vars[contract.EnvPublicURL] != "https://"+env.DNS.Host {
			t.Errorf("%s=%q, %s=%q: want 587 and https://%s", contract.EnvSMTPPort, vars[contract.EnvSMTPPort], contract.EnvPublicURL, vars[contract.EnvPublicURL], env.DNS.Host)
		}
	})
}

type stack struct {
	Resources map[string]struct {
		Type       string
		Properties map[string]any
	}
	Outputs map[string]struct {
		Value  any
		Export struct{ Name string }
	}
}

func readStack(t *testing.T, path string) *stack {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s stack
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &s
}

// backendRoleID is the role of the backend's Pod Identity association.
func backendRoleID(t *testing.T, s *stack, env platform.Environment) string {
	t.Helper()
	for _, r := range s.Resources {
		if r.Type != "AWS::EKS::PodIdentityAssociation" || r.Properties["Namespace"] != env.Names.Namespace || r.Properties["ServiceAccount"] != env.Names.BackendServiceAccount {
			continue
		}
		if ref, ok := r.Properties["RoleArn"].(map[string]any)["Fn::GetAtt"].([]any); ok && len(ref) == 2 {
			return ref[0].(string)
		}
	}
	t.Fatalf("no Pod Identity association with a role for %s/%s", env.Names.Namespace, env.Names.BackendServiceAccount)
	return ""
}
