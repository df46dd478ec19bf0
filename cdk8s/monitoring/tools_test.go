package monitoring

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopstack/shopstack/platform"
)

// Debian packages of the real tools the tests run. A missing tool fails the
// test and names the package to install.
var toolPackages = map[string]string{
	"promtool":                "prometheus",
	"prometheus":              "prometheus",
	"amtool":                  "prometheus-alertmanager",
	"prometheus-alertmanager": "prometheus-alertmanager",
}

// tool returns the path of a required binary or fails the test.
func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install it with `apt-get install -y %s`", name, toolPackages[name])
	}
	return p
}

// run runs a Debian tool with a deadline and returns its combined output.
func run(t testing.TB, dir string, name string, args ...string) (string, error) {
	t.Helper()
	return runBin(t, dir, tool(t, name), args...)
}

// runBin runs a binary with a deadline and returns its combined output.
func runBin(t testing.TB, dir string, bin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

// environments are the environments tested: every real one, plus dev with a
// read replica so that the replica-only rules and jobs are covered too.
func environments(t testing.TB) []platform.Environment {
	t.Helper()
	envs, err := platform.All()
	if err != nil {
		t.Fatal(err)
	}
	replica := platform.Dev()
	replica.Name = "dev-replica"
	replica.Database.ReadReplica = true
	return append(envs, replica)
}

// generated writes env's files into a temporary directory.
func generated(t testing.TB, env platform.Environment) (string, *files) {
	t.Helper()
	f, err := generate(env)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := f.writeDir(dir); err != nil {
		t.Fatal(err)
	}
	return dir, f
}

// promtoolModuleVersion is the prometheus module whose promtool checks the
// full configuration: the one go.mod pins for the PromQL parser.
const promtoolModuleVersion = "v0.316.0"

// upstreamPromtool returns promtool built from github.com/prometheus/prometheus
// at promtoolModuleVersion, building it into a cache directory
// (${XDG_CACHE_HOME:-~/.cache}/shopstack/promtool-<version>/, or
// $SHOPSTACK_PROMTOOL) the first time. The build runs in a module of its
// own so that the repository's go.mod never sees promtool's dependencies.
// It takes several minutes cold; a failed build fails the test.
func upstreamPromtool(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SHOPSTACK_PROMTOOL"); p != "" {
		return p
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cache, "shopstack", "promtool-"+promtoolModuleVersion)
	bin := filepath.Join(dir, "promtool")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	src, err := os.MkdirTemp("", "promtool-build-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(src)
	gomod := "module promtoolbuild\n\ngo 1.26.7\n\nrequire github.com/prometheus/prometheus " + promtoolModuleVersion + "\n"
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin+".tmp", "github.com/prometheus/prometheus/cmd/promtool")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build promtool %s: %v\n%s", promtoolModuleVersion, err, out)
	}
	if err := os.Rename(bin+".tmp", bin); err != nil {
		t.Fatal(err)
	}
	t.Logf("built promtool %s in %s", promtoolModuleVersion, time.Since(start).Round(time.Second))
	return bin
}
