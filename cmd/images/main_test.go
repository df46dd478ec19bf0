package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The interface other engineers depend on: -env <env> [-dry-run]; exit 0
// done, 1 failed, 2 usage.
func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no env", nil, 2, "usage: go run ./cmd/images -env <env> [-dry-run]"},
		{"unknown env", []string{"-env", "staging"}, 2, `unknown environment "staging"`},
		{"unknown flag", []string{"-env", "dev", "-push"}, 2, "flag provided but not defined: -push"},
		{"extra argument", []string{"-env", "dev", "now"}, 2, "usage:"},
		{"help", []string{"-h"}, 0, "-dry-run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(tc.args, &out, &errOut); code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errOut.String())
			}
		})
	}
}

// From the repository root, with the real git and dist/ and the SDK's real
// credential chain finding nothing: the dry run exits 0; a real run exits
// 1 because docker is not on PATH.
func TestFromTheRepositoryRoot(t *testing.T) {
	t.Chdir("../..")
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	// PATH with git and nothing else.
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := os.Symlink(git, filepath.Join(bin, "git")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)

	var out, errOut bytes.Buffer
	if code := run([]string{"-env", "prod", "-dry-run"}, &out, &errOut); code != 0 {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, w := range []string{
		"ECR: not checked: no credentials",
		"--output type=image,name=111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/prod/backend:0.1.0,push=true,rewrite-timestamp=true .",
		"SOURCE_DATE_EPOCH=",
	} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("dry run output lacks %q:\n%s", w, out.String())
		}
	}

	out.Reset()
	errOut.Reset()
	if code := run([]string{"-env", "dev"}, &out, &errOut); code != 1 {
		t.Fatalf("real run without docker: exit %d, want 1\n%s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "images: docker is not installed") {
		t.Errorf("stderr lacks the missing-docker message:\n%s", errOut.String())
	}
}
