package infra_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
			findings := cfnLintFindings(string(out))
			// Exit status 4 alone means warnings only: the filtered one.
			var exit *exec.ExitError
			if len(findings) > 0 || (err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 4)) {
				t.Errorf("cfn-lint (%v):\n%s", err, strings.Join(findings, "\n"))
			}
		})
	}
}

// majorOnlyDeprecated matches cfn-lint's W3691 for an EngineVersion that is a
// PostgreSQL major version alone. RDS accepts it ("If a major version is
// specified but a minor version isn't, Amazon RDS defaults to a recent release
// of the major version that you specified", RDS for PostgreSQL release notes,
// https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-versions.html),
// and cfn-lint's valid list has the majors since aws-cloudformation/cfn-lint#3850
// (the same false positive for E3691, cfn-lint#3849), but its generated
// deprecated list also holds every major that has a deprecated minor (16 and
// 17, not 18, in 1.51's data), so the warning says nothing about the major.
var majorOnlyDeprecated = regexp.MustCompile(`:W3691:Engine version '\d+' for engine 'postgres' is deprecated`)

// cfnLintFindings is cfn-lint's parseable output, one finding a line, less
// the one false positive above.
func cfnLintFindings(out string) []string {
	var findings []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" || majorOnlyDeprecated.MatchString(line) {
			continue
		}
		findings = append(findings, line)
	}
	return findings
}
