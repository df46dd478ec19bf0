package platform

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// SupportWindow is how long AWS supports one version of a managed engine at
// the standard price, from AWS's published release calendar. Dates are UTC:
// extended support (and its billing) starts at the beginning of the day
// standard support ends.
type SupportWindow struct {
	// Version is the Kubernetes minor ("1.35") or the PostgreSQL major ("16").
	Version string
	// EndOfStandardSupport is the first day of extended support.
	EndOfStandardSupport time.Time
	// EndOfExtendedSupport is when AWS upgrades what is still on the version.
	EndOfExtendedSupport time.Time
}

// SupportWarningDays is how far ahead of the end of standard support
// synthesis starts to warn: about one release cycle of both engines, and
// more than the 60 days' notice EKS promises before it ends a version.
const SupportWarningDays = 90

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// EKSKubernetesSupport is the Amazon EKS Kubernetes release calendar.
//
// Source: "Amazon EKS Kubernetes release calendar",
// https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar
// (awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc;
// rows 1.29 to 1.34 as published there). The copy of the user guide
// available here predates 1.35: "Kubernetes 1.35 is now available in Amazon
// EKS" and "Kubernetes 1.36 is now available in Amazon EKS" are from
// https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions-standard.html,
// and their dates from https://endoflife.date/amazon-eks (which copies the
// AWS calendar; 1.35 also agrees with AWS's eks-operation-review calendar
// "last verified 2026-04-24",
// https://aws-samples.github.io/sample-apex-skills/docs/skills/eks-operation-review/references/cluster-lifecycle)
// and with the documented rule of 14 months of standard support from the EKS
// release (1.36: 2026-06-02 + 14 months). `aws eks describe-cluster-versions`
// answers for a live account (the pre-flight runs it).
var EKSKubernetesSupport = []SupportWindow{
	{"1.29", day("2025-03-23"), day("2026-03-23")},
	{"1.30", day("2025-07-23"), day("2026-07-23")},
	{"1.31", day("2025-11-26"), day("2026-11-26")},
	{"1.32", day("2026-03-23"), day("2027-03-23")},
	{"1.33", day("2026-07-29"), day("2027-07-29")},
	{"1.34", day("2026-12-02"), day("2027-12-02")},
	{"1.35", day("2027-03-27"), day("2028-03-27")},
	{"1.36", day("2027-08-02"), day("2028-08-02")},
}

// RDSPostgresSupport is the Amazon RDS for PostgreSQL release calendar of
// major versions (shopstack pins the major only: see Database.EngineVersion).
//
// Source: "Release calendars for Amazon RDS for PostgreSQL",
// https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html
// (`aws rds describe-db-major-engine-versions --engine postgres` answers for
// a live account).
//
// The dates are the table's "RDS end of standard support date" and "RDS end
// of Extended Support date".
var RDSPostgresSupport = []SupportWindow{
	{"15", day("2028-02-29"), day("2031-02-28")},
	{"16", day("2029-02-28"), day("2032-02-29")},
	{"17", day("2030-02-28"), day("2033-02-28")},
	{"18", day("2031-02-28"), day("2034-02-28")},
}

// SupportWarning says that a configured version is near or past the end of
// AWS standard support, or that the calendar does not know it.
type SupportWarning struct {
	Env     string
	Field   string
	Version string
	// Window is the calendar row; zero when the version is not in it.
	Window SupportWindow
	// Past is true once standard support has ended.
	Past bool
}

func (w SupportWarning) String() string {
	if w.Window.Version == "" {
		return fmt.Sprintf("platform: %s: %s = %q is not in shopstack's support calendar (platform/support.go): check that AWS still offers it at the standard price, then add its dates", w.Env, w.Field, w.Version)
	}
	end := w.Window.EndOfStandardSupport.Format(time.DateOnly)
	if w.Past {
		return fmt.Sprintf("platform: %s: %s = %q left AWS standard support on %s: it runs at the extended-support price until %s; move to a newer version", w.Env, w.Field, w.Version, end, w.Window.EndOfExtendedSupport.Format(time.DateOnly))
	}
	return fmt.Sprintf("platform: %s: %s = %q leaves AWS standard support on %s (within %d days): plan the upgrade; extended support costs extra", w.Env, w.Field, w.Version, end, SupportWarningDays)
}

// SupportWarnings lists the environment's engine versions that, at now, are
// within SupportWarningDays of the end of standard support, past it, or not
// in the calendar. Synthesis prints them; the deploy pre-flight fails on
// them. now is a parameter so that tests never depend on the real date.
func (e Environment) SupportWarnings(now time.Time) []SupportWarning {
	var out []SupportWarning
	check := func(field, version string, calendar []SupportWindow) {
		w, ok := findWindow(calendar, version)
		switch {
		case !ok:
			out = append(out, SupportWarning{Env: e.Name, Field: field, Version: version})
		case !now.Before(w.EndOfStandardSupport):
			out = append(out, SupportWarning{Env: e.Name, Field: field, Version: version, Window: w, Past: true})
		case !now.AddDate(0, 0, SupportWarningDays).Before(w.EndOfStandardSupport):
			out = append(out, SupportWarning{Env: e.Name, Field: field, Version: version, Window: w})
		}
	}
	check("Cluster.KubernetesVersion", e.Cluster.KubernetesVersion, EKSKubernetesSupport)
	check("Database.EngineVersion", e.Database.MajorVersion(), RDSPostgresSupport)
	return out
}

func findWindow(calendar []SupportWindow, version string) (SupportWindow, bool) {
	for _, w := range calendar {
		if w.Version == version {
			return w, true
		}
	}
	return SupportWindow{}, false
}

// MajorVersion is the PostgreSQL major version of EngineVersion: "16" for
// both "16" and "16.11".
func (d Database) MajorVersion() string { return PostgresMajorVersion(d.EngineVersion) }

// PostgresMajorVersion is the major version of a PostgreSQL engine version
// (the part before the first dot: "16" of "16.11"; since PostgreSQL 10 the
// major version is one number).
func PostgresMajorVersion(engineVersion string) string {
	major, _, _ := strings.Cut(engineVersion, ".")
	return major
}

// SupportWarningsAll is SupportWarnings of every environment, sorted.
func SupportWarningsAll(envs []Environment, now time.Time) []SupportWarning {
	var out []SupportWarning
	for _, e := range envs {
		out = append(out, e.SupportWarnings(now)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
