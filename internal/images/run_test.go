package images

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/shopstack/shopstack/platform"
)

// runDev is one non-dry run of dev against the ECR server, in a copy of dist/.
func runDev(t *testing.T, srv AWSFunc) (string, error) {
	t.Helper()
	var out bytes.Buffer
	r := &Runner{Root: copyDist(t, "dev"), Out: &out, Err: &out, Sources: fixedSources, AWS: srv}
	err := r.Run(context.Background(), platform.Dev(), false)
	return out.String(), err
}

// awsMustNotBeCalled fails the test if the run gets as far as AWS.
func awsMustNotBeCalled(t *testing.T) AWSFunc {
	return func(ctx context.Context, region string) (aws.Config, error) {
		t.Error("the run asked for AWS credentials before Docker was known to work")
		return noCredentials(ctx, region)
	}
}

// Docker missing, Docker without an engine, Docker without buildx: each
// stops the run before any AWS call, with a message that says what to do.
func TestDockerPreflight(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(t *testing.T) string // returns the stand-in's directory, or ""
		want      []string
		wantCalls int
	}{
		{
			name: "docker missing",
			setup: func(t *testing.T) string {
				t.Setenv("PATH", t.TempDir())
				return ""
			},
			want: []string{"docker is not installed", "no docker executable on PATH", "https://docs.docker.com/engine/install/"},
		},
		{
			name: "no engine",
			setup: func(t *testing.T) string {
				dir := installStandIn(t)
				t.Setenv("STANDIN_NO_ENGINE", "1")
				return dir
			},
			want: []string{
				"docker has no engine to build with",
				`"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"`,
				"start the Docker daemon",
			},
			wantCalls: 1,
		},
		{
			name: "no buildx",
			setup: func(t *testing.T) string {
				dir := installStandIn(t)
				t.Setenv("STANDIN_NO_BUILDX", "1")
				return dir
			},
			want:      []string{"docker buildx is not available", `"docker: unknown command: docker buildx"`, "install the buildx CLI plugin"},
			wantCalls: 2,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t)
			out, err := runDev(t, awsMustNotBeCalled(t))
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if dir != "" {
				if calls := dockerCalls(t, dir); len(calls) != tc.wantCalls {
					t.Errorf("docker ran %d times, want %d: %q", len(calls), tc.wantCalls, calls)
				}
			}
		})
	}
}

// The whole sequence with the tags absent from ECR: Docker checks, login
// with the token's password on stdin, then one build-and-push per image.
func TestRunPushesAbsentTags(t *testing.T) {
	dir := installStandIn(t)
	env := platform.Dev()
	ecr, srv := newECRServer(t, env.Account, env.Images.BackendRepository, env.Images.FrontendRepository)
	out, err := runDev(t, awsFor(srv))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := [][]string{
		{"version", "--format", "{{.Server.Version}}"},
		{"buildx", "version"},
		{"login", "--username", "AWS", "--password-stdin", "111122223333.dkr.ecr.eu-west-1.amazonaws.com"},
		{"buildx", "build", "--file", "server/Dockerfile", "--platform", "linux/amd64", "--build-arg", "SOURCE_DATE_EPOCH=1764460800",
			"--metadata-file", ".cache/images/dev-backend.json",
			"--output", "type=image,name=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/backend:0.1.0,push=true,rewrite-timestamp=true", "."},
		{"buildx", "build", "--file", "client/Dockerfile", "--platform", "linux/amd64", "--build-arg", "SOURCE_DATE_EPOCH=1764374400",
			"--metadata-file", ".cache/images/dev-frontend.json",
			"--output", "type=image,name=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/frontend:0.1.0,push=true,rewrite-timestamp=true", "client"},
	}
	assertCalls(t, dockerCalls(t, dir), want)
	stdin, err := os.ReadFile(filepath.Join(dir, "login.stdin"))
	if err != nil || string(stdin) != ecrPassword {
		t.Errorf("docker login read %q (%v) on stdin, want the decoded token's password", stdin, err)
	}
	if strings.Contains(out, ecrPassword) {
		t.Errorf("the output shows the password:\n%s", out)
	}
	if ops := strings.Join(ecr.operations(), ","); ops != "GetAuthorizationToken,DescribeImages,DescribeImages" {
		t.Errorf("ECR operations %s", ops)
	}
	for _, w := range []string{"backend: ECR shopstack/dev/backend:0.1.0: absent", "frontend: pushed 111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/frontend:0.1.0 sha256:"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// A tag already in ECR with the same config digest as this build: built
// once without pushing, compared, skipped; the absent one is pushed.
func TestRunSkipsSameContent(t *testing.T) {
	dir := installStandIn(t)
	env := platform.Dev()
	ecr, srv := newECRServer(t, env.Account, env.Images.BackendRepository, env.Images.FrontendRepository)
	ecr.putImage(env.Images.BackendRepository, env.Images.Tag, backendConfig)
	out, err := runDev(t, awsFor(srv))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	assertCalls(t, dockerCalls(t, dir), [][]string{
		{"version", "--format", "{{.Server.Version}}"},
		{"buildx", "version"},
		{"login", "--username", "AWS", "--password-stdin", "111122223333.dkr.ecr.eu-west-1.amazonaws.com"},
		{"buildx", "build", "--file", "server/Dockerfile", "--platform", "linux/amd64", "--provenance=false", "--build-arg", "SOURCE_DATE_EPOCH=1764460800",
			"--metadata-file", ".cache/images/dev-backend-linux-amd64.json", "--output", "type=image,push=false,rewrite-timestamp=true", "."},
		{"buildx", "build", "--file", "client/Dockerfile", "--platform", "linux/amd64", "--build-arg", "SOURCE_DATE_EPOCH=1764374400",
			"--metadata-file", ".cache/images/dev-frontend.json",
			"--output", "type=image,name=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/frontend:0.1.0,push=true,rewrite-timestamp=true", "client"},
	})
	if !strings.Contains(out, "backend: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/backend:0.1.0 is already in ECR with the same content (config linux/amd64 "+backendConfig+"): skipped") {
		t.Errorf("output lacks the skip:\n%s", out)
	}
	// The index's attestation manifest is skipped: only the amd64 image
	// manifest is fetched after the index.
	if ops := strings.Join(ecr.operations(), ","); ops != "GetAuthorizationToken,DescribeImages,DescribeImages,BatchGetImage,BatchGetImage" {
		t.Errorf("ECR operations %s", ops)
	}
}

// A tag in ECR with other content: fail naming Images.Tag, and push
// nothing, not even the image whose tag is free.
func TestRunFailsOnDifferentContent(t *testing.T) {
	dir := installStandIn(t)
	env := platform.Dev()
	ecr, srv := newECRServer(t, env.Account, env.Images.BackendRepository, env.Images.FrontendRepository)
	ecr.putImage(env.Images.FrontendRepository, env.Images.Tag, otherConfig)
	out, err := runDev(t, awsFor(srv))
	if err == nil {
		t.Fatalf("no error\n%s", out)
	}
	for _, w := range []string{
		"frontend: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/frontend:0.1.0 already exists in ECR with different content",
		"ECR config linux/amd64 " + otherConfig,
		"this build linux/amd64 " + frontendConfig,
		"tags are immutable",
		`change platform Images.Tag (platform/defaults.go, now "0.1.0") for environment dev`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	for _, c := range dockerCalls(t, dir) {
		for _, a := range c {
			if strings.Contains(a, "push=true") {
				t.Errorf("pushed despite the failed check: %q", c)
			}
		}
	}
}

// The repositories do not exist yet: say which stack creates them.
func TestRunWithoutRepositories(t *testing.T) {
	installStandIn(t)
	_, srv := newECRServer(t, platform.Dev().Account)
	out, err := runDev(t, awsFor(srv))
	if err == nil || !strings.Contains(err.Error(), "ECR repository shopstack/dev/backend does not exist in account 111122223333, region eu-west-1") ||
		!strings.Contains(err.Error(), "npx cdk deploy shopstack-dev-edge") {
		t.Fatalf("error %v, want one naming the repository and the edge stack\n%s", err, out)
	}
}

// No credentials: a real run stops before logging in, and says so.
func TestRunWithoutCredentials(t *testing.T) {
	dir := installStandIn(t)
	_, err := runDev(t, noCredentials)
	if err == nil || !strings.Contains(err.Error(), "no AWS credentials to reach ECR in account 111122223333, region eu-west-1") {
		t.Fatalf("error %v", err)
	}
	for _, c := range dockerCalls(t, dir) {
		if c[0] == "login" || (len(c) > 1 && c[1] == "build") {
			t.Errorf("ran %q without credentials", c)
		}
	}
}

// The tag appears between the check and the push (someone else pushed):
// ECR refuses the push, and the message says what to change.
func TestRunPushRefusedByImmutableTag(t *testing.T) {
	installStandIn(t)
	t.Setenv("STANDIN_PUSH_STDERR", "ERROR: failed to push 111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/backend:0.1.0: tag invalid: The image tag '0.1.0' already exists in the 'shopstack/dev/backend' repository and cannot be overwritten because the repository is immutable.")
	env := platform.Dev()
	_, srv := newECRServer(t, env.Account, env.Images.BackendRepository, env.Images.FrontendRepository)
	_, err := runDev(t, awsFor(srv))
	if err == nil || !strings.Contains(err.Error(), "change platform Images.Tag") || !strings.Contains(err.Error(), "cannot be overwritten because the repository is immutable") {
		t.Fatalf("error %v", err)
	}
}

func assertCalls(t *testing.T, got, want [][]string) {
	t.Helper()
	render := func(calls [][]string) string {
		var lines []string
		for _, c := range calls {
			lines = append(lines, "docker "+shellJoin(c))
		}
		return strings.Join(lines, "\n")
	}
	if render(got) != render(want) {
		t.Errorf("docker calls:\n%s\nwant:\n%s", render(got), render(want))
	}
}

// A storefront NodePool that allows arm64 too: one multi-platform push for
// the absent tag; for the tag that exists, one check build per platform,
// compared platform by platform with ECR's index.
func TestRunMultiArchitecture(t *testing.T) {
	dir := installStandIn(t)
	env := platform.Dev()
	root := copyDist(t, "dev")
	pools := filepath.Join(root, "dist", "dev", "k8s", "cluster.k8s.yaml")
	data, err := os.ReadFile(pools)
	if err != nil {
		t.Fatal(err)
	}
	const amd64Only = "- key: kubernetes.io/arch\n          operator: In\n          values:\n            - amd64\n"
	if !strings.Contains(string(data), amd64Only) {
		t.Fatalf("%s has no amd64-only requirement to widen", pools)
	}
	writeFile(t, pools, strings.Replace(string(data), amd64Only, amd64Only+"            - arm64\n", 1))

	ecr, srv := newECRServer(t, env.Account, env.Images.BackendRepository, env.Images.FrontendRepository)
	// The stand-in reports the same config digest for either platform.
	ecr.putIndex(env.Images.BackendRepository, env.Images.Tag, map[string]string{"linux/amd64": backendConfig, "linux/arm64": backendConfig})
	var out bytes.Buffer
	r := &Runner{Root: root, Out: &out, Err: &out, Sources: fixedSources, AWS: awsFor(srv)}
	if err := r.Run(context.Background(), env, false); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	calls := dockerCalls(t, dir)
	var builds []string
	for _, c := range calls {
		if len(c) > 1 && c[1] == "build" {
			builds = append(builds, shellJoin(c))
		}
	}
	want := []string{
		"buildx build --file server/Dockerfile --platform linux/amd64 --provenance=false --build-arg SOURCE_DATE_EPOCH=1764460800 --metadata-file .cache/images/dev-backend-linux-amd64.json --output type=image,push=false,rewrite-timestamp=true .",
		"buildx build --file server/Dockerfile --platform linux/arm64 --provenance=false --build-arg SOURCE_DATE_EPOCH=1764460800 --metadata-file .cache/images/dev-backend-linux-arm64.json --output type=image,push=false,rewrite-timestamp=true .",
		"buildx build --file client/Dockerfile --platform linux/amd64,linux/arm64 --build-arg SOURCE_DATE_EPOCH=1764374400 --metadata-file .cache/images/dev-frontend.json --output type=image,name=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/frontend:0.1.0,push=true,rewrite-timestamp=true client",
	}
	if strings.Join(builds, "\n") != strings.Join(want, "\n") {
		t.Errorf("builds:\n%s\nwant:\n%s", strings.Join(builds, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(out.String(), "same content (config linux/amd64 "+backendConfig+", linux/arm64 "+backendConfig+"): skipped") {
		t.Errorf("output lacks the per-platform skip:\n%s", out.String())
	}

	// ECR holding only amd64 under the tag is different content.
	ecr.putIndex(env.Images.FrontendRepository, env.Images.Tag, map[string]string{"linux/amd64": frontendConfig})
	out.Reset()
	err = r.Run(context.Background(), env, false)
	if err == nil || !strings.Contains(err.Error(), "frontend: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/frontend:0.1.0 already exists in ECR with different content (ECR config linux/amd64 "+frontendConfig+"; this build linux/amd64 "+frontendConfig+", linux/arm64 "+frontendConfig+")") {
		t.Errorf("error %v, want the frontend's missing arm64 as different content", err)
	}
}
