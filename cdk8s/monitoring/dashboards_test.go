//lint:file-ignore SA1019 The dashboards are written in Grafana's v1 JSON model on purpose: the SDK deprecates it for dashboardv2, but Grafana's schema v2 needs the Dynamic Dashboards and kubernetesDashboards feature toggles and is "public preview ... Do not enable this feature in production environments" (https://grafana.com/docs/grafana/v12.4/as-code/observability-as-code/schema-v2/); the provisioned Grafana 12.0 reads v1 from files.

package monitoring

import (
	"encoding/json"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// TestDashboardsRoundTrip reads each provisioned dashboard JSON back with
// the Foundation SDK (as Grafana-compatible tooling would) and checks it
// keeps its uid, its Prometheus data source and every query, and that panel
// ids are unique.
func TestDashboardsRoundTrip(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	for _, env := range environments(t) {
		boards, err := dashboards(env)
		if err != nil {
			t.Fatal(err)
		}
		uids := map[string]bool{}
		for _, d := range boards {
			b, err := d.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var back dashboard.Dashboard
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("%s: %v", d.File, err)
			}
			if back.Uid == nil || uids[*back.Uid] {
				t.Errorf("%s: missing or duplicate uid", d.File)
			} else {
				uids[*back.Uid] = true
			}
			again := namedDashboard{File: d.File, Dashboard: back}.queries()
			if len(again) != len(d.queries()) || len(again) == 0 {
				t.Errorf("%s: %d queries after a round trip, %d before", d.File, len(again), len(d.queries()))
			}
			ids := map[uint32]bool{}
			for _, p := range back.Panels {
				var id uint32
				switch {
				case p.Panel != nil:
					if p.Panel.Id != nil {
						id = *p.Panel.Id
					}
					if p.Panel.Datasource == nil || p.Panel.Datasource.Uid == nil || *p.Panel.Datasource.Uid != grafanaDatasourceUID {
						t.Errorf("%s: panel %d does not use data source %q", d.File, id, grafanaDatasourceUID)
					}
				case p.RowPanel != nil:
					id = p.RowPanel.Id
				}
				if id == 0 || ids[id] {
					t.Errorf("%s: panel id %d missing or repeated", d.File, id)
				}
				ids[id] = true
			}
		}
	}
}
