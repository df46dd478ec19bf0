package preflight

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/shopstack/shopstack/platform"
)

// A physical name is free when nothing holds it, and fine when the resource
// holding it is the one this environment's stack already manages (a
// redeploy). Anything else makes the create fail with "already exists":
// a resource made by hand, another environment's, or one a deleted stack
// retained (docs/aws.md, "Physical names, retained resources and
// replacement").
//
// Ownership is read from CloudFormation, DescribeStackResources of the
// stack that creates the name: the resource with the same logical id and
// type, whose PhysicalResourceId is the holder's identifier and whose status
// is not DELETE_*, is the stack's. The aws:cloudformation:stack-name tag
// would answer wrongly twice: a resource retained when its stack was deleted
// keeps the tag but is no longer the stack's (the next create fails on it),
// and some types cannot carry tags at all (a pull-through cache rule).
// DescribeStackResources returns "only the first 100 resources" of a stack
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html);
// TestStacksFitDescribeStackResources keeps every stack under that.
//
// The identifier CloudFormation records as PhysicalResourceId is the type's
// primaryIdentifier in its resource schema (cfn-lint 1.51's copy of the
// schemas): the name itself for every type here but
// AWS::SecretsManager::Secret, whose primaryIdentifier is Id, the secret's
// ARN ("Ref returns the ARN", AWS::SecretsManager::Secret).

// nameLookup finds the resource that holds a name.
type nameLookup struct {
	// action is the IAM action, for messages.
	action string
	// find returns the holder's identifier as CloudFormation records it,
	// "" when the name is free, and a note on the holder's state.
	find func(ctx context.Context, c Clients, name string) (id, note string, err error)
	// cleanup is the AWS CLI command that frees the name (%[1]s the name,
	// %[2]s the region).
	cleanup string
}

// nameLookups are the read calls per resource type, each with the error the
// API documents for "no such resource".
var nameLookups = map[string]nameLookup{
	"AWS::SES::EmailIdentity": sesIdentityLookup, // ses.go
	// ECR DescribeRepositories: RepositoryNotFoundException
	// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html).
	"AWS::ECR::Repository": {
		action: "ecr:DescribeRepositories",
		find: func(ctx context.Context, c Clients, name string) (string, string, error) {
			out, err := c.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{name}})
			if errorCode(err) == "RepositoryNotFoundException" {
				return "", "", nil
			}
			if err != nil || len(out.Repositories) == 0 {
				return "", "", err
			}
			return aws.ToString(out.Repositories[0].RepositoryName), "", nil
		},
		cleanup: "`aws ecr delete-repository --repository-name %[1]s --force --region %[2]s` (deletes its images)",
	},
	// ECR DescribePullThroughCacheRules: PullThroughCacheRuleNotFoundException
	// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribePullThroughCacheRules.html).
	"AWS::ECR::PullThroughCacheRule": {
		action: "ecr:DescribePullThroughCacheRules",
		find: func(ctx context.Context, c Clients, prefix string) (string, string, error) {
			out, err := c.ECR.DescribePullThroughCacheRules(ctx, &ecr.DescribePullThroughCacheRulesInput{EcrRepositoryPrefixes: []string{prefix}})
			if errorCode(err) == "PullThroughCacheRuleNotFoundException" {
				return "", "", nil
			}
			if err != nil || len(out.PullThroughCacheRules) == 0 {
				return "", "", err
			}
			return aws.ToString(out.PullThroughCacheRules[0].EcrRepositoryPrefix), "", nil
		},
		cleanup: "`aws ecr delete-pull-through-cache-rule --ecr-repository-prefix %[1]s --region %[2]s`",
	},
	// Secrets Manager DescribeSecret: ResourceNotFoundException; a secret
	// scheduled for deletion is still there, with DeletedDate ("Some time
	// after the deleted date, Secrets Manager deletes the secret"), until
	// then or a forced delete
	// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html).
	"AWS::SecretsManager::Secret": {
		action: "secretsmanager:DescribeSecret",
		find: func(ctx context.Context, c Clients, name string) (string, string, error) {
			out, err := c.SecretsManager.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
			if errorCode(err) == "ResourceNotFoundException" {
				return "", "", nil
			}
			if err != nil {
				return "", "", err
			}
			note := ""
			if out.DeletedDate != nil {
				note = "scheduled for deletion (" + out.DeletedDate.UTC().Format(time.DateOnly) + "), and it holds the name until Secrets Manager deletes it"
			}
			return aws.ToString(out.ARN), note, nil
		},
		cleanup: "`aws secretsmanager delete-secret --secret-id %[1]s --force-delete-without-recovery --region %[2]s`",
	},
	// CloudWatch Logs DescribeLogGroups lists by prefix; an exact match holds
	// the name (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html).
	"AWS::Logs::LogGroup": {
		action: "logs:DescribeLogGroups",
		find: func(ctx context.Context, c Clients, name string) (string, string, error) {
			p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c.Logs, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return "", "", err
				}
				for _, g := range page.LogGroups {
					if aws.ToString(g.LogGroupName) == name {
						return name, "", nil
					}
				}
			}
			return "", "", nil
		},
		cleanup: "`aws logs delete-log-group --log-group-name %[1]s --region %[2]s`",
	},
	// EKS DescribeCluster: ResourceNotFoundException
	// (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeCluster.html).
	"AWS::EKS::Cluster": {
		action: "eks:DescribeCluster",
		find: func(ctx context.Context, c Clients, name string) (string, string, error) {
			out, err := c.EKS.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
			if errorCode(err) == "ResourceNotFoundException" {
				return "", "", nil
			}
			if err != nil {
				return "", "", err
			}
			return aws.ToString(out.Cluster.Name), "", nil
		},
		cleanup: "`aws eks delete-cluster --name %[1]s --region %[2]s`",
	},
	// RDS DescribeDBInstances: DBInstanceNotFound (the DBInstanceNotFoundFault
	// shape's query error code)
	// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html).
	"AWS::RDS::DBInstance": {
		action: "rds:DescribeDBInstances",
		find: func(ctx context.Context, c Clients, id string) (string, string, error) {
			out, err := c.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
			if errorCode(err) == "DBInstanceNotFound" {
				return "", "", nil
			}
			if err != nil || len(out.DBInstances) == 0 {
				return "", "", err
			}
			return aws.ToString(out.DBInstances[0].DBInstanceIdentifier), "", nil
		},
		cleanup: "`aws rds delete-db-instance --db-instance-identifier %[1]s --final-db-snapshot-identifier %[1]s-final --region %[2]s`",
	},
	// RDS DescribeDBProxies: DBProxyNotFoundFault
	// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBProxies.html).
	"AWS::RDS::DBProxy": {
		action: "rds:DescribeDBProxies",
		find: func(ctx context.Context, c Clients, name string) (string, string, error) {
			out, err := c.RDS.DescribeDBProxies(ctx, &rds.DescribeDBProxiesInput{DBProxyName: aws.String(name)})
			if errorCode(err) == "DBProxyNotFoundFault" {
				return "", "", nil
			}
			if err != nil || len(out.DBProxies) == 0 {
				return "", "", err
			}
			return aws.ToString(out.DBProxies[0].DBProxyName), "", nil
		},
		cleanup: "`aws rds delete-db-proxy --db-proxy-name %[1]s --region %[2]s`",
	},
	// Systems Manager GetParameter: ParameterNotFound
	// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
	"AWS::SSM::Parameter": {
		action: "ssm:GetParameter",
		find: func(ctx context.Context, c Clients, name string) (string, string, error) {
			out, err := c.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
			if errorCode(err) == "ParameterNotFound" {
				return "", "", nil
			}
			if err != nil {
				return "", "", err
			}
			return aws.ToString(out.Parameter.Name), "", nil
		},
		cleanup: "`aws ssm delete-parameter --name %[1]s --region %[2]s`",
	},
}

// stackResources is one stack's DescribeStackResources answer.
type stackResources struct {
	missing   bool
	resources []cfntypes.StackResource
	err       error
}

func (c *Checker) stackResources(ctx context.Context, stack string) *stackResources {
	if c.stackByName == nil {
		c.stackByName = map[string]*stackResources{}
	}
	if r, ok := c.stackByName[stack]; ok {
		return r
	}
	r := &stackResources{}
	out, err := c.AWS.CloudFormation.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(stack)})
	switch {
	case stackMissing(err):
		r.missing = true
	case err != nil:
		r.err = err
	default:
		r.resources = out.StackResources
	}
	c.stackByName[stack] = r
	return r
}

// checkNames checks every physical name of the Plan.
func (c *Checker) checkNames(ctx context.Context) []Result {
	var out []Result
	for _, n := range c.Plan.Names {
		out = append(out, c.checkName(ctx, n))
	}
	return out
}

func (c *Checker) checkName(ctx context.Context, n Name) Result {
	check := "name " + n.Type + " " + n.Value
	lookup, ok := nameLookups[n.Type]
	if !ok {
		return fail(check, "the pre-flight has no read-only lookup for "+n.Type, "add one to nameLookups in internal/preflight/names.go")
	}
	id, note, err := lookup.find(ctx, c.AWS, n.Value)
	if err != nil {
		return c.callFailed(check, lookup.action, err)
	}
	if id == "" {
		return pass(check, "free")
	}
	sr := c.stackResources(ctx, n.Stack)
	if sr.err != nil {
		return c.callFailed(check, "cloudformation:DescribeStackResources", sr.err)
	}
	for _, r := range sr.resources {
		if !strings.EqualFold(aws.ToString(r.PhysicalResourceId), id) || strings.HasPrefix(string(r.ResourceStatus), "DELETE_") {
			continue
		}
		logical := aws.ToString(r.LogicalResourceId)
		if logical == n.LogicalID && aws.ToString(r.ResourceType) == n.Type {
			return pass(check, "held by %s's %s (%s): a redeploy", n.Stack, logical, r.ResourceStatus)
		}
		return fail(check, fmt.Sprintf("held by %s's %s, but the template creates it as %s: CloudFormation creates the new resource before it deletes the old one, and the name is taken", n.Stack, logical, n.LogicalID),
			"keep the construct id that made "+logical+" (construct ids are a contract: docs/aws.md, \"Physical names, retained resources and replacement\"), or rename the resource: create new, migrate, delete old")
	}
	where := "no stack of this environment manages it"
	if !sr.missing {
		where = n.Stack + " does not manage it"
	}
	what := fmt.Sprintf("already exists in %s/%s and %s (made by hand, by another environment, or retained by a deleted stack)", c.Env.Account, c.Env.Region, where)
	if note != "" {
		what += "; " + note
	}
	fix := fmt.Sprintf("free it: "+lookup.cleanup+" after keeping what you need, or adopt it into %s with `npx cdk import %s`", n.Value, c.Env.Region, n.Stack, n.Stack)
	if s := nameSetting(c.Env, n); s != "" {
		fix += ", or choose another " + s
	}
	return fail(check, what, fix)
}

// nameSetting is the platform setting a name comes from, "" when no setting
// names it alone.
func nameSetting(e platform.Environment, n Name) string {
	const where = " in platform/defaults.go"
	switch n.Type {
	case "AWS::ECR::Repository":
		switch n.Value {
		case e.Images.BackendRepository:
			return "Images.BackendRepository" + where
		case e.Images.FrontendRepository:
			return "Images.FrontendRepository" + where
		}
	case "AWS::SecretsManager::Secret":
		if n.Value == e.Names.DatabaseSecretName {
			return "Names.DatabaseSecretName" + where
		}
		if n.Value == e.Names.SMTPSecretName {
			return "Names.SMTPSecretName" + where
		}
		return "cache prefix (Environment.MirrorPrefix, platform/images.go)"
	case "AWS::ECR::PullThroughCacheRule":
		return "cache prefix (Environment.MirrorPrefix, platform/images.go)"
	case "AWS::EKS::Cluster":
		return "Cluster.Name" + where
	case "AWS::SES::EmailIdentity":
		return "DNS.Host (the SES identity)" + where
	case "AWS::Logs::LogGroup":
		if strings.HasPrefix(n.Value, "/aws/eks/") {
			return "Cluster.Name" + where
		}
	case "AWS::SSM::Parameter":
		if n.Value == e.Names.DatabaseProxyEndpointParameter {
			return "Names.DatabaseProxyEndpointParameter" + where
		}
	}
	return ""
}
