// Command preflight runs the read-only AWS checks before a deploy
// (internal/preflight) and prints one line per check:
//
//	go run ./cmd/preflight -env prod                 # before cdk deploy
//	go run ./cmd/preflight -env prod -stage images   # before kubectl apply
//
// It exits 0 when every check passes, 1 when one fails, 2 on a usage error.
// Credentials come from the AWS SDK's default chain (environment, shared
// config and SSO profiles, instance or container roles); the region is
// Environment.Region.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/internal/preflight"
	"github.com/shopstack/shopstack/platform"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("preflight", flag.ContinueOnError)
	fs.SetOutput(stderr)
	envName := fs.String("env", "", "environment: "+fmt.Sprint(platform.EnvironmentNames()))
	stage := fs.String("stage", preflight.StageInfra, "infra (before cdk deploy) or images (before kubectl apply)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: preflight -env <env> [-stage infra|images]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "preflight: unexpected arguments %q\n", fs.Args())
	case !slices.Contains(platform.EnvironmentNames(), *envName):
		fmt.Fprintf(stderr, "preflight: -env %q: want one of %v\n", *envName, platform.EnvironmentNames())
	case *stage != preflight.StageInfra && *stage != preflight.StageImages:
		fmt.Fprintf(stderr, "preflight: -stage %q: want %q or %q\n", *stage, preflight.StageInfra, preflight.StageImages)
	default:
		return check(ctx, *envName, *stage, stdout, stderr)
	}
	fs.Usage()
	return 2
}

func check(ctx context.Context, envName, stage string, stdout, stderr io.Writer) int {
	env, err := platform.For(envName)
	if err != nil {
		preflight.Print(stdout, []preflight.Result{{Check: "platform", Detail: err.Error(), Fix: "the field named above, in platform/defaults.go"}})
		return 1
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(env.Region))
	if err != nil {
		preflight.Print(stdout, []preflight.Result{{Check: "aws config", Detail: err.Error(), Fix: "the shared AWS config (AWS_PROFILE, ~/.aws/config)"}})
		return 1
	}
	c := &preflight.Checker{Env: env, AWS: preflight.NewClients(cfg), Now: time.Now}
	if stage == preflight.StageInfra {
		fmt.Fprintf(stderr, "preflight: synthesizing the %s stacks...\n", env.Name)
		c.Plan, err = preflight.Synthesize(env)
		jsii.Close()
		if err != nil {
			preflight.Print(stdout, []preflight.Result{{Check: "synth", Detail: err.Error(), Fix: "`go tool task synth` shows the error"}})
			return 1
		}
	}
	results, err := c.Run(ctx, stage)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if preflight.Print(stdout, results) > 0 {
		return 1
	}
	return 0
}
