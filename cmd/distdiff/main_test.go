package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/internal/distdiff"
)

// The command end to end: built, run in a throwaway git repository whose
// dist/ is committed, then changed in the working tree.

const template1 = `{"Resources": {
  "Repo": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "shop/backend"}},
  "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}}
}}`

// template2 deletes Logs (a danger for every diff engine) and adds Topic.
const template2 = `{"Resources": {
  "Repo": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "shop/backend"}},
  "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}
}}`

const manifest1 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: shop
spec:
  replicas: 1
`

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "distdiff-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "distdiff")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repo makes a git repository with dist/ committed (template1, manifest1)
// and then changed in the working tree (template2, two replicas).
func repo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, "dist", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitRun := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitRun("init", "-q", "-b", "main")
	write("prod/cloudformation/shopstack-prod-edge.template.json", template1)
	write("prod/k8s/shop.k8s.yaml", manifest1)
	gitRun("add", "dist")
	gitRun("commit", "-q", "-m", "dist")
	write("prod/cloudformation/shopstack-prod-edge.template.json", template2)
	write("prod/k8s/shop.k8s.yaml", strings.Replace(manifest1, "replicas: 1", "replicas: 2", 1))
	return dir
}

func distdiffIn(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func TestDistdiff(t *testing.T) {
	dir := repo(t)
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings
		stderr   []string
		noStdout bool
	}{
		{name: "terminal", args: nil, code: 0,
			stdout: []string{"dist/ changes against HEAD", "== prod / cloudformation", "- Logs", "+ Topic", "!!! DANGER", "== prod / k8s", "~ Deployment/shop/backend", "in all: 1 added, 1 removed, 1 changed"}},
		{name: "strict exits 3 after printing", args: []string{"-strict"}, code: 3,
			stdout: []string{"!!! DANGER", "in all:"}, stderr: []string{"-strict: 1 danger(s)", "prod/cloudformation/Logs"}},
		{name: "markdown", args: []string{"-format", "markdown"}, code: 0,
			stdout: []string{distdiff.MarkdownMarker, "## dist/ review against `HEAD`", "### Dangers", "<details open>"}},
		{name: "unknown revision", args: []string{"-rev", "no-such-rev"}, code: 1,
			stderr: []string{"git ls-tree", "no-such-rev"}, noStdout: true},
		{name: "missing dist", args: []string{"-dist", "nowhere"}, code: 1, noStdout: true},
		{name: "unknown format", args: []string{"-format", "html"}, code: 2,
			stderr: []string{`-format "html"`}, noStdout: true},
		{name: "unknown flag", args: []string{"-nope"}, code: 2, noStdout: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := distdiffIn(t, dir, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if tt.noStdout && stdout != "" {
				t.Errorf("an error must print no review, got:\n%s", stdout)
			}
			if strings.Contains(stdout, "\x1b[") {
				t.Error("output to a pipe must have no colour")
			}
		})
	}
}

func TestDistdiffJSONAndCleanTree(t *testing.T) {
	dir := repo(t)
	stdout, stderr, code := distdiffIn(t, dir, "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r distdiff.Review
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	var got []string
	for _, res := range r.Resources {
		got = append(got, string(res.Action)+" "+res.Env+"/"+res.Layer+"/"+res.ID)
	}
	want := "removed prod/cloudformation/Logs,added prod/cloudformation/Topic,changed prod/k8s/Deployment/shop/backend"
	if r.Base != "HEAD" || strings.Join(got, ",") != want {
		t.Errorf("got base %q, %q; want %q", r.Base, strings.Join(got, ","), want)
	}

	// Committed: nothing left to review, and -strict passes.
	for _, args := range [][]string{{"add", "dist"}, {"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "change"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	stdout, stderr, code = distdiffIn(t, dir, "-strict")
	if code != 0 || !strings.Contains(stdout, "no changes") {
		t.Errorf("clean tree: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// The previous commit, from a subdirectory with -dist pointing back.
	sub := filepath.Join(dir, "dist", "prod")
	stdout, stderr, code = distdiffIn(t, sub, "-rev", "HEAD~1", "-dist", "..", "-strict")
	if code != 3 || !strings.Contains(stdout, "- Logs") {
		t.Errorf("HEAD~1 from a subdirectory: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestColorOnlyOnATerminal(t *testing.T) {
	noEnv := func(string) string { return "" }
	devNull, err := os.Open(os.DevNull) // a character device, not a terminal
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	if colorWanted(devNull, noEnv) || colorWanted(&bytes.Buffer{}, noEnv) {
		t.Error("colour for something that is not a terminal")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if !colorWanted(tty, noEnv) {
			t.Error("no colour on a terminal")
		}
		if colorWanted(tty, func(k string) string { return map[string]string{"NO_COLOR": "1"}[k] }) {
			t.Error("colour on a terminal with NO_COLOR set")
		}
	}
}
