package charts

import (
	"fmt"
	"testing"

	"github.com/shopstack/shopstack/platform"
)

// TestHTTPWorkloadDefaults asserts every default of HTTPWorkloadProps
// explicitly: the props NewHTTPWorkload renders once withDefaults resolved
// them (callers see only what HTTPWorkload exposes, so this test lives in
// the package).
func TestHTTPWorkloadDefaults(t *testing.T) {
	d := HTTPWorkloadProps{
		Name: "web", Namespace: "shop", Image: "registry.example/web:1.0.0",
		Port: 8080, PortName: "http", LivenessPath: "/healthz", UID: 1000, Sizing: platform.Dev().Frontend,
	}.withDefaults()
	if err := d.validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		field     string
		got, want any
	}{
		{"Component", d.Component, "web"},
		{"ReadinessPath", d.ReadinessPath, "/healthz"},
		{"ServiceAccountName", d.ServiceAccountName, "default"},
		{"WritablePaths", fmt.Sprint(d.WritablePaths), "[/tmp]"},
		{"WritableSizeLimitMiB", d.WritableSizeLimitMiB, 64},
		{"PreStopSleepSeconds", d.PreStopSleepSeconds, 10},
		{"DrainSeconds", d.DrainSeconds, 20},
		{"TerminationGracePeriodSeconds", d.TerminationGracePeriodSeconds, 40},
		{"Startup", d.Startup, ProbeTiming{PeriodSeconds: 2, TimeoutSeconds: 2, FailureThreshold: 30}},
		{"Liveness", d.Liveness, ProbeTiming{PeriodSeconds: 10, TimeoutSeconds: 2, FailureThreshold: 3}},
		{"Readiness", d.Readiness, ProbeTiming{PeriodSeconds: 5, TimeoutSeconds: 2, FailureThreshold: 2}},
		{"MaxSurge", d.MaxSurge, "25%"},
		{"ScaleUpPercent", d.ScaleUpPercent, 100},
		{"ScaleUpPods", d.ScaleUpPods, 4},
		{"ScaleDownPercent", d.ScaleDownPercent, 50},
		{"Sidecars", len(d.Sidecars), 0},
		{"MetricsPortName", d.MetricsPortName, "http"},
		{"metricsPort()", d.metricsPort(), 8080},
	} {
		if c.got != c.want {
			t.Errorf("default %s = %v, want %v", c.field, c.got, c.want)
		}
	}
}
