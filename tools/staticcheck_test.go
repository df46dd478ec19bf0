package tools

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStaticcheck runs staticcheck (honnef.co/go/tools, its own module file
// tools/staticcheck.mod like actionlint's) over the whole module with its
// default checks: a finding fails the test. A deliberate exception is a
// //lint:ignore or //lint:file-ignore directive that says why.
func TestStaticcheck(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"tool", "-modfile=tools/staticcheck.mod", "staticcheck", "./..."}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
