// Command cdk is the AWS CDK app of shopstack, the entry point of the cdk CLI
// (cdk.json: `go run ./cdk`). It defines the stacks of every environment;
// pick one with `npx cdk deploy 'shopstack-prod-*'`.
package main

import (
	"fmt"
	"os"

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
	for _, env := range envs {
		infra.Build(app, env)
	}
	app.Synth(nil)
}
