// Command synth writes every environment of the platform into dist/:
// CloudFormation templates and Kubernetes manifests. `go tool task synth` runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/internal/synth"
	"github.com/shopstack/shopstack/platform"
)

func main() {
	defer jsii.Close()
	out := flag.String("out", "dist", "directory to write the synthesized platform into")
	flag.Parse()
	start := time.Now()
	envs, err := platform.All()
	if err == nil {
		synth.WarnSupport(os.Stderr, envs, start)
		err = synth.Run(*out, envs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
	fmt.Printf("synthesized %d environments into %s in %s\n", len(envs), *out, time.Since(start).Round(time.Millisecond))
}
