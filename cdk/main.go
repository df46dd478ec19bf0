// Command cdk is the AWS CDK app of shopstack, the entry point of the cdk CLI
// (cdk.json: `go run ./cdk`). It defines the stacks of every environment;
// pick one with `npx cdk deploy 'shopstack-prod-*'`.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/platform"
)

func main() {
	defer jsii.Close()
	envs, err := platform.All()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	app := infra.NewApp("") // the CLI passes the output directory in CDK_OUTDIR
	now := time.Now()
	for _, env := range envs {
		stacks := infra.Build(app, env)
		// The cdk CLI prints annotations; a support-date warning belongs to
		// the stack whose engine it names.
		for _, w := range env.SupportWarnings(now) {
			st := stacks.Cluster
			if w.Field == "Database.EngineVersion" {
				st = stacks.Database
			}
			awscdk.Annotations_Of(st).AddWarningV2(jsii.String("shopstack:support-"+w.Field), jsii.String(w.String()))
		}
	}
	app.Synth(nil)
}
