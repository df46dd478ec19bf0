package preflight

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// ToolkitStack is the CDK bootstrap stack's name: "a AWS CloudFormation
// stack, called the bootstrap stack, ... usually named CDKToolkit" (AWS CDK
// v2 Developer Guide, "Bootstrapping",
// https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping.html). cdk.json sets
// no toolkitStackName, so it is this one.
const ToolkitStack = "CDKToolkit"

// stackMissing reports the error CloudFormation answers for a stack name it
// does not know: ValidationError "Stack with id <name> does not exist"
// (DescribeStacks, DescribeStackResources; "Deleted stacks: You must specify
// the unique stack ID", so a deleted stack's name is unknown too,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html).
func stackMissing(err error) bool {
	return errorCode(err) == "ValidationError" && strings.Contains(apiError(err), "does not exist")
}

// checkBootstrap: the CDKToolkit stack exists and is usable, and the version
// it published in SSM (the parameter the templates' CheckBootstrapVersion
// rule reads) is at least what the rule requires.
func (c *Checker) checkBootstrap(ctx context.Context) Result {
	const check = "cdk bootstrap"
	bootstrap := fmt.Sprintf("`npx cdk bootstrap aws://%s/%s`", c.Env.Account, c.Env.Region)
	out, err := c.AWS.CloudFormation.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(ToolkitStack)})
	if stackMissing(err) {
		return fail(check, fmt.Sprintf("no %s stack in %s/%s: the account is not bootstrapped for the CDK", ToolkitStack, c.Env.Account, c.Env.Region), bootstrap)
	}
	if err != nil {
		return c.callFailed(check, "cloudformation:DescribeStacks", err)
	}
	if len(out.Stacks) != 1 {
		return fail(check, fmt.Sprintf("DescribeStacks %s answered %d stacks", ToolkitStack, len(out.Stacks)), bootstrap)
	}
	status := string(out.Stacks[0].StackStatus)
	if !usableStackStatus(status) {
		return fail(check, fmt.Sprintf("the %s stack is %s", ToolkitStack, status),
			"wait for the running operation, or inspect it (`aws cloudformation describe-stack-events --stack-name "+ToolkitStack+"`) and run "+bootstrap+" again")
	}
	b := c.Plan.Bootstrap
	if b.Parameter == "" {
		return pass(check, "%s is %s; the templates require no bootstrap version", ToolkitStack, status)
	}
	p, err := c.AWS.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(b.Parameter)})
	if errorCode(err) == "ParameterNotFound" {
		return fail(check, fmt.Sprintf("%s is %s but has no SSM parameter %s (another qualifier, or a legacy bootstrap)", ToolkitStack, status, b.Parameter), bootstrap)
	}
	if err != nil {
		return c.callFailed(check, "ssm:GetParameter", err)
	}
	v, err := strconv.Atoi(aws.ToString(p.Parameter.Value))
	if err != nil {
		return fail(check, fmt.Sprintf("%s = %q is not a version number", b.Parameter, aws.ToString(p.Parameter.Value)), bootstrap)
	}
	if v < b.MinVersion {
		return fail(check, fmt.Sprintf("bootstrap version %d (%s), the templates require %d or later", v, b.Parameter, b.MinVersion), bootstrap+" (upgrades the bootstrap stack in place)")
	}
	return pass(check, "%s is %s, bootstrap version %d (the templates require %d)", ToolkitStack, status, v, b.MinVersion)
}

// usableStackStatus: a stack CloudFormation finished with and that holds its
// resources. ROLLBACK_COMPLETE is a failed create (it must be deleted), the
// *_IN_PROGRESS and *_FAILED ones are busy or broken (StackStatus values,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html).
func usableStackStatus(s string) bool {
	switch s {
	case "CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE":
		return true
	}
	return false
}
