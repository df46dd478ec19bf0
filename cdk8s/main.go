// Command cdk8s is the cdk8s app of shopstack, the entry point of the cdk8s
// CLI (cdk8s.yaml: `go run ./cdk8s`). It writes every environment's
// manifests into <outdir>/<env>/, where outdir is CDK8S_OUTDIR (set by the
// CLI) or cdk8s.out.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/internal/synth"
	"github.com/shopstack/shopstack/platform"
)

func main() {
	defer jsii.Close()
	outdir := os.Getenv("CDK8S_OUTDIR")
	if outdir == "" {
		outdir = "cdk8s.out"
	}
	envs, err := platform.All()
	if err == nil {
		for _, env := range envs {
			if err = synth.Kubernetes(filepath.Join(outdir, env.Name), env); err != nil {
				break
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
