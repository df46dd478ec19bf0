package monitoring

import (
	"path/filepath"
	"strings"
	"testing"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/common/model"
)

// TestAmtoolCheckConfig runs Debian's amtool (0.25) on the generated file.
func TestAmtoolCheckConfig(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			dir, _ := generated(t, env)
			out, err := run(t, filepath.Join(dir, "alertmanager"), "amtool", "check-config", AlertmanagerConfigFile)
			if err != nil {
				t.Fatalf("amtool check-config: %v\n%s", err, out)
			}
			if !strings.Contains(out, "SUCCESS") {
				t.Fatalf("amtool check-config did not report SUCCESS:\n%s", out)
			}
		})
	}
}

// sampleAlerts are the alerts routed in the tests below: a critical and a
// warning twin of the same alert in the same namespace, and a warning in
// another namespace.
var (
	criticalAlert = model.LabelSet{"alertname": "StorefrontHighErrorRatio", "namespace": "shop", "severity": SeverityCritical}
	warningTwin   = model.LabelSet{"alertname": "StorefrontHighErrorRatio", "namespace": "shop", "severity": SeverityWarning}
	warningOther  = model.LabelSet{"alertname": "StorefrontHighErrorRatio", "namespace": "monitoring", "severity": SeverityWarning}
	noSeverity    = model.LabelSet{"alertname": "Something", "namespace": "shop"}
)

// TestAmtoolRoutes asks amtool which receiver each sample alert reaches.
func TestAmtoolRoutes(t *testing.T) {
	dir, _ := generated(t, environments(t)[0])
	for _, c := range []struct {
		labels model.LabelSet
		want   string
	}{
		{criticalAlert, ReceiverPaging},
		{warningTwin, ReceiverChat},
		{noSeverity, ReceiverChat},
	} {
		args := []string{"config", "routes", "test", "--config.file=" + AlertmanagerConfigFile}
		for k, v := range c.labels {
			args = append(args, string(k)+"="+string(v))
		}
		out, err := run(t, filepath.Join(dir, "alertmanager"), "amtool", args...)
		if err != nil {
			t.Fatalf("amtool %v: %v\n%s", args, err, out)
		}
		// amtool prints a warning about --alertmanager.url first; the
		// receiver is the last line.
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if got := lines[len(lines)-1]; got != c.want {
			t.Errorf("%v routed to %q, want %q", c.labels, got, c.want)
		}
	}
}

// TestAlertmanagerRoutingAndInhibition loads the generated file with the
// Go config package of alertmanager v0.34 (newer than Debian's amtool, and
// newer than the deployed image) and walks its routing tree and inhibit
// rule with AlertManager's own code.
func TestAlertmanagerRoutingAndInhibition(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			dir, _ := generated(t, env)
			cfg, err := amconfig.LoadFile(filepath.Join(dir, "alertmanager", AlertmanagerConfigFile))
			if err != nil {
				t.Fatal(err)
			}
			tree := dispatch.NewRoute(cfg.Route, nil)
			receivers := func(ls model.LabelSet) []string {
				var out []string
				for _, r := range tree.Match(ls) {
					out = append(out, r.RouteOpts.Receiver)
				}
				return out
			}
			for _, c := range []struct {
				labels model.LabelSet
				want   string
			}{{criticalAlert, ReceiverPaging}, {warningTwin, ReceiverChat}, {noSeverity, ReceiverChat}} {
				got := receivers(c.labels)
				if len(got) != 1 || got[0] != c.want {
					t.Errorf("%v routed to %v, want [%s]", c.labels, got, c.want)
				}
			}
			for _, r := range tree.Match(criticalAlert) {
				if _, ok := r.RouteOpts.GroupBy["alertname"]; !ok {
					t.Errorf("critical route does not group by alertname: %v", r.RouteOpts.GroupBy)
				}
				if _, ok := r.RouteOpts.GroupBy["namespace"]; !ok {
					t.Errorf("critical route does not group by namespace: %v", r.RouteOpts.GroupBy)
				}
				if r.RouteOpts.RepeatInterval <= 0 {
					t.Errorf("critical route has no repeat interval")
				}
			}

			if len(cfg.InhibitRules) != 1 {
				t.Fatalf("want one inhibit rule, got %d", len(cfg.InhibitRules))
			}
			// AlertManager's own conversion of the configured rule.
			rule := inhibit.NewInhibitRule(cfg.InhibitRules[0])
			inhibits := func(source, target model.LabelSet) bool {
				if !rule.SourceMatchers.Matches(source) || !rule.TargetMatchers.Matches(target) {
					return false
				}
				for l := range rule.Equal {
					if source[l] != target[l] {
						return false
					}
				}
				return true
			}
			if !inhibits(criticalAlert, warningTwin) {
				t.Error("a critical alert does not silence its warning twin")
			}
			if inhibits(criticalAlert, warningOther) {
				t.Error("a critical alert silences a warning in another namespace")
			}
			if inhibits(warningTwin, criticalAlert) {
				t.Error("a warning silences a critical")
			}
			for _, r := range cfg.Receivers {
				for _, p := range r.PagerdutyConfigs {
					if p.RoutingKeyFile == "" || string(p.RoutingKey) != "" {
						t.Errorf("receiver %s: the PagerDuty key must come from a file", r.Name)
					}
				}
				for _, s := range r.SlackConfigs {
					if s.APIURLFile == "" || s.APIURL != nil {
						t.Errorf("receiver %s: the Slack webhook URL must come from a file", r.Name)
					}
				}
			}
		})
	}
}
