package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/shopstack/shopstack/platform"
)

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRunIsDeterministicAndComplete synthesizes every environment twice and
// requires byte-identical trees with both layers present for each.
func TestRunIsDeterministicAndComplete(t *testing.T) {
	envs, err := platform.All()
	if err != nil {
		t.Fatal(err)
	}
	first, second := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{first, second} {
		if err := Run(dir, envs); err != nil {
			t.Fatal(err)
		}
	}
	a, b := readTree(t, first), readTree(t, second)
	if len(a) != len(b) {
		t.Fatalf("runs produced %d and %d files", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	for _, env := range envs {
		for _, layer := range []string{CloudFormationDir, KubernetesDir} {
			files, _ := filepath.Glob(filepath.Join(first, env.Name, layer, "*"))
			if len(files) == 0 {
				t.Errorf("%s/%s: no files synthesized", env.Name, layer)
			}
		}
	}
	checkNoSecrets(t, a)
}

// secretPatterns are shapes of credentials that must never reach dist/.
var secretPatterns = map[string]*regexp.Regexp{
	"AWS access key id":     regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`),
	"private key":           regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`),
	"password value":        regexp.MustCompile(`(?i)"?password"?\s*[:=]\s*"[^"{$][^"]{3,}"`),
	"connection with creds": regexp.MustCompile(`postgres(ql)?://[^:/\s]+:[^@\s]+@`),
	"webhook url":           regexp.MustCompile(`https://hooks\.slack\.com/services/|https://events\.pagerduty\.com/`),
}

func checkNoSecrets(t *testing.T, tree map[string][]byte) {
	t.Helper()
	for name, data := range tree {
		for what, re := range secretPatterns {
			if m := re.Find(data); m != nil {
				t.Errorf("%s contains a %s: %q", name, what, m)
			}
		}
	}
}

func TestSecretPatternsCatchSecrets(t *testing.T) {
	for what, sample := range map[string]string{
		"AWS access key id":     "AKIAABCDEFGHIJKLMNOP",
		"private key":           "-----BEGIN RSA PRIVATE KEY-----",
		"password value":        `"password": "hunter22"`,
		"connection with creds": "postgres://shop:s3cret@db:5432/shop",
		"webhook url":           "https://hooks.slack.com/services/T000/B000/XXXX",
	} {
		if !secretPatterns[what].MatchString(sample) {
			t.Errorf("pattern %q misses %q", what, sample)
		}
	}
}

func TestRunKeepsDistWhenAnEnvironmentIsInvalid(t *testing.T) {
	dist := filepath.Join(t.TempDir(), "dist")
	if err := os.MkdirAll(dist, 0o755); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dist, "keep")
	if err := os.WriteFile(marker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := platform.Dev()
	bad.Images.Tag = "latest"
	if err := Run(dist, []platform.Environment{bad}); err == nil {
		t.Fatal("an invalid environment must fail synthesis")
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("a failed synthesis changed the existing dist/: %v", err)
	}
}
