// Command images builds the storefront's backend and frontend images and
// pushes them to an environment's ECR repositories, tagged with platform
// Images.Tag (internal/images says how and why):
//
//	go run ./cmd/images -env dev            # build and push
//	go run ./cmd/images -env prod -dry-run  # print what it would run
//
// Exit status: 0 done, 1 failed, 2 usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/shopstack/shopstack/internal/images"
	"github.com/shopstack/shopstack/platform"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("images", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("env", "", fmt.Sprintf("environment to build for and push to, one of %v (required)", platform.EnvironmentNames()))
	dryRun := fs.Bool("dry-run", false, "print the architectures, image references and every docker command line; build, log in to and push nothing (ECR is read if AWS credentials are at hand)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./cmd/images -env <env> [-dry-run]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *name == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if !slices.Contains(platform.EnvironmentNames(), *name) {
		fmt.Fprintf(stderr, "images: unknown environment %q\n", *name)
		fs.Usage()
		return 2
	}
	env, err := platform.For(*name)
	if err != nil {
		fmt.Fprintln(stderr, "images:", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r := &images.Runner{Out: stdout, Err: stderr}
	if err := r.Run(ctx, env, *dryRun); err != nil {
		fmt.Fprintln(stderr, "images:", err)
		return 1
	}
	return 0
}
