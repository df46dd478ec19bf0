package monitoring

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
			out, err := run(t, filepath.Join(dir, "alertmanager"), "amtool", "check-config", alertmanagerConfigFile)
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
	criticalAlert = model.LabelSet{"alertname": "StorefrontHighErrorRatio", "namespace": "shop", "severity": severityCritical}
	warningTwin   = model.LabelSet{"alertname": "StorefrontHighErrorRatio", "namespace": "shop", "severity": severityWarning}
	warningOther  = model.LabelSet{"alertname": "StorefrontHighErrorRatio", "namespace": "monitoring", "severity": severityWarning}
	noSeverity    = model.LabelSet{"alertname": "Something", "namespace": "shop"}
)

// TestAmtoolRoutes asks amtool which receiver each sample alert reaches.
func TestAmtoolRoutes(t *testing.T) {
	dir, _ := generated(t, environments(t)[0])
	for _, c := range []struct {
		labels model.LabelSet
		want   string
	}{
		{criticalAlert, receiverPaging},
		{warningTwin, receiverChat},
		{noSeverity, receiverChat},
	} {
		args := []string{"config", "routes", "test", "--config.file=" + alertmanagerConfigFile}
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
			cfg, err := amconfig.LoadFile(filepath.Join(dir, "alertmanager", alertmanagerConfigFile))
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
			}{{criticalAlert, receiverPaging}, {warningTwin, receiverChat}, {noSeverity, receiverChat}} {
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

// TestAlertmanagerDaemonRoutesAndInhibits runs Debian's
// prometheus-alertmanager (0.25) with the generated configuration, posts a
// critical alert, its warning twin and a warning in another namespace
// through the v2 API, and reads back which receivers each one routes to and
// whether the daemon itself marks the twin inhibited.
func TestAlertmanagerDaemonRoutesAndInhibits(t *testing.T) {
	dir, _ := generated(t, environments(t)[0])
	base := "http://" + startAlertmanager(t, filepath.Join(dir, "alertmanager", alertmanagerConfigFile))

	type alert struct {
		Labels      model.LabelSet    `json:"labels"`
		Annotations map[string]string `json:"annotations"`
		StartsAt    time.Time         `json:"startsAt"`
	}
	now := time.Now().UTC()
	post := []alert{{criticalAlert, map[string]string{"summary": "c"}, now}, {warningTwin, map[string]string{"summary": "w"}, now}, {warningOther, map[string]string{"summary": "o"}, now}}
	body, _ := json.Marshal(post)
	resp, err := http.Post(base+"/api/v2/alerts", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST alerts: %s", resp.Status)
	}

	type gettable struct {
		Labels    model.LabelSet `json:"labels"`
		Receivers []struct {
			Name string `json:"name"`
		} `json:"receivers"`
		Status struct {
			State       string   `json:"state"`
			InhibitedBy []string `json:"inhibitedBy"`
		} `json:"status"`
	}
	find := func(all []gettable, ls model.LabelSet) *gettable {
		for i := range all {
			if all[i].Labels.Equal(ls) {
				return &all[i]
			}
		}
		return nil
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/api/v2/alerts")
		if err != nil {
			t.Fatal(err)
		}
		var all []gettable
		err = json.NewDecoder(resp.Body).Decode(&all)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		c, w, o := find(all, criticalAlert), find(all, warningTwin), find(all, warningOther)
		if c != nil && w != nil && o != nil && len(w.Status.InhibitedBy) > 0 {
			for _, x := range []struct {
				a    *gettable
				want string
			}{{c, receiverPaging}, {w, receiverChat}, {o, receiverChat}} {
				if len(x.a.Receivers) != 1 || x.a.Receivers[0].Name != x.want {
					t.Errorf("%v: receivers %+v, want %s", x.a.Labels, x.a.Receivers, x.want)
				}
			}
			if len(c.Status.InhibitedBy) != 0 || len(o.Status.InhibitedBy) != 0 {
				t.Errorf("only the warning twin may be inhibited: critical %v, other namespace %v", c.Status.InhibitedBy, o.Status.InhibitedBy)
			}
			if w.Status.State != "suppressed" {
				t.Errorf("warning twin state %q, want suppressed", w.Status.State)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the warning twin was not inhibited within 30s: %+v", all)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
