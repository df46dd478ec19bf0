package infra

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// NewApp returns the CDK app every entry point uses (the cdk CLI through
// cdk/main.go and `task synth` through internal/synth), so both produce the
// same templates. Version reporting is off: it would add a CDKMetadata
// resource that changes with the CDK version, not with the platform. Path
// metadata (each resource's construct path) is on, as the cdk CLI sets it,
// so that dist/ and `npx cdk synth` agree and a reviewer sees which
// construct a logical id belongs to.
func NewApp(outdir string) awscdk.App {
	props := &awscdk.AppProps{
		AnalyticsReporting: jsii.Bool(false),
		Context: &map[string]interface{}{
			"aws:cdk:enable-path-metadata": true,
		},
	}
	if outdir != "" {
		props.Outdir = jsii.String(outdir)
	}
	return awscdk.NewApp(props)
}
