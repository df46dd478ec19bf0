package monitoring

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPromtoolCheckConfig checks the generated prometheus.yml twice:
//
//   - in full, byte for byte, with promtool built from the Prometheus module
//     pinned in go.mod (v0.316.0, newer than the deployed v3.5 image).
//     Debian's promtool cannot: Debian builds Prometheus without Kubernetes
//     service discovery ("field kubernetes_sd_configs not found");
//   - with Debian's promtool 2.42 (older than the image), on the same
//     configuration with each kubernetes_sd_configs swapped for a static
//     target (withStaticDiscovery), so that every other field, relabelling
//     included, is checked by the older parser too.
//
// --syntax-only: the rule files, token and CA named in the file are
// in-cluster paths; the rules are checked on their own below.
func TestPromtoolCheckConfig(t *testing.T) {
	upstream := upstreamPromtool(t)
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			dir, _ := generated(t, env)
			out, err := runBin(t, filepath.Join(dir, "prometheus"), upstream, "check", "config", "--syntax-only", prometheusConfigFile)
			if err != nil {
				t.Fatalf("promtool %s check config: %v\n%s", promtoolModuleVersion, err, out)
			}
			b, err := marshalYAML(prometheusConfig(env).withStaticDiscovery())
			if err != nil {
				t.Fatal(err)
			}
			static := filepath.Join(dir, "prometheus", "static-discovery.yml")
			if err := os.WriteFile(static, b, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err = run(t, filepath.Dir(static), "promtool", "check", "config", "--syntax-only", static)
			if err != nil {
				t.Fatalf("Debian promtool check config (static discovery): %v\n%s", err, out)
			}
		})
	}
}

// TestPromtoolCheckRules runs `promtool check rules` on the generated rules.
func TestPromtoolCheckRules(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			dir, _ := generated(t, env)
			out, err := run(t, filepath.Join(dir, "prometheus"), "promtool", "check", "rules", rulesFile)
			if err != nil {
				t.Fatalf("promtool check rules: %v\n%s", err, out)
			}
			t.Log(out)
		})
	}
}

// TestPromtoolTestRules runs the generated rule unit tests: every alert has
// a case where it fires and one where it does not.
func TestPromtoolTestRules(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			dir, _ := generated(t, env)
			out, err := run(t, filepath.Join(dir, "prometheus"), "promtool", "test", "rules", ruleTestsFile)
			if err != nil {
				t.Fatalf("promtool test rules: %v\n%s", err, out)
			}
			t.Log(out)
		})
	}
}

// TestEveryAlertHasFiringAndQuietCases keeps the unit tests honest.
func TestEveryAlertHasFiringAndQuietCases(t *testing.T) {
	for _, env := range environments(t) {
		for _, a := range alerts(env) {
			fires, quiet := map[string]bool{}, false
			for _, tc := range a.Tests {
				if len(tc.Firing) == 0 {
					quiet = true
				}
				for _, f := range tc.Firing {
					fires[f.Severity] = true
				}
			}
			if !quiet {
				t.Errorf("%s/%s: no test where it does not fire", env.Name, a.Name)
			}
			for _, l := range a.Levels {
				if !fires[l.Severity] {
					t.Errorf("%s/%s: no test where the %s level fires", env.Name, a.Name, l.Severity)
				}
			}
		}
	}
}
