package monitoring

import (
	"path/filepath"
	"testing"
)

// TestPromtoolCheckConfig runs `promtool check config` on the generated
// prometheus.yml. promtool also loads the rule files the config names; those
// point at the in-cluster mount and match nothing here, so the rules are
// checked separately below.
func TestPromtoolCheckConfig(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			dir, _ := generated(t, env)
			out, err := run(t, filepath.Join(dir, "prometheus"), "promtool", "check", "config", "--syntax-only", PrometheusConfigFile)
			if err != nil {
				t.Fatalf("promtool check config: %v\n%s", err, out)
			}
			t.Log(out)
		})
	}
}

// TestPromtoolCheckRules runs `promtool check rules` on the generated rules.
func TestPromtoolCheckRules(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			dir, _ := generated(t, env)
			out, err := run(t, filepath.Join(dir, "prometheus"), "promtool", "check", "rules", RulesFile)
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
			out, err := run(t, filepath.Join(dir, "prometheus"), "promtool", "test", "rules", RuleTestsFile)
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
		for _, a := range Alerts(env) {
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
