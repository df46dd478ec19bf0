package infra

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack"
)

// NewApp returns the CDK app every entry point uses (the cdk CLI through
// cdk/main.go and `task synth` through internal/synth), so both produce the
// same templates.
//
// Its context is cdk.json's "context", compiled in (shopstack.CDKContext):
// the AWS CDK feature flags and everything else the cdk CLI passes to the
// app from cdk.json, so an in-process synthesis behaves exactly like
// `npx cdk synth` (under the CLI, the CLI's copy of the same values wins, as
// do `--context` overrides). The flags are those a new project of the pinned
// aws-cdk-lib gets; TestFeatureFlags holds them there (LegacyFeatureFlags).
//
// Version reporting is off: it would add a CDKMetadata resource that changes
// with the CDK version, not with the platform. Path metadata (each
// resource's construct path) is on, as the cdk CLI sets it, so that dist/ and
// `npx cdk synth` agree and a reviewer sees which construct a logical id
// belongs to.
func NewApp(outdir string) awscdk.App {
	context := shopstack.CDKContext()
	context["aws:cdk:enable-path-metadata"] = true
	props := &awscdk.AppProps{
		AnalyticsReporting: jsii.Bool(false),
		Context:            &context,
	}
	if outdir != "" {
		props.Outdir = jsii.String(outdir)
	}
	return awscdk.NewApp(props)
}
