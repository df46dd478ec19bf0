package infra_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/platform"
)

// physicalName says where a resource type's physical name is and how far it
// must be unique. A CloudFormation create fails with "already exists" when a
// name is taken in its scope, and a custom name also blocks any replacement
// of the resource ("CloudFormation cannot update a stack when a custom-named
// resource requires replacing",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
type physicalName struct {
	// Property holds the name; "" when the type has no account-wide name
	// (CloudFormation generates an id, or the name is scoped to a parent
	// resource such as a cluster, role or VPC).
	Property string
	// Global is true for IAM, whose names are unique per account in every
	// region ("IAM is a global service": role and managed policy names
	// must be unique within the account,
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names).
	Global bool
}

// physicalNames covers every resource type the stacks create; a type not
// listed fails the test, so a new type is classified when it is added.
var physicalNames = map[string]physicalName{
	"AWS::CertificateManager::Certificate":        {},
	"AWS::EC2::EIP":                               {},
	"AWS::EC2::FlowLog":                           {},
	"AWS::EC2::InternetGateway":                   {},
	"AWS::EC2::NatGateway":                        {},
	"AWS::EC2::Route":                             {},
	"AWS::EC2::RouteTable":                        {},
	"AWS::EC2::SecurityGroup":                     {}, // GroupName is per VPC, and not set
	"AWS::EC2::SecurityGroupIngress":              {},
	"AWS::EC2::SecurityGroupEgress":               {},
	"AWS::EC2::Subnet":                            {},
	"AWS::EC2::SubnetRouteTableAssociation":       {},
	"AWS::EC2::VPC":                               {},
	"AWS::EC2::VPCGatewayAttachment":              {},
	"AWS::ECR::Repository":                        {Property: "RepositoryName"},
	"AWS::ECR::PullThroughCacheRule":              {Property: "EcrRepositoryPrefix"},
	"AWS::EKS::AccessEntry":                       {}, // scoped to its cluster
	"AWS::EKS::Addon":                             {}, // scoped to its cluster
	"AWS::EKS::Cluster":                           {Property: "Name"},
	"AWS::EKS::PodIdentityAssociation":            {}, // scoped to its cluster
	"AWS::IAM::Policy":                            {}, // an inline policy: its name is scoped to its role
	"AWS::IAM::Role":                              {Property: "RoleName", Global: true},
	"AWS::IAM::ManagedPolicy":                     {Property: "ManagedPolicyName", Global: true},
	"AWS::KMS::Key":                               {},
	"AWS::KMS::Alias":                             {Property: "AliasName"},
	"AWS::Logs::LogGroup":                         {Property: "LogGroupName"},
	"AWS::RDS::DBInstance":                        {Property: "DBInstanceIdentifier"},
	"AWS::RDS::DBParameterGroup":                  {Property: "DBParameterGroupName"},
	"AWS::RDS::DBSubnetGroup":                     {Property: "DBSubnetGroupName"},
	"AWS::RDS::DBProxy":                           {Property: "DBProxyName"},
	"AWS::RDS::DBProxyTargetGroup":                {}, // scoped to its proxy
	"AWS::SecretsManager::Secret":                 {Property: "Name"},
	"AWS::SecretsManager::SecretTargetAttachment": {},
	"AWS::SSM::Parameter":                         {Property: "Name"},
}

type nameOwner struct{ env, stack, logicalID string }

// TestPhysicalNamesUniqueAcrossEnvironments synthesizes every environment
// (and the optional read replica + RDS Proxy variant) and fails when two
// environments that deploy into the same account and region would create a
// resource with the same physical name: the second `cdk deploy` would fail
// with "already exists" (audit finding F2: the ECR repositories).
func TestPhysicalNamesUniqueAcrossEnvironments(t *testing.T) {
	var envs []platform.Environment
	for _, e := range environments(t) {
		envs = append(envs, e)
		variant := e
		variant.Database.ReadReplica, variant.Database.RDSProxy = true, true
		envs = append(envs, variant)
	}
	// names[scope][type/name] -> who creates it
	names := map[string]map[string][]nameOwner{}
	for _, e := range envs {
		b := build(t, e)
		seenInEnv := map[string]bool{}
		for part, tpl := range b.templates {
			for id, r := range allResources(tpl) {
				typ, _ := r["Type"].(string)
				pn, ok := physicalNames[typ]
				if !ok {
					t.Errorf("%s/%s %s: resource type %s is not classified in physicalNames", e.Name, part, id, typ)
					continue
				}
				if pn.Property == "" {
					continue
				}
				props, _ := r["Properties"].(map[string]any)
				v, ok := props[pn.Property]
				if !ok {
					continue // CloudFormation generates a unique name
				}
				name := literal(v)
				scope := "account " + e.Account + " region " + e.Region
				if pn.Global {
					scope = "account " + e.Account
				}
				key := typ + " " + name
				// The variant re-creates its environment's names; count an
				// environment once per name.
				if seenInEnv[key+"/"+id] {
					continue
				}
				seenInEnv[key+"/"+id] = true
				if names[scope] == nil {
					names[scope] = map[string][]nameOwner{}
				}
				names[scope][key] = append(names[scope][key], nameOwner{e.Name, part, id})
			}
		}
	}
	checked := 0
	for scope, byName := range names {
		for key, owners := range byName {
			checked++
			envsOf := map[string]bool{}
			ids := map[string]bool{}
			for _, o := range owners {
				envsOf[o.env] = true
				ids[o.env+"/"+o.stack+"/"+o.logicalID] = true
			}
			if len(envsOf) > 1 || len(ids) > 1 {
				var who []string
				for id := range ids {
					who = append(who, id)
				}
				sort.Strings(who)
				t.Errorf("%s: %s is created by %s", scope, key, strings.Join(who, ", "))
			}
		}
	}
	if checked == 0 {
		t.Fatal("no physical names found: the test would pass vacuously")
	}
	t.Logf("%d physical names checked", checked)
}

// literal renders a name property, which may be an intrinsic function
// (Fn::Join of the stack name, say), as a stable string.
func literal(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}
