package synth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/cdk/infra"
)

// The EKS Auto Mode managed policies let the cluster role tag what Auto Mode
// creates only with EKS's own tag keys (AmazonEKSLoadBalancingPolicy and
// AmazonEKSComputePolicy: ForAllValues:StringEquals aws:TagKeys). User tags
// in a Kubernetes object that Auto Mode turns into AWS resources need the
// matching statement of the EKS User Guide's tag-propagation policy on the
// cluster role ("Amazon EKS Auto Mode cluster IAM role", #tag-prop,
// https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html#tag-prop),
// or the create call is denied and nothing is created (audit F3: no ALB).
var tagPropagationActions = map[string][]string{
	// IngressClassParams spec.tags -> load balancer, target groups,
	// listeners, rules, security group ("LoadBalancer" statement).
	"IngressClassParams": infra.LoadBalancerTagPropagationActions,
	// NodeClass spec.tags -> instances ("Compute" statement).
	"NodeClass": {"ec2:CreateFleet", "ec2:RunInstances", "ec2:CreateLaunchTemplate"},
	// StorageClass parameters tagSpecification_N -> volumes ("Storage" statement).
	"StorageClass": {"ec2:CreateVolume", "ec2:CreateSnapshot"},
}

// TestAutoModeTagsAllowedByClusterRole reads the synthesized manifests and
// templates of every environment: each object that asks Auto Mode for user
// tags needs a statement on the cluster role that allows its create calls
// without an aws:TagKeys restriction.
func TestAutoModeTagsAllowedByClusterRole(t *testing.T) {
	dist, envs := synthesized(t)
	for _, env := range envs {
		t.Run(env.Name, func(t *testing.T) {
			tagged := taggedAutoModeObjects(t, filepath.Join(dist, env.Name, KubernetesDir))
			if len(env.Tags) > 0 && len(tagged["IngressClassParams"]) == 0 {
				t.Fatalf("env.Tags are set but no IngressClassParams carries them: the test would pass vacuously")
			}
			allowed := clusterRoleActions(t, readTemplate(t, filepath.Join(dist, env.Name, CloudFormationDir, env.StackName(infra.ClusterStack)+".template.json")))
			for kind, objects := range tagged {
				for _, action := range tagPropagationActions[kind] {
					if !allowed[action] {
						t.Errorf("%s %v ask Auto Mode for user tags, but the cluster role allows %s only with EKS's own tag keys: add the tag-propagation statement", kind, objects, action)
					}
				}
			}
		})
	}
}

// taggedAutoModeObjects lists, by kind, the objects with user tags.
func taggedAutoModeObjects(t *testing.T, dir string) map[string][]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	out := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, raw := range strings.Split(string(data), "\n---\n") {
			var o struct {
				Kind     string
				Metadata struct{ Name string }
				Spec     struct {
					Tags json.RawMessage
				}
				Parameters map[string]string
			}
			if err := yaml.Unmarshal([]byte(raw), &o); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			hasTags := false
			switch o.Kind {
			case "IngressClassParams", "NodeClass":
				s := strings.TrimSpace(string(o.Spec.Tags))
				hasTags = s != "" && s != "null" && s != "[]" && s != "{}"
			case "StorageClass":
				for k := range o.Parameters {
					hasTags = hasTags || strings.HasPrefix(k, "tagSpecification_")
				}
			}
			if hasTags {
				out[o.Kind] = append(out[o.Kind], o.Metadata.Name)
			}
		}
	}
	return out
}

// clusterRoleActions is the set of actions the inline policies of the EKS
// cluster's role allow without an aws:TagKeys condition.
func clusterRoleActions(t *testing.T, tpl *template) map[string]bool {
	t.Helper()
	var roleID string
	for _, id := range tpl.ofType("AWS::EKS::Cluster") {
		getAtt, _ := tpl.props(t, id)["RoleArn"].(map[string]any)["Fn::GetAtt"].([]any)
		if len(getAtt) == 2 {
			roleID, _ = getAtt[0].(string)
		}
	}
	if roleID == "" {
		t.Fatal("no EKS cluster with a RoleArn of the template's own role")
	}
	allowed := map[string]bool{}
	for _, id := range tpl.ofType("AWS::IAM::Policy") {
		p := tpl.props(t, id)
		if !strings.Contains(asJSON(p["Roles"]), `{"Ref":"`+roleID+`"}`) {
			continue
		}
		doc, _ := p["PolicyDocument"].(map[string]any)
		statements, _ := doc["Statement"].([]any)
		for _, s := range statements {
			st, _ := s.(map[string]any)
			if st["Effect"] != "Allow" || strings.Contains(asJSON(st["Condition"]), "aws:TagKeys") {
				continue
			}
			for _, a := range strs(st["Action"]) {
				allowed[a] = true
			}
		}
	}
	return allowed
}
