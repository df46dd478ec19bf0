package tools

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWorkflows lints .github/workflows with actionlint: syntax, expressions
// and contexts, action inputs, and the run: scripts through shellcheck when
// it is installed (actionlint skips that check otherwise).
func TestWorkflows(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	workflows, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.y*ml"))
	if err != nil || len(workflows) == 0 {
		t.Fatalf("no workflows under %s/.github/workflows (%v)", root, err)
	}
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Log("shellcheck is not installed: actionlint does not check the run: scripts")
	}
	args := append([]string{"tool", "-modfile=tools/actionlint.mod", "actionlint", "-oneline"}, workflows...)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
