package infra_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/platform"
)

// cfn-lint checks the templates against CloudFormation's resource schemas
// (property names, types, allowed values, region availability): the closest
// this repository gets to a deploy. W3010 (hard-coded AZs) is by design:
// synthesis never looks AZs up. Each environment is linted as committed and
// with the read replica and RDS Proxy on.
func TestCfnLint(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatal("cfn-lint is not installed (pip install cfn-lint==1.51.0): it validates the templates against the CloudFormation schemas")
	}
	type variant struct {
		name string
		env  platform.Environment
	}
	var variants []variant
	for _, env := range environments(t) {
		variants = append(variants, variant{env.Name, env})
		// The optional database parts are off in the committed environments;
		// lint them too (a replica once set StorageEncrypted, E3020).
		opt := env
		opt.Database.ReadReplica = true
		opt.Database.RDSProxy = true
		variants = append(variants, variant{env.Name + "-replica-proxy", opt})
	}
	for _, v := range variants {
		env := v.env
		t.Run(v.name, func(t *testing.T) {
			dir := t.TempDir()
			app := infra.NewApp(dir)
			infra.Build(app, env)
			app.Synth(nil)
			templates, _ := filepath.Glob(filepath.Join(dir, "*.template.json"))
			if len(templates) != 4 {
				t.Fatalf("%d templates in %s, want 4", len(templates), dir)
			}
			args := append([]string{"--format", "parseable", "--regions", env.Region, "--ignore-checks", "W3010", "--"}, templates...)
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "NO_COLOR=1")
			out, err := cmd.CombinedOutput()
			if err != nil || len(strings.TrimSpace(string(out))) > 0 {
				t.Errorf("cfn-lint (%v):\n%s", err, out)
			}
		})
	}
}
