// Package images builds the storefront's two container images and pushes
// them to an environment's ECR repositories (`go tool task images ENV=...`,
// cmd/images). It is the step of the deploy path between the registry
// stack and the rest: the repositories must exist, and the manifests in
// dist/<env>/k8s pull exactly env.BackendImage() and env.FrontendImage().
//
// What it does, in order, stopping at the first problem:
//
//  1. Plan: the architectures to build for, read from dist/ (arch.go), and
//     SOURCE_DATE_EPOCH, the commit time of the newest commit touching the
//     image's inputs (below).
//  2. Docker: on PATH, an engine answering, buildx present (docker.go).
//  3. AWS: credentials, then ECR GetAuthorizationToken -> docker login.
//  4. ECR: is the tag there? (DescribeImages; ecr.go)
//  5. A tag that is there: build without pushing, and compare the image
//     config digests per platform with ECR's. Equal: nothing to do. Not
//     equal: fail, naming platform Images.Tag, because the repositories'
//     tags are immutable (cdk/infra/edge.go) and the tag can never point at
//     this build. Nothing is pushed while any image fails this check.
//  6. A tag that is not there: build and push in one buildx command.
//
// With -dry-run it does step 1, prints every docker command line of steps
// 2-6, and does step 4 if AWS credentials are at hand (read-only).
package images

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/shopstack/shopstack/platform"
)

// Image is one of the storefront's images: what it is built from and where
// it goes.
type Image struct {
	// Name is "backend" or "frontend".
	Name string
	// Dockerfile and Context are paths from the repository root, as each
	// Dockerfile's header documents them: server/Dockerfile "Build from the
	// repository root (the Go module root)"; client/Dockerfile "Build
	// context: client/."
	Dockerfile string
	Context    string
	// Inputs are the paths the image is built from. The commit time of the
	// newest commit touching them is the image's SOURCE_DATE_EPOCH, so a
	// commit elsewhere (docs, cdk/) does not change the image.
	Inputs []string
	// Repository is the ECR repository name; Ref the full reference pushed.
	Repository string
	Ref        string
}

// Storefront returns the environment's images, backend first.
func Storefront(env platform.Environment) []Image {
	return []Image{
		{
			Name: "backend", Dockerfile: "server/Dockerfile", Context: ".",
			Inputs:     []string{"go.mod", "go.sum", "server"},
			Repository: env.Images.BackendRepository, Ref: env.BackendImage(),
		},
		{
			Name: "frontend", Dockerfile: "client/Dockerfile", Context: "client",
			Inputs:     []string{"client"},
			Repository: env.Images.FrontendRepository, Ref: env.FrontendImage(),
		},
	}
}

// Build is an image with everything decided: architectures and epoch.
type Build struct {
	Image
	Env           string
	Architectures Architectures
	// Epoch is SOURCE_DATE_EPOCH. BuildKit uses it for the "created"
	// timestamps of the image config and its history, and with the image
	// exporter's rewrite-timestamp=true for the timestamps of the files in
	// the layers (BuildKit docs, build-repro.md, "SOURCE_DATE_EPOCH";
	// Docker docs, "Image and registry exporters":
	// https://docs.docker.com/build/exporters/image-registry/). Without it
	// two builds of the same sources differ in their config digest, and
	// the "same content already in ECR" check could never succeed.
	Epoch int64
	// Dirty lists uncommitted changes under Inputs (git status --porcelain).
	Dirty []string
}

// metadataDir holds buildx's --metadata-file outputs, relative to the
// repository root (.cache/ is git-ignored).
const metadataDir = ".cache/images"

// PushMetadata is the metadata file of the build that pushes.
func (b Build) PushMetadata() string {
	return metadataDir + "/" + b.Env + "-" + b.Name + ".json"
}

// CheckMetadata is the metadata file of the check build for one platform.
func (b Build) CheckMetadata(platform string) string {
	return metadataDir + "/" + b.Env + "-" + b.Name + "-" + strings.ReplaceAll(platform, "/", "-") + ".json"
}

// PushArgs is the docker command (without "docker") that builds the image
// for all its platforms and pushes it: with more than one platform buildx
// pushes a multi-platform index ("With multiple values the result will be
// built for all of the specified platforms and joined together into a
// single manifest list", buildx build reference, --platform). The image
// exporter with push=true is what --push is shorthand for
// (https://docs.docker.com/reference/cli/docker/buildx/build/, --output,
// "registry: The registry exporter is a shortcut for type=image,push=true").
func (b Build) PushArgs() []string {
	return b.args(b.Architectures.Platforms(), nil, b.PushMetadata(), "type=image,name="+b.Ref+",push=true,rewrite-timestamp=true")
}

// CheckArgs is the docker command that builds the image for one platform
// without pushing it, only to learn its config digest: buildx writes it to
// the metadata file as "containerimage.config.digest" (buildx build
// reference, --metadata-file). BuildKit's image exporter reports it only
// for a lone image manifest: a build for several platforms, or one that
// carries attestations, exports an index instead, and the index has no
// config (moby/buildkit exporter/containerimage/writer.go: the
// "config.digest" annotation is set on the single-manifest path only;
// attestations turn the result into an index). Hence one build per
// platform, and --provenance=false, because "by default, a minimal
// provenance attestation will be created for the build result" (buildx
// build reference, --provenance). The provenance does not touch the image
// config, so the pushed image (which keeps it) has the same config digest.
func (b Build) CheckArgs(platform string) []string {
	return b.args([]string{platform}, []string{"--provenance=false"}, b.CheckMetadata(platform), "type=image,push=false,rewrite-timestamp=true")
}

func (b Build) args(platforms, extra []string, metadata, output string) []string {
	args := []string{
		"buildx", "build",
		"--file", b.Dockerfile,
		"--platform", strings.Join(platforms, ","),
	}
	args = append(args, extra...)
	return append(args,
		"--build-arg", "SOURCE_DATE_EPOCH="+strconv.FormatInt(b.Epoch, 10),
		"--metadata-file", metadata,
		"--output", output,
		b.Context,
	)
}

// SourcesFunc dates an image's inputs: the commit time of the newest commit
// touching paths, and the uncommitted changes under them.
type SourcesFunc func(ctx context.Context, root string, paths []string) (epoch int64, dirty []string, err error)

// GitSources asks git.
func GitSources(ctx context.Context, root string, paths []string) (int64, []string, error) {
	out, err := exec.CommandContext(ctx, "git", append([]string{"-C", root, "log", "-1", "--format=%ct", "--"}, paths...)...).Output()
	if err != nil {
		return 0, nil, fmt.Errorf("git log %v: %w", paths, err)
	}
	s := strings.TrimSpace(string(out))
	if s == "" {
		return 0, nil, fmt.Errorf("git log %v: no commit touches these paths", paths)
	}
	epoch, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("git log %v: %q is not a time", paths, s)
	}
	out, err = exec.CommandContext(ctx, "git", append([]string{"-C", root, "status", "--porcelain", "--"}, paths...)...).Output()
	if err != nil {
		return 0, nil, fmt.Errorf("git status %v: %w", paths, err)
	}
	var dirty []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			dirty = append(dirty, l)
		}
	}
	return epoch, dirty, nil
}

// AWSFunc loads the AWS configuration for a region.
type AWSFunc func(ctx context.Context, region string) (aws.Config, error)

// LoadAWS is the SDK's default chain (environment, shared config and
// credentials files, SSO, web identity, container and instance roles), with
// the environment's region.
func LoadAWS(ctx context.Context, region string) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx, config.WithRegion(region))
}

// Runner runs the command. Zero fields take the defaults noted.
type Runner struct {
	// Root is the repository root. Default: the working directory.
	Root string
	// Out receives the plan, the commands and docker's standard output;
	// Err docker's standard error. Default: os.Stdout, os.Stderr.
	Out, Err io.Writer
	// Sources dates the inputs. Default: GitSources.
	Sources SourcesFunc
	// AWS loads the AWS configuration. Default: LoadAWS.
	AWS AWSFunc
	// CredentialsTimeout bounds the wait for credentials (the default
	// chain ends with the instance metadata service, which a laptop does
	// not answer). Default: 15s.
	CredentialsTimeout time.Duration
}

func (r *Runner) defaults() {
	if r.Root == "" {
		r.Root = "."
	}
	if r.Out == nil {
		r.Out = os.Stdout
	}
	if r.Err == nil {
		r.Err = os.Stderr
	}
	if r.Sources == nil {
		r.Sources = GitSources
	}
	if r.AWS == nil {
		r.AWS = LoadAWS
	}
	if r.CredentialsTimeout == 0 {
		r.CredentialsTimeout = 15 * time.Second
	}
}

// Plan decides what to build: architectures from dist/, epochs from git.
func (r *Runner) Plan(ctx context.Context, env platform.Environment) ([]Build, error) {
	r.defaults()
	cluster, err := ReadCluster(filepath.Join(r.Root, "dist"), env)
	if err != nil {
		return nil, err
	}
	var builds []Build
	for _, img := range Storefront(env) {
		archs, err := cluster.ArchitecturesFor(img.Ref)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", img.Name, err)
		}
		epoch, dirty, err := r.Sources(ctx, r.Root, img.Inputs)
		if err != nil {
			return nil, fmt.Errorf("%s: dating the sources: %w", img.Name, err)
		}
		builds = append(builds, Build{Image: img, Env: env.Name, Architectures: archs, Epoch: epoch, Dirty: dirty})
	}
	return builds, nil
}

// Run builds and pushes the environment's images, or with dryRun prints
// what it would do.
func (r *Runner) Run(ctx context.Context, env platform.Environment, dryRun bool) error {
	r.defaults()
	builds, err := r.Plan(ctx, env)
	if err != nil {
		return err
	}
	r.printPlan(env, builds)
	if dryRun {
		return r.dryRun(ctx, env, builds)
	}

	d, err := findDocker(r.Root, r.Out, r.Err)
	if err != nil {
		return err
	}
	if err := d.preflight(ctx); err != nil {
		return err
	}
	// buildx writes --metadata-file but does not create its directory
	// ("The directory of the specified file must already exist").
	if err := os.MkdirAll(filepath.Join(r.Root, metadataDir), 0o755); err != nil {
		return err
	}

	cfg, err := r.credentials(ctx, env.Region)
	if err != nil {
		return fmt.Errorf("no AWS credentials to reach ECR in account %s, region %s: %v: configure credentials (AWS_PROFILE, aws sso login, or environment variables) for that account, then run again", env.Account, env.Region, err)
	}
	reg := newRegistry(cfg, env)
	user, password, expires, err := reg.loginPassword(ctx)
	if err != nil {
		return err
	}
	if err := d.login(ctx, env.Registry(), user, password); err != nil {
		return err
	}
	fmt.Fprintf(r.Out, "  logged in to %s (token valid until %s)\n", env.Registry(), expires.UTC().Format(time.RFC3339))

	states := make([]tagState, len(builds))
	for i, b := range builds {
		states[i], err = reg.tag(ctx, b.Repository, env.Images.Tag)
		if err != nil {
			return fmt.Errorf("%s: %w", b.Name, err)
		}
		fmt.Fprintf(r.Out, "%s: ECR %s:%s: %s\n", b.Name, b.Repository, env.Images.Tag, states[i])
	}

	// Tags already there: same content or stop, before anything is pushed.
	var mismatches []error
	for i, b := range builds {
		if !states[i].exists {
			continue
		}
		built := map[string]string{}
		for _, p := range b.Architectures.Platforms() {
			fmt.Fprintf(r.Out, "%s: the tag exists; building %s without pushing to compare\n", b.Name, p)
			// A metadata file left by an earlier run must not pass for this build's.
			_ = os.Remove(filepath.Join(r.Root, b.CheckMetadata(p)))
			if err := r.build(ctx, d, b.CheckArgs(p)); err != nil {
				return fmt.Errorf("%s: %w", b.Name, err)
			}
			digest, err := readMetadata(filepath.Join(r.Root, b.CheckMetadata(p)), "containerimage.config.digest")
			if err != nil {
				return fmt.Errorf("%s: %w", b.Name, err)
			}
			built[p] = digest
		}
		inECR, err := reg.configDigests(ctx, b.Repository, env.Images.Tag)
		if err != nil {
			return fmt.Errorf("%s: %w", b.Name, err)
		}
		if sameContent(built, inECR) {
			fmt.Fprintf(r.Out, "%s: %s is already in ECR with the same content (config %s): skipped\n", b.Name, b.Ref, describeDigests(built))
			continue
		}
		mismatches = append(mismatches, tagTaken(env, b, inECR, built))
	}
	if len(mismatches) > 0 {
		return errors.Join(mismatches...)
	}

	for i, b := range builds {
		if states[i].exists {
			continue
		}
		fmt.Fprintf(r.Out, "%s: building %s for %s and pushing\n", b.Name, b.Ref, strings.Join(b.Architectures.Platforms(), ","))
		_ = os.Remove(filepath.Join(r.Root, b.PushMetadata()))
		if err := r.build(ctx, d, b.PushArgs()); err != nil {
			return fmt.Errorf("%s: %w", b.Name, err)
		}
		digest, _ := readMetadata(filepath.Join(r.Root, b.PushMetadata()), "containerimage.digest")
		fmt.Fprintf(r.Out, "%s: pushed %s %s\n", b.Name, b.Ref, digest)
	}
	return nil
}

// build runs one buildx command; a push refused because the tag appeared
// meanwhile gets the same advice as the check.
func (r *Runner) build(ctx context.Context, d *dockerCLI, args []string) error {
	fmt.Fprintf(r.Out, "$ %s\n", shellJoin(append([]string{"docker"}, args...)))
	stderr, err := d.stream(ctx, args...)
	if err == nil {
		return nil
	}
	msg := firstLine(lastLines(stderr), err)
	// ECR User Guide, "Preventing image tags from being overwritten": with
	// tag immutability "the ImageTagAlreadyExistsException error is
	// returned if you push an image with a tag that is already in the
	// repository"; Docker reports it as "tag invalid: The image tag '...'
	// already exists in the '...' repository and cannot be overwritten
	// because the repository is immutable" (aws/containers-roadmap#862).
	if strings.Contains(stderr, "ImageTagAlreadyExists") || strings.Contains(stderr, "cannot be overwritten because the repository is immutable") {
		return fmt.Errorf("docker buildx build: the tag already exists in ECR and its repository is immutable (%s): change platform Images.Tag (platform/defaults.go) and run again", msg)
	}
	return fmt.Errorf("docker buildx build failed: %s", msg)
}

// tagTaken is the error for a tag that ECR holds with other content.
func tagTaken(env platform.Environment, b Build, inECR, built map[string]string) error {
	return fmt.Errorf("%s: %s already exists in ECR with different content (ECR config %s; this build %s). "+
		"The repository's tags are immutable, so this tag can never point at this build: "+
		"change platform Images.Tag (platform/defaults.go, now %q) for environment %s, run `go tool task synth`, and run again. "+
		"The content differs when the sources under %s, a base image or a file the Dockerfile downloads changed since the push",
		b.Name, b.Ref, describeDigests(inECR), describeDigests(built), env.Images.Tag, env.Name, strings.Join(b.Inputs, ", "))
}

// credentials loads the AWS configuration and makes sure it yields
// credentials.
func (r *Runner) credentials(ctx context.Context, region string) (aws.Config, error) {
	cfg, err := r.AWS(ctx, region)
	if err != nil {
		return aws.Config{}, err
	}
	if cfg.Credentials == nil {
		return aws.Config{}, errors.New("no credential provider")
	}
	cctx, cancel := context.WithTimeout(ctx, r.CredentialsTimeout)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(cctx); err != nil {
		return aws.Config{}, err
	}
	return cfg, nil
}

func (r *Runner) printPlan(env platform.Environment, builds []Build) {
	fmt.Fprintf(r.Out, "images for %s: registry %s, tag %s (platform Images.Tag)\n", env.Name, env.Registry(), env.Images.Tag)
	for _, b := range builds {
		fmt.Fprintf(r.Out, "%s: %s\n", b.Name, b.Ref)
		fmt.Fprintf(r.Out, "  from %s, context %s\n", b.Dockerfile, b.Context)
		fmt.Fprintf(r.Out, "  for %s, the architectures its pods can be scheduled on:\n", strings.Join(b.Architectures.Platforms(), ", "))
		for _, why := range b.Architectures.Reasons {
			fmt.Fprintf(r.Out, "    %s\n", why)
		}
		fmt.Fprintf(r.Out, "  SOURCE_DATE_EPOCH=%d: the newest commit touching %s\n", b.Epoch, strings.Join(b.Inputs, ", "))
		if len(b.Dirty) > 0 {
			fmt.Fprintf(r.Out, "  warning: uncommitted changes under %s (%s): the image will match no commit\n", strings.Join(b.Inputs, ", "), strings.Join(b.Dirty, "; "))
		}
	}
}

func (r *Runner) dryRun(ctx context.Context, env platform.Environment, builds []Build) error {
	fmt.Fprintln(r.Out, "dry run: nothing is built, logged in to or pushed. A real run runs, in order:")
	for _, args := range [][]string{engineCheck, buildxCheck, loginArgs(env.Registry(), "AWS")} {
		fmt.Fprintf(r.Out, "$ %s\n", shellJoin(append([]string{"docker"}, args...)))
	}
	fmt.Fprintln(r.Out, "  (the password on standard input: ECR GetAuthorizationToken's, user AWS)")

	var reg *registry
	cfg, err := r.credentials(ctx, env.Region)
	if err != nil {
		fmt.Fprintf(r.Out, "ECR: not checked: no credentials (%v)\n", err)
	} else {
		reg = newRegistry(cfg, env)
	}
	for _, b := range builds {
		checkCmds := func() {
			for _, p := range b.Architectures.Platforms() {
				fmt.Fprintf(r.Out, "$ %s\n", shellJoin(append([]string{"docker"}, b.CheckArgs(p)...)))
			}
		}
		pushCmd := func() {
			fmt.Fprintf(r.Out, "$ %s\n", shellJoin(append([]string{"docker"}, b.PushArgs()...)))
		}
		const checkNote = "build without pushing, compare the image config digest with ECR's: the same -> skip, different -> fail naming Images.Tag"
		if reg == nil {
			fmt.Fprintf(r.Out, "%s: if ECR has no tag %s: build and push\n", b.Name, env.Images.Tag)
			pushCmd()
			fmt.Fprintf(r.Out, "%s: if it has: %s\n", b.Name, checkNote)
			checkCmds()
			continue
		}
		state, err := reg.tag(ctx, b.Repository, env.Images.Tag)
		switch {
		case err != nil:
			fmt.Fprintf(r.Out, "%s: ECR: not checked: %v\n", b.Name, err)
			fmt.Fprintf(r.Out, "%s: if ECR has no tag %s: build and push\n", b.Name, env.Images.Tag)
			pushCmd()
			fmt.Fprintf(r.Out, "%s: if it has: %s\n", b.Name, checkNote)
			checkCmds()
		case state.exists:
			fmt.Fprintf(r.Out, "%s: ECR %s:%s: %s: %s\n", b.Name, b.Repository, env.Images.Tag, state, checkNote)
			checkCmds()
		default:
			fmt.Fprintf(r.Out, "%s: ECR %s:%s: absent: build and push\n", b.Name, b.Repository, env.Images.Tag)
			pushCmd()
		}
	}
	return nil
}

// readMetadata reads one key of a buildx --metadata-file.
func readMetadata(path, key string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("buildx metadata: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf("buildx metadata %s: %w", path, err)
	}
	var v string
	if err := json.Unmarshal(m[key], &v); err != nil || v == "" {
		return "", fmt.Errorf("buildx metadata %s has no %s", path, key)
	}
	return v, nil
}

// lastLines keeps the end of a long build log, where the error is.
func lastLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.Contains(strings.ToLower(l), "error") {
			return l
		}
	}
	if len(lines) > 0 {
		return lines[len(lines)-1]
	}
	return s
}
