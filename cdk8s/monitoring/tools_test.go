package monitoring

import (
	"bytes"
	"context"
	"os/exec"
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

// run runs a tool with a deadline and returns its combined output.
func run(t testing.TB, dir string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool(t, name), args...)
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
func generated(t testing.TB, env platform.Environment) (string, *Files) {
	t.Helper()
	f, err := Generate(env)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := f.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	return dir, f
}
