package tools

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGoModTidy fails when `go mod tidy` would change go.mod or go.sum: a
// requirement no code imports, or a direct one marked `// indirect`, is a
// review diff waiting to happen in the next change that runs tidy. The
// printed diff is what tidy would write.
func TestGoModTidy(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "mod", "tidy", "-diff")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go mod tidy -diff: %v (run `go mod tidy` and commit go.mod and go.sum)\n%s", err, out)
	}
}
