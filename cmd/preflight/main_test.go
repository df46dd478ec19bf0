package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsage: usage errors exit 2 before any AWS call.
func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, `-env "": want one of [dev prod]`},
		{[]string{"-env", "staging"}, `-env "staging": want one of [dev prod]`},
		{[]string{"-env", "dev", "-stage", "k8s"}, `-stage "k8s": want "infra" or "images"`},
		{[]string{"-env", "dev", "extra"}, `unexpected arguments ["extra"]`},
		{[]string{"-region", "us-east-1"}, "flag provided but not defined: -region"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tc.args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(stderr.String(), tc.want) || !strings.Contains(stderr.String(), "usage: preflight -env <env> [-stage infra|images]") {
			t.Errorf("%q: stderr %q, want %q and the usage", tc.args, stderr.String(), tc.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: stdout %q, want nothing", tc.args, stdout.String())
		}
	}
}

// TestImagesStage runs the command as `go tool task preflight ENV=dev --
// -stage images` would, with the SDK's default configuration pointed at a
// local endpoint through the environment (AWS_ENDPOINT_URL, static keys),
// and checks the exit codes and the lines on stdout. The checks themselves
// are tested in internal/preflight.
func TestImagesStage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		frontend bool // pushed
		code     int
		want     []string
	}{
		{"both pushed", true, 0, []string{
			"ok   account: 111122223333 in eu-west-1 as arn:aws:sts::111122223333:assumed-role/Admin/deployer",
			"ok   image backend: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/backend:0.1.0",
			"ok   image frontend:",
			"preflight: 3 passed, 0 failed",
		}},
		{"frontend missing", false, 1, []string{
			"FAIL image frontend: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/frontend:0.1.0 is not pushed -> fix: `go tool task images ENV=dev`",
			"preflight: 2 passed, 1 failed",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				// SigV4's credential scope names the region signed for.
				if auth := r.Header.Get("Authorization"); !strings.Contains(auth, "/eu-west-1/") {
					t.Errorf("request signed for another region than Environment.Region: %s", auth)
				}
				switch {
				// STS GetCallerIdentity (awsQuery).
				case strings.Contains(string(body), "Action=GetCallerIdentity"):
					w.Header().Set("Content-Type", "text/xml")
					io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::111122223333:assumed-role/Admin/deployer</Arn><UserId>AROA3XFRBF535PLBIFPI4:deployer</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
				// ECR DescribeImages (awsJson1_1).
				case r.Header.Get("X-Amz-Target") == "AmazonEC2ContainerRegistry_V20150921.DescribeImages":
					w.Header().Set("Content-Type", "application/x-amz-json-1.1")
					if strings.Contains(string(body), "frontend") && !tc.frontend {
						w.WriteHeader(http.StatusBadRequest)
						io.WriteString(w, `{"__type":"ImageNotFoundException","message":"The image with imageId {imageDigest:'null', imageTag:'0.1.0'} does not exist within the repository with name 'shopstack/dev/frontend' in the registry with id '111122223333'"}`)
						return
					}
					io.WriteString(w, `{"imageDetails":[{"registryId":"111122223333","repositoryName":"shopstack/dev/backend","imageDigest":"sha256:5a1c1b0a4f0e3f3d9b3ad0c35c7a0f2c8fd2f4e6a1f5bb0b64c9f4e2a3d7c1e0","imageTags":["0.1.0"],"imagePushedAt":1796000000}]}`)
				default:
					t.Errorf("unexpected request %s %s %s", r.Method, r.URL, body)
					w.WriteHeader(http.StatusNotImplemented)
				}
			}))
			defer srv.Close()
			dir := t.TempDir()
			for k, v := range map[string]string{
				"AWS_ENDPOINT_URL":            srv.URL,
				"AWS_ACCESS_KEY_ID":           "AKIDEXAMPLE",
				"AWS_SECRET_ACCESS_KEY":       "secret",
				"AWS_SESSION_TOKEN":           "",
				"AWS_PROFILE":                 "",
				"AWS_REGION":                  "us-east-2", // Environment.Region wins
				"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
				"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
				"AWS_EC2_METADATA_DISABLED":   "true",
				"AWS_MAX_ATTEMPTS":            "1",
			} {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"-env", "dev", "-stage", "images"}, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout.String(), stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			if lines := strings.Split(strings.TrimSpace(stdout.String()), "\n"); len(lines) != 4 {
				t.Errorf("want 3 check lines and the summary, got:\n%s", stdout.String())
			}
		})
	}
}
