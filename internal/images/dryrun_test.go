package images

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/platform"
)

var update = flag.Bool("update", false, "rewrite testdata/dry-run-<env>.txt from the dry run")

// The dry run on a machine without Docker and without AWS credentials:
// the exact command lines, per environment. The whole output is also kept
// in testdata/dry-run-<env>.txt (regenerate with -update), so that a change
// shows up as a diff.
func TestDryRun(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want []string // the command lines, in order
	}{
		{"dev", []string{
			`$ docker version --format '{{.Server.Version}}'`,
			`$ docker buildx version`,
			`$ docker login --username AWS --password-stdin 111122223333.dkr.ecr.eu-west-1.amazonaws.com`,
			`$ docker buildx build --file server/Dockerfile --platform linux/amd64 --build-arg SOURCE_DATE_EPOCH=1764460800 --metadata-file .cache/images/dev-backend.json --output type=image,name=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/backend:0.1.0,push=true,rewrite-timestamp=true .`,
			`$ docker buildx build --file server/Dockerfile --platform linux/amd64 --provenance=false --build-arg SOURCE_DATE_EPOCH=1764460800 --metadata-file .cache/images/dev-backend-linux-amd64.json --output type=image,push=false,rewrite-timestamp=true .`,
			`$ docker buildx build --file client/Dockerfile --platform linux/amd64 --build-arg SOURCE_DATE_EPOCH=1764374400 --metadata-file .cache/images/dev-frontend.json --output type=image,name=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/frontend:0.1.0,push=true,rewrite-timestamp=true client`,
			`$ docker buildx build --file client/Dockerfile --platform linux/amd64 --provenance=false --build-arg SOURCE_DATE_EPOCH=1764374400 --metadata-file .cache/images/dev-frontend-linux-amd64.json --output type=image,push=false,rewrite-timestamp=true client`,
		}},
		{"prod", []string{
			`$ docker version --format '{{.Server.Version}}'`,
			`$ docker buildx version`,
			`$ docker login --username AWS --password-stdin 111122223333.dkr.ecr.eu-west-1.amazonaws.com`,
			`$ docker buildx build --file server/Dockerfile --platform linux/amd64 --build-arg SOURCE_DATE_EPOCH=1764460800 --metadata-file .cache/images/prod-backend.json --output type=image,name=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/prod/backend:0.1.0,push=true,rewrite-timestamp=true .`,
			`$ docker buildx build --file server/Dockerfile --platform linux/amd64 --provenance=false --build-arg SOURCE_DATE_EPOCH=1764460800 --metadata-file .cache/images/prod-backend-linux-amd64.json --output type=image,push=false,rewrite-timestamp=true .`,
			`$ docker buildx build --file client/Dockerfile --platform linux/amd64 --build-arg SOURCE_DATE_EPOCH=1764374400 --metadata-file .cache/images/prod-frontend.json --output type=image,name=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/prod/frontend:0.1.0,push=true,rewrite-timestamp=true client`,
			`$ docker buildx build --file client/Dockerfile --platform linux/amd64 --provenance=false --build-arg SOURCE_DATE_EPOCH=1764374400 --metadata-file .cache/images/prod-frontend-linux-amd64.json --output type=image,push=false,rewrite-timestamp=true client`,
		}},
	} {
		t.Run(tc.env, func(t *testing.T) {
			// A stand-in docker on PATH proves that the dry run calls none.
			standIn := installStandIn(t)
			env, err := platform.For(tc.env)
			if err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			r := &Runner{Root: repoRoot, Out: &out, Err: &errOut, Sources: fixedSources, AWS: noCredentials}
			if err := r.Run(context.Background(), env, true); err != nil {
				t.Fatal(err)
			}
			var commands []string
			for _, l := range strings.Split(out.String(), "\n") {
				if strings.HasPrefix(l, "$ ") {
					commands = append(commands, l)
				}
			}
			if strings.Join(commands, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("commands:\n%s\nwant:\n%s", strings.Join(commands, "\n"), strings.Join(tc.want, "\n"))
			}
			for _, want := range []string{
				"ECR: not checked: no credentials (",
				"for linux/amd64, the architectures its pods can be scheduled on:",
				"Deployment shop/backend: nodeSelector karpenter.sh/nodepool=storefront: NodePool storefront (kubernetes.io/arch In [amd64]) -> amd64",
				"tag 0.1.0 (platform Images.Tag)",
			} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			if calls := dockerCalls(t, standIn); len(calls) > 0 {
				t.Errorf("the dry run ran docker: %q", calls)
			}
			golden := filepath.Join("testdata", "dry-run-"+tc.env+".txt")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if out.String() != string(want) {
				t.Errorf("output differs from %s (run with -update to accept):\n%s", golden, out.String())
			}
		})
	}
}

// With credentials, the dry run reads ECR (DescribeImages only) and prints
// only the command that applies to each image.
func TestDryRunWithCredentials(t *testing.T) {
	standIn := installStandIn(t)
	env := platform.Dev()
	ecr, srv := newECRServer(t, env.Account, env.Images.BackendRepository, env.Images.FrontendRepository)
	ecr.putImage(env.Images.BackendRepository, env.Images.Tag, backendConfig)
	var out bytes.Buffer
	r := &Runner{Root: repoRoot, Out: &out, Err: &out, Sources: fixedSources, AWS: awsFor(srv)}
	if err := r.Run(context.Background(), env, true); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"backend: ECR shopstack/dev/backend:0.1.0: present (sha256:",
		"--metadata-file .cache/images/dev-backend-linux-amd64.json --output type=image,push=false",
		"frontend: ECR shopstack/dev/frontend:0.1.0: absent: build and push",
		"--metadata-file .cache/images/dev-frontend.json --output type=image,name=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/frontend:0.1.0,push=true",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{"dev-backend.json", "dev-frontend-linux-amd64.json", "not checked"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("output has %q:\n%s", unwanted, got)
		}
	}
	if ops := strings.Join(ecr.operations(), ","); ops != "DescribeImages,DescribeImages" {
		t.Errorf("ECR operations %s, want only the two read-only DescribeImages", ops)
	}
	if calls := dockerCalls(t, standIn); len(calls) > 0 {
		t.Errorf("the dry run ran docker: %q", calls)
	}
}

// The SDK's real default credential chain on a machine with no AWS
// configuration at all: the dry run still works and says why it did not
// look at ECR.
func TestDryRunWithoutAnyAWSConfiguration(t *testing.T) {
	installStandIn(t)
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	var out bytes.Buffer
	r := &Runner{Root: repoRoot, Out: &out, Err: &out, Sources: fixedSources, CredentialsTimeout: 10 * time.Second}
	start := time.Now()
	if err := r.Run(context.Background(), platform.Prod(), true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "ECR: not checked: no credentials (") {
		t.Errorf("output lacks the no-credentials note:\n%s", out.String())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the dry run took %s without credentials", d)
	}
}
