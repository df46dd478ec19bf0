// Package preflight settles, with read-only AWS calls, what only a real
// account can answer before anything is deployed (docs/aws.md, "Read-only
// checks before a real deploy"): the engine versions and instance class are
// offered, the physical names the stacks create are free (or already this
// environment's), the hosted zone is the configured one, the caller can act
// as a cluster administrator, the account is bootstrapped for the CDK and,
// before the Kubernetes step, the images are pushed.
//
// Every check answers one line: "ok   <check>: <detail>" or
// "FAIL <check>: <what is wrong> -> fix: <platform field or command>".
// The AWS clients are aws-sdk-go-v2's; the tests point them at a local fake
// of the same wire protocols.
package preflight

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/shopstack/shopstack/platform"
)

// Stages: infra runs before `cdk deploy`, images before `kubectl apply`.
const (
	StageInfra  = "infra"
	StageImages = "images"
)

// Result is the outcome of one check.
type Result struct {
	Check string
	OK    bool
	// Detail is what was found (OK) or what is wrong (not OK).
	Detail string
	// Fix names the platform field to change or the command to run; only
	// when not OK.
	Fix string
}

func (r Result) String() string {
	if r.OK {
		return "ok   " + r.Check + ": " + r.Detail
	}
	return "FAIL " + r.Check + ": " + r.Detail + " -> fix: " + r.Fix
}

func pass(check, format string, args ...any) Result {
	return Result{Check: check, OK: true, Detail: fmt.Sprintf(format, args...)}
}

func fail(check, what, fix string) Result {
	return Result{Check: check, Detail: what, Fix: fix}
}

// Print writes one line per result and the summary line to w, and returns
// how many failed.
func Print(w io.Writer, results []Result) (failed int) {
	for _, r := range results {
		fmt.Fprintln(w, r)
		if !r.OK {
			failed++
		}
	}
	fmt.Fprintf(w, "preflight: %d passed, %d failed\n", len(results)-failed, failed)
	return failed
}

// Clients are the AWS API clients the checks call, all read-only except
// sts:AssumeRole (see checkAdminRole).
type Clients struct {
	CloudFormation *cloudformation.Client
	ECR            *ecr.Client
	EKS            *eks.Client
	Logs           *cloudwatchlogs.Client
	RDS            *rds.Client
	Route53        *route53.Client
	SecretsManager *secretsmanager.Client
	SES            *sesv2.Client
	SSM            *ssm.Client
	STS            *sts.Client
}

// NewClients makes every client from one configuration (the default
// credential chain in cmd/preflight; static credentials and a local
// BaseEndpoint in the tests).
func NewClients(cfg aws.Config) Clients {
	return Clients{
		CloudFormation: cloudformation.NewFromConfig(cfg),
		ECR:            ecr.NewFromConfig(cfg),
		EKS:            eks.NewFromConfig(cfg),
		Logs:           cloudwatchlogs.NewFromConfig(cfg),
		RDS:            rds.NewFromConfig(cfg),
		Route53:        route53.NewFromConfig(cfg),
		SecretsManager: secretsmanager.NewFromConfig(cfg),
		SES:            sesv2.NewFromConfig(cfg),
		SSM:            ssm.NewFromConfig(cfg),
		STS:            sts.NewFromConfig(cfg),
	}
}

// Checker runs the checks of one environment.
type Checker struct {
	Env platform.Environment
	// Plan is what the stacks create (Synthesize); the infra stage needs it.
	Plan Plan
	AWS  Clients
	// Now is the clock for support dates.
	Now func() time.Time

	caller      *sts.GetCallerIdentityOutput
	callerErr   error
	rdsVersion  string // the engine version RDS would create, once known
	stackByName map[string]*stackResources
}

// Infra runs the checks before `cdk deploy`.
func (c *Checker) Infra(ctx context.Context) []Result {
	out := []Result{
		c.checkAccount(ctx),
		c.checkAdminRole(ctx),
		c.checkBootstrap(ctx),
		c.checkHostedZone(ctx),
	}
	out = append(out, c.checkCalendar()...)
	out = append(out, c.checkKubernetesVersion(ctx))
	out = append(out, c.checkAddons(ctx)...)
	out = append(out, c.checkEngineVersion(ctx), c.checkInstanceClass(ctx))
	out = append(out, c.checkNames(ctx)...)
	out = append(out, c.checkSESAccount(ctx))
	return out
}

// Images runs the checks before `kubectl apply`: the images the manifests
// name exist.
func (c *Checker) Images(ctx context.Context) []Result {
	out := []Result{c.checkAccount(ctx)}
	return append(out, c.checkImages(ctx)...)
}

// Run runs one stage.
func (c *Checker) Run(ctx context.Context, stage string) ([]Result, error) {
	switch stage {
	case StageInfra:
		return c.Infra(ctx), nil
	case StageImages:
		return c.Images(ctx), nil
	}
	return nil, fmt.Errorf("preflight: unknown stage %q: want %q or %q", stage, StageInfra, StageImages)
}

func (c *Checker) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// apiError renders an AWS error as "<Code>: <Message>" when the service sent
// one, else as it is (no credentials, no network).
func apiError(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

// errorCode is the service's error code, "" when there is none.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// callFailed is the result of an AWS call that failed for a reason the check
// cannot interpret (credentials, permissions, network).
func (c *Checker) callFailed(check, action string, err error) Result {
	return fail(check, action+" failed: "+apiError(err),
		fmt.Sprintf("AWS credentials for account %s (Environment.Account) allowed to call %s in %s (Environment.Region); `aws sts get-caller-identity` shows who you are", c.Env.Account, action, c.Env.Region))
}
