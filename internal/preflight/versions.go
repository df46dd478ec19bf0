package preflight

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/shopstack/shopstack/platform"
)

// checkCalendar: shopstack's own support calendar (platform/support.go),
// the rule `go tool task synth` warns with. Synthesis only warns; the
// pre-flight fails, because this is the last moment to pick another version
// before a cluster or database is created on it.
func (c *Checker) checkCalendar() []Result {
	warned := map[string]platform.SupportWarning{}
	for _, w := range c.Env.SupportWarnings(c.now()) {
		warned[w.Field] = w
	}
	var out []Result
	for _, f := range []struct{ field, version string }{
		{"Cluster.KubernetesVersion", c.Env.Cluster.KubernetesVersion},
		{"Database.EngineVersion", c.Env.Database.EngineVersion},
	} {
		check := "calendar " + f.field
		w, ok := warned[f.field]
		switch {
		case !ok:
			win := calendarWindow(f.field, c.Env)
			out = append(out, pass(check, "%q is in standard support until %s (platform/support.go)", f.version, win.EndOfStandardSupport.Format(time.DateOnly)))
		case w.Window.Version == "":
			out = append(out, fail(check, w.String(), "add the version's dates from the AWS release calendar to platform/support.go, or pick a version it knows in "+f.field+" (platform/defaults.go)"))
		default:
			out = append(out, fail(check, w.String(), f.field+" in platform/defaults.go: a version with more than "+fmt.Sprint(platform.SupportWarningDays)+" days of standard support left"))
		}
	}
	return out
}

func calendarWindow(field string, env platform.Environment) platform.SupportWindow {
	calendar, version := platform.EKSKubernetesSupport, env.Cluster.KubernetesVersion
	if field == "Database.EngineVersion" {
		calendar, version = platform.RDSPostgresSupport, env.Database.MajorVersion()
	}
	for _, w := range calendar {
		if w.Version == version {
			return w
		}
	}
	return platform.SupportWindow{}
}

// supportLeft says whether end leaves standard support within
// platform.SupportWarningDays of now, with the same rule as
// platform.SupportWarnings.
func supportLeft(now, end time.Time) (past, soon bool) {
	return !now.Before(end), !now.AddDate(0, 0, platform.SupportWarningDays).Before(end)
}

// sameDate compares a calendar date of platform/support.go (midnight UTC,
// the first day of extended support) with an API timestamp. The APIs
// document a timestamp, not which instant of the last or first day it is,
// so a day either way is the same date.
func sameDate(calendar, api time.Time) bool {
	d := api.Sub(calendar)
	return d >= -24*time.Hour && d <= 24*time.Hour
}

// checkKubernetesVersion: EKS offers the cluster's version in the region, in
// standard support for more than SupportWarningDays, and agrees with the
// calendar in platform/support.go.
//
// EKS DescribeClusterVersions (GET /cluster-versions?clusterVersions=...)
// answers clusterVersions[] with clusterVersion, versionStatus
// (UNSUPPORTED | STANDARD_SUPPORT | EXTENDED_SUPPORT) and
// endOfStandardSupportDate
// (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeClusterVersions.html).
func (c *Checker) checkKubernetesVersion(ctx context.Context) Result {
	const check = "eks version"
	if c.Plan.Cluster == nil {
		return pass(check, "the stacks create no EKS cluster")
	}
	v := c.Plan.Cluster.Version
	fix := "Cluster.KubernetesVersion in platform/defaults.go: a version `aws eks describe-cluster-versions` lists in STANDARD_SUPPORT"
	var found *ekstypes.ClusterVersionInformation
	p := eks.NewDescribeClusterVersionsPaginator(c.AWS.EKS, &eks.DescribeClusterVersionsInput{ClusterVersions: []string{v}})
	for p.HasMorePages() && found == nil {
		page, err := p.NextPage(ctx)
		if err != nil {
			return c.callFailed(check, "eks:DescribeClusterVersions", err)
		}
		for i := range page.ClusterVersions {
			if aws.ToString(page.ClusterVersions[i].ClusterVersion) == v {
				found = &page.ClusterVersions[i]
			}
		}
	}
	if found == nil {
		return fail(check, fmt.Sprintf("EKS does not offer Kubernetes %s in %s", v, c.Env.Region), fix)
	}
	status := found.VersionStatus
	if status == "" { // the deprecated field, lower case
		status = ekstypes.VersionStatus(strings.ToUpper(strings.ReplaceAll(string(found.Status), "-", "_")))
	}
	if status != ekstypes.VersionStatusStandardSupport {
		return fail(check, fmt.Sprintf("Kubernetes %s is %s on EKS", v, status), fix)
	}
	if found.EndOfStandardSupportDate == nil {
		return fail(check, fmt.Sprintf("EKS gives no end of standard support for Kubernetes %s", v), fix)
	}
	end := found.EndOfStandardSupportDate.UTC()
	if past, soon := supportLeft(c.now(), end); past || soon {
		return fail(check, fmt.Sprintf("Kubernetes %s leaves EKS standard support on %s (within %d days)", v, end.Format(time.DateOnly), platform.SupportWarningDays), fix)
	}
	if w := calendarWindow("Cluster.KubernetesVersion", c.Env); w.Version != "" && !sameDate(w.EndOfStandardSupport, end) {
		return fail(check, fmt.Sprintf("EKS ends standard support for %s on %s, platform/support.go says %s", v, end.Format(time.DateOnly), w.EndOfStandardSupport.Format(time.DateOnly)),
			"EKSKubernetesSupport in platform/support.go: take EKS's date")
	}
	return pass(check, "Kubernetes %s is offered in %s, standard support until %s", v, c.Env.Region, end.Format(time.DateOnly))
}

// checkAddons: every AWS::EKS::Addon of the cluster stack (infra.ClusterProps
// Addons; metrics-server by default) has a version for the cluster's
// Kubernetes version.
//
// EKS DescribeAddonVersions (GET /addons/supported-versions?addonName=...&kubernetesVersion=...)
// answers addons[].addonVersions[] with compatibilities[].clusterVersion
// (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddonVersions.html).
func (c *Checker) checkAddons(ctx context.Context) []Result {
	if c.Plan.Cluster == nil {
		return nil
	}
	v := c.Plan.Cluster.Version
	var out []Result
	for _, a := range c.Plan.Cluster.Addons {
		check := "eks add-on " + a.Name
		fix := fmt.Sprintf("Cluster.KubernetesVersion in platform/defaults.go (a version the add-on supports: `aws eks describe-addon-versions --addon-name %s`), or drop the add-on from infra.ClusterProps Addons (cdk/infra/cluster.go)", a.Name)
		var versions []string
		var deflt string
		p := eks.NewDescribeAddonVersionsPaginator(c.AWS.EKS, &eks.DescribeAddonVersionsInput{AddonName: aws.String(a.Name), KubernetesVersion: aws.String(v)})
		var err error
		for p.HasMorePages() {
			var page *eks.DescribeAddonVersionsOutput
			if page, err = p.NextPage(ctx); err != nil {
				break
			}
			for _, info := range page.Addons {
				if aws.ToString(info.AddonName) != a.Name {
					continue
				}
				for _, av := range info.AddonVersions {
					for _, compat := range av.Compatibilities {
						if aws.ToString(compat.ClusterVersion) == v {
							versions = append(versions, aws.ToString(av.AddonVersion))
							if compat.DefaultVersion {
								deflt = aws.ToString(av.AddonVersion)
							}
						}
					}
				}
			}
		}
		switch {
		case errorCode(err) == "ResourceNotFoundException":
			out = append(out, fail(check, fmt.Sprintf("EKS knows no add-on %s in %s", a.Name, c.Env.Region), fix))
		case err != nil:
			out = append(out, c.callFailed(check, "eks:DescribeAddonVersions", err))
		case len(versions) == 0:
			out = append(out, fail(check, fmt.Sprintf("no version of %s supports Kubernetes %s in %s", a.Name, v, c.Env.Region), fix))
		case a.Version != "" && !slices.Contains(versions, a.Version):
			out = append(out, fail(check, fmt.Sprintf("%s %s does not support Kubernetes %s (offered: %s)", a.Name, a.Version, v, strings.Join(versions, ", ")), "the AddonVersion of "+a.Name+" in cdk/infra/cluster.go"))
		default:
			picked := a.Version
			if picked == "" {
				picked = deflt
				if picked == "" {
					picked = versions[0]
				}
				picked += " (EKS's default)"
			}
			out = append(out, pass(check, "%s supports Kubernetes %s (%d offered)", picked, v, len(versions)))
		}
	}
	return out
}

// checkEngineVersion: RDS offers the database's engine version in the region.
// A bare major ("17") means "RDS defaults to a recent release of the major
// version" (RDS for PostgreSQL release notes), so it is offered when the
// major has a default version: DescribeDBEngineVersions with
// DefaultOnly "return[s] only the default version of the specified engine or
// the engine and major version combination"
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBEngineVersions.html;
// without IncludeAll it lists only available versions). A pinned
// "<major>.<minor>" must be listed itself. RDS's support dates for the major
// come from DescribeDBMajorEngineVersions, SupportedEngineLifecycles
// "open-source-rds-standard-support"
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBMajorEngineVersions.html).
func (c *Checker) checkEngineVersion(ctx context.Context) Result {
	const check = "rds engine version"
	d := c.Plan.Database
	if d == nil {
		return pass(check, "the stacks create no RDS instance")
	}
	major, _, pinned := strings.Cut(d.EngineVersion, ".")
	fix := fmt.Sprintf("Database.EngineVersion in platform/defaults.go: a major RDS offers (`aws rds describe-db-engine-versions --engine %s --default-only`)", d.Engine)
	in := &rds.DescribeDBEngineVersionsInput{Engine: aws.String(d.Engine), EngineVersion: aws.String(d.EngineVersion)}
	if !pinned {
		in.DefaultOnly = aws.Bool(true)
	}
	var offered string
	p := rds.NewDescribeDBEngineVersionsPaginator(c.AWS.RDS, in)
	for p.HasMorePages() && offered == "" {
		page, err := p.NextPage(ctx)
		if err != nil {
			return c.callFailed(check, "rds:DescribeDBEngineVersions", err)
		}
		for _, ev := range page.DBEngineVersions {
			got := aws.ToString(ev.EngineVersion)
			if s := aws.ToString(ev.Status); s != "" && s != "available" {
				continue
			}
			if got == d.EngineVersion || (!pinned && strings.HasPrefix(got, major+".")) {
				offered = got
				break
			}
		}
	}
	if offered == "" {
		what := fmt.Sprintf("RDS offers no %s %s in %s", d.Engine, d.EngineVersion, c.Env.Region)
		if pinned {
			what += " (a pinned minor RDS has retired, or never had)"
			fix = fmt.Sprintf("Database.EngineVersion in platform/defaults.go: the major alone (%q), or a minor `aws rds describe-db-engine-versions --engine %s --engine-version %s` lists", major, d.Engine, major)
		}
		return fail(check, what, fix)
	}
	c.rdsVersion = offered

	var end *time.Time
	mp := rds.NewDescribeDBMajorEngineVersionsPaginator(c.AWS.RDS, &rds.DescribeDBMajorEngineVersionsInput{Engine: aws.String(d.Engine), MajorEngineVersion: aws.String(major)})
	for mp.HasMorePages() {
		page, err := mp.NextPage(ctx)
		if err != nil {
			return c.callFailed(check, "rds:DescribeDBMajorEngineVersions", err)
		}
		for _, mv := range page.DBMajorEngineVersions {
			if aws.ToString(mv.MajorEngineVersion) != major {
				continue
			}
			for _, l := range mv.SupportedEngineLifecycles {
				if l.LifecycleSupportName == rdstypes.LifecycleSupportNameOpenSourceRdsStandardSupport && l.LifecycleSupportEndDate != nil {
					t := l.LifecycleSupportEndDate.UTC()
					end = &t
				}
			}
		}
	}
	offeredAs := offered
	if !pinned {
		offeredAs = fmt.Sprintf("%s (RDS's default of %s)", offered, major)
	}
	if end == nil {
		return pass(check, "%s %s is offered in %s; RDS publishes no end of standard support for %s", d.Engine, offeredAs, c.Env.Region, major)
	}
	if past, soon := supportLeft(c.now(), *end); past || soon {
		return fail(check, fmt.Sprintf("%s %s leaves RDS standard support on %s (within %d days)", d.Engine, major, end.Format(time.DateOnly), platform.SupportWarningDays),
			"Database.EngineVersion in platform/defaults.go: a newer major (`aws rds describe-db-major-engine-versions --engine "+d.Engine+"`)")
	}
	if w := calendarWindow("Database.EngineVersion", c.Env); w.Version != "" && !sameDate(w.EndOfStandardSupport, *end) {
		return fail(check, fmt.Sprintf("RDS ends standard support for %s %s on %s, platform/support.go says %s", d.Engine, major, end.Format(time.DateOnly), w.EndOfStandardSupport.Format(time.DateOnly)),
			"RDSPostgresSupport in platform/support.go: take RDS's date")
	}
	return pass(check, "%s %s is offered in %s, standard support until %s", d.Engine, offeredAs, c.Env.Region, end.Format(time.DateOnly))
}

// checkInstanceClass: the instance class is orderable for that engine
// version in a VPC with the stack's storage type and, as configured,
// Multi-AZ, Performance Insights and read replicas.
//
// RDS DescribeOrderableDBInstanceOptions answers one OrderableDBInstanceOption
// per storage type and license with MultiAZCapable, ReadReplicaCapable,
// SupportsPerformanceInsights and StorageType
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeOrderableDBInstanceOptions.html).
func (c *Checker) checkInstanceClass(ctx context.Context) Result {
	const check = "rds instance class"
	d := c.Plan.Database
	if d == nil {
		return pass(check, "the stacks create no RDS instance")
	}
	fix := fmt.Sprintf("Database.InstanceClass in platform/defaults.go: a class `aws rds describe-orderable-db-instance-options --engine %s --engine-version %s --query 'OrderableDBInstanceOptions[].DBInstanceClass'` lists", d.Engine, d.EngineVersion)
	if c.rdsVersion == "" {
		return fail(check, fmt.Sprintf("%s cannot be checked before the engine version is settled", d.InstanceClass), "what the rds engine version check says first")
	}
	var options []rdstypes.OrderableDBInstanceOption
	p := rds.NewDescribeOrderableDBInstanceOptionsPaginator(c.AWS.RDS, &rds.DescribeOrderableDBInstanceOptionsInput{
		Engine:          aws.String(d.Engine),
		EngineVersion:   aws.String(c.rdsVersion),
		DBInstanceClass: aws.String(d.InstanceClass),
		Vpc:             aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return c.callFailed(check, "rds:DescribeOrderableDBInstanceOptions", err)
		}
		options = append(options, page.OrderableDBInstanceOptions...)
	}
	if len(options) == 0 {
		return fail(check, fmt.Sprintf("%s is not orderable for %s %s in %s", d.InstanceClass, d.Engine, c.rdsVersion, c.Env.Region), fix)
	}
	var need []string
	if d.StorageType != "" {
		need = append(need, d.StorageType+" storage")
	}
	if d.MultiAZ {
		need = append(need, "Multi-AZ (Database.MultiAZ)")
	}
	if d.PerformanceInsights {
		need = append(need, "Performance Insights")
	}
	if d.ReadReplica {
		need = append(need, "read replicas (Database.ReadReplica)")
	}
	for _, o := range options {
		ok := (d.StorageType == "" || aws.ToString(o.StorageType) == d.StorageType) &&
			(!d.MultiAZ || aws.ToBool(o.MultiAZCapable)) &&
			(!d.PerformanceInsights || aws.ToBool(o.SupportsPerformanceInsights)) &&
			(!d.ReadReplica || aws.ToBool(o.ReadReplicaCapable))
		if ok {
			return pass(check, "%s is orderable for %s %s in %s with %s", d.InstanceClass, d.Engine, c.rdsVersion, c.Env.Region, strings.Join(need, ", "))
		}
	}
	return fail(check, fmt.Sprintf("%s is orderable for %s %s in %s, but no option has all of: %s", d.InstanceClass, d.Engine, c.rdsVersion, c.Env.Region, strings.Join(need, ", ")),
		fix+" with "+strings.Join(need, ", "))
}
