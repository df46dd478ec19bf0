package preflight

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// identity calls sts:GetCallerIdentity once. It needs no permission: "No
// permissions are required to perform this operation"
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
func (c *Checker) identity(ctx context.Context) (*sts.GetCallerIdentityOutput, error) {
	if c.caller == nil && c.callerErr == nil {
		c.caller, c.callerErr = c.AWS.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	}
	return c.caller, c.callerErr
}

// checkAccount: the credentials are for Environment.Account. Every other
// answer is about whichever account the credentials belong to.
func (c *Checker) checkAccount(ctx context.Context) Result {
	const check = "account"
	id, err := c.identity(ctx)
	if err != nil {
		return fail(check, "sts:GetCallerIdentity failed: "+apiError(err),
			"AWS credentials through the default chain (AWS_PROFILE, `aws configure`, `aws sso login`)")
	}
	if got := aws.ToString(id.Account); got != c.Env.Account {
		return fail(check, fmt.Sprintf("the credentials are for account %s (%s), Environment.Account is %s", got, aws.ToString(id.Arn), c.Env.Account),
			"Environment.Account in platform/defaults.go, or credentials (AWS_PROFILE) for account "+c.Env.Account)
	}
	return pass(check, "%s in %s as %s", c.Env.Account, c.Env.Region, aws.ToString(id.Arn))
}

// checkAdminRole: the deployer can act as one of Cluster.AdminRoleARNs, the
// only principals with access to the cluster (no creator admin), so that
// `kubectl` works after `cdk deploy`.
//
// Either the caller already is one of them as an assumed-role session
// (GetCallerIdentity's Arn "arn:aws:sts::<account>:assumed-role/<role
// name>/<session>", which carries the role's name but not its path; a role
// name is unique in its account whatever the path), or it
// can assume one. The second is settled with a real sts:AssumeRole of the
// shortest session (DurationSeconds 900, "The value specified can range from
// 900 seconds (15 minutes)",
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html),
// whose credentials are dropped: nothing outlives the call but its
// CloudTrail record. The IAM policy simulator cannot answer the same
// question: SimulatePrincipalPolicy takes the policies of a user, group or
// role ARN (not of the caller's session), its CallerArn accepts "only the
// ARN of an IAM user", and the one resource-based policy it can include
// (here it would be the admin role's trust policy) is evaluated "for IAM
// users only"
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html,
// https://docs.aws.amazon.com/sdkfornet/v4/apidocs/items/IAM/TSimulatePrincipalPolicyRequest.html).
// For a deployer who is itself an assumed role, the trust policy is what
// decides. AssumeRole is also exactly the call kubectl's credentials will
// make (`aws eks update-kubeconfig --role-arn`).
func (c *Checker) checkAdminRole(ctx context.Context) Result {
	const check = "admin role"
	admins := c.Env.Cluster.AdminRoleARNs
	fix := fmt.Sprintf("run as one of Cluster.AdminRoleARNs (e.g. `aws sts assume-role --role-arn %s`, or a profile with role_arn), or add your role to Cluster.AdminRoleARNs in platform/defaults.go", first(admins))
	id, err := c.identity(ctx)
	if err != nil {
		return fail(check, "sts:GetCallerIdentity failed: "+apiError(err), fix)
	}
	caller := aws.ToString(id.Arn)
	if account, role, ok := assumedRole(caller); ok {
		for _, a := range admins {
			if aAccount, aName, ok := roleName(a); ok && aAccount == account && aName == role {
				return pass(check, "the caller %s is the admin role %s", caller, a)
			}
		}
	}
	var refused []string
	for _, a := range admins {
		_, err := c.AWS.STS.AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn:         aws.String(a),
			RoleSessionName: aws.String("shopstack-preflight"),
			DurationSeconds: aws.Int32(900),
		})
		if err == nil {
			return pass(check, "the caller %s may assume the admin role %s: run kubectl as it (`aws eks update-kubeconfig --name %s --role-arn %s`)", caller, a, c.Env.Cluster.Name, a)
		}
		refused = append(refused, a+" ("+apiError(err)+")")
	}
	return fail(check, fmt.Sprintf("the caller %s is none of Cluster.AdminRoleARNs and may assume none of them: %s", caller, strings.Join(refused, "; ")), fix)
}

// assumedRole splits "arn:<partition>:sts::<account>:assumed-role/<role>/<session>".
func assumedRole(arn string) (account, role string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "sts" {
		return "", "", false
	}
	res := strings.Split(parts[5], "/")
	if len(res) != 3 || res[0] != "assumed-role" {
		return "", "", false
	}
	return parts[4], res[1], true
}

// roleName splits "arn:<partition>:iam::<account>:role/<path/><name>".
func roleName(arn string) (account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return "", "", false
	}
	res := strings.Split(parts[5], "/")
	return parts[4], res[len(res)-1], true
}

func first(s []string) string {
	if len(s) == 0 {
		return "<role ARN>"
	}
	return s[0]
}
