package platform_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/platform"
)

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The calendars are data copied from AWS: keep them in order, and keep the
// rules AWS states for them.
func TestSupportCalendars(t *testing.T) {
	for name, cal := range map[string][]platform.SupportWindow{
		"EKS": platform.EKSKubernetesSupport, "RDS PostgreSQL": platform.RDSPostgresSupport,
	} {
		if len(cal) == 0 {
			t.Errorf("%s: empty calendar", name)
		}
		for i, w := range cal {
			if !w.EndOfExtendedSupport.After(w.EndOfStandardSupport) {
				t.Errorf("%s %s: extended support ends %s, not after standard support (%s)", name, w.Version, w.EndOfExtendedSupport, w.EndOfStandardSupport)
			}
			if i > 0 && !w.EndOfStandardSupport.After(cal[i-1].EndOfStandardSupport) {
				t.Errorf("%s %s: rows out of order (newer versions end standard support later)", name, w.Version)
			}
		}
	}
	// EKS: "Once a version is past the end of standard support date, it
	// enters extended support for the next 12 months."
	// https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
	for _, w := range platform.EKSKubernetesSupport {
		if want := w.EndOfStandardSupport.AddDate(1, 0, 0); !w.EndOfExtendedSupport.Equal(want) {
			t.Errorf("EKS %s: extended support ends %s, want 12 months after standard support (%s)", w.Version, w.EndOfExtendedSupport.Format(time.DateOnly), want.Format(time.DateOnly))
		}
	}
}

// SupportWarnings at fixed dates, never the real clock: CI must not turn red
// because the calendar moved on.
func TestSupportWarnings(t *testing.T) {
	withVersions := func(k8s, pg string) platform.Environment {
		e := platform.Prod()
		e.Cluster.KubernetesVersion = k8s
		e.Database.EngineVersion = pg
		return e
	}
	cases := []struct {
		name     string
		env      platform.Environment
		now      string
		want     []string // fragments, one per expected warning, in order
		wantPast []bool
	}{
		// The audit's finding F8: 1.34 two days before its end of standard support.
		{"1.34 two days before", withVersions("1.34", "17"), "2026-11-30", []string{`Cluster.KubernetesVersion = "1.34" leaves AWS standard support on 2026-12-02`}, []bool{false}},
		{"1.34 on the day", withVersions("1.34", "17"), "2026-12-02", []string{`"1.34" left AWS standard support on 2026-12-02`}, []bool{true}},
		{"1.35 more than 90 days before", withVersions("1.35", "17"), "2026-12-26", nil, nil},
		{"1.35 exactly 90 days before", withVersions("1.35", "17"), "2026-12-27", []string{`"1.35" leaves AWS standard support on 2027-03-27`}, []bool{false}},
		{"unknown Kubernetes version", withVersions("1.99", "17"), "2026-11-30", []string{`"1.99" is not in shopstack's support calendar`}, []bool{false}},
		{"unknown PostgreSQL major", withVersions("1.35", "19"), "2026-11-30", []string{`Database.EngineVersion = "19" is not in shopstack's support calendar`}, []bool{false}},
		{"minor pinned: the major's dates apply", withVersions("1.35", "16.11"), "2026-11-30", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.env.SupportWarnings(date(t, c.now))
			if len(got) != len(c.want) {
				t.Fatalf("got %d warnings %v, want %d", len(got), got, len(c.want))
			}
			for i, w := range got {
				if !strings.Contains(w.String(), c.want[i]) || !strings.Contains(w.String(), "prod") {
					t.Errorf("warning %q does not contain %q and the environment", w, c.want[i])
				}
				if w.Past != c.wantPast[i] {
					t.Errorf("warning %q: Past = %v, want %v", w, w.Past, c.wantPast[i])
				}
			}
		})
	}
}

// The versions shopstack ships were in standard support, with more than
// SupportWarningDays left, on the day they were chosen (2026-11-30).
func TestDefaultVersionsInStandardSupport(t *testing.T) {
	chosen := date(t, "2026-11-30")
	for _, e := range []platform.Environment{platform.Dev(), platform.Prod()} {
		if w := e.SupportWarnings(chosen); len(w) > 0 {
			t.Errorf("%s: %v", e.Name, w)
		}
	}
}

// The parameter group family (postgres16) and the support check both take
// the major version from the engine version this one way.
func TestPostgresMajorVersion(t *testing.T) {
	for in, want := range map[string]string{"16": "16", "16.11": "16", "17.4": "17", "": ""} {
		if got := platform.PostgresMajorVersion(in); got != want {
			t.Errorf("PostgresMajorVersion(%q) = %q, want %q", in, got, want)
		}
		if got := (platform.Database{EngineVersion: in}).MajorVersion(); got != want {
			t.Errorf("Database{EngineVersion: %q}.MajorVersion() = %q, want %q", in, got, want)
		}
	}
}
