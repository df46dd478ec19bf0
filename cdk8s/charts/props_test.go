package charts_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/platform"
)

func TestMigrationJobName(t *testing.T) {
	long := strings.Repeat("a1b2c3d4", 12) // 96 characters
	named := regexp.MustCompile(`^backend-migrate-([a-z0-9-]+)-([0-9a-f]{8})$`)
	tests := []struct {
		tag, want string // want: the tag part
	}{
		{"0.1.0", "0-1-0"},
		{"v1.2.3-rc_1", "v1-2-3-rc-1"},
		{"3f9a2c1", "3f9a2c1"},
		{"Release_2026.11", "release-2026-11"},
	}
	for _, tc := range tests {
		env := platform.Dev()
		env.Images.Tag = tc.tag
		got := charts.MigrationJobName(env)
		if m := named.FindStringSubmatch(got); m == nil || m[1] != tc.want {
			t.Errorf("tag %q: %q, want backend-migrate-%s-<8 hex>", tc.tag, got, tc.want)
		}
	}

	// Same release, same template: the same Job (applying twice runs it
	// once). A changed template under the same tag (here the pool size in
	// its environment) is a new Job: the API server refuses to change a
	// Job's template (the review diff's immutable-field finding).
	base, pool := platform.Prod(), platform.Prod()
	pool.Database.PoolMaxConns++
	if charts.MigrationJobName(base) != charts.MigrationJobName(platform.Prod()) {
		t.Error("the same environment gives two Job names")
	}
	if charts.MigrationJobName(base) == charts.MigrationJobName(pool) {
		t.Errorf("a changed migration template keeps the Job name %q", charts.MigrationJobName(base))
	}
	// Quantities are part of the rendered template too.
	cpu := platform.Prod()
	cpu.Backend.CPULimitMilli += 100
	if charts.MigrationJobName(base) == charts.MigrationJobName(cpu) {
		t.Errorf("a changed CPU limit keeps the Job name %q", charts.MigrationJobName(base))
	}

	label := regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	a, b := platform.Dev(), platform.Dev()
	a.Images.Tag, b.Images.Tag = long, long[:len(long)-1]+"x"
	na, nb := charts.MigrationJobName(a), charts.MigrationJobName(b)
	for _, n := range []string{na, nb} {
		if len(n) > 63 || !label.MatchString(n) {
			t.Errorf("%q: not a DNS label of at most 63 characters", n)
		}
	}
	if na == nb {
		t.Errorf("two long tags that differ only at the end share the Job name %q", na)
	}
}

// TestHTTPWorkloadRefusesBadProps: invalid props fail synthesis with an
// error that names the field, the value and what is allowed.
func TestHTTPWorkloadRefusesBadProps(t *testing.T) {
	env := platform.Dev()
	good := func() *charts.HTTPWorkloadProps {
		return &charts.HTTPWorkloadProps{
			Name: "web", Namespace: "shop", Image: "registry.example/web:1.0.0",
			Port: 8080, PortName: "http", LivenessPath: "/healthz", UID: 1000, Sizing: env.Frontend,
		}
	}
	tests := []struct {
		name  string
		edit  func(p *charts.HTTPWorkloadProps)
		wants []string
	}{
		{"grace shorter than preStop + drain", func(p *charts.HTTPWorkloadProps) {
			p.PreStopSleepSeconds, p.DrainSeconds, p.TerminationGracePeriodSeconds = 10, 20, 30
		}, []string{"TerminationGracePeriodSeconds", "= 30", "more than PreStopSleepSeconds + DrainSeconds (30)"}},
		{"root uid", func(p *charts.HTTPWorkloadProps) { p.UID = 0 }, []string{"UID", "= 0", "non-root"}},
		{"no image", func(p *charts.HTTPWorkloadProps) { p.Image = "" }, []string{"Image", "required"}},
		{"no requests", func(p *charts.HTTPWorkloadProps) { p.Sizing.CPURequestMilli = 0 }, []string{"Sizing", "requests"}},
		{"sidecar on the server's port", func(p *charts.HTTPWorkloadProps) {
			p.Sidecars = []charts.Sidecar{sidecar()}
			p.Sidecars[0].Port = 8080
		}, []string{"Sidecars", "exporter", "Port 8080", "not the server's 8080"}},
		{"sidecar named like the server's port", func(p *charts.HTTPWorkloadProps) {
			p.Sidecars = []charts.Sidecar{sidecar()}
			p.Sidecars[0].PortName = "http"
		}, []string{"Sidecars", "PortName \"http\"", "other than the server's"}},
		{"sidecar as root", func(p *charts.HTTPWorkloadProps) {
			p.Sidecars = []charts.Sidecar{sidecar()}
			p.Sidecars[0].UID = 0
		}, []string{"Sidecars", "exporter", "UID 0", "non-root"}},
		{"sidecar without requests", func(p *charts.HTTPWorkloadProps) {
			p.Sidecars = []charts.Sidecar{sidecar()}
			p.Sidecars[0].Resources.MemoryRequestMiB = 0
		}, []string{"Sidecars", "exporter", "Resources", "requests > 0"}},
		{"two sidecars with one port name", func(p *charts.HTTPWorkloadProps) {
			second := sidecar()
			second.Name, second.Port = "other", 9114
			p.Sidecars = []charts.Sidecar{sidecar(), second}
		}, []string{"Sidecars", "used twice"}},
		{"metrics port nobody has", func(p *charts.HTTPWorkloadProps) { p.MetricsPortName = "metrics" }, []string{"MetricsPortName", `"metrics"`, "server's port name or a sidecar's"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := good()
			tc.edit(p)
			var got any
			func() {
				defer func() { got = recover() }()
				app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(t.TempDir())})
				charts.NewHTTPWorkload(cdk8s.NewChart(app, jsii.String("c"), nil), "w", p)
			}()
			if got == nil {
				t.Fatalf("accepted %+v", p)
			}
			for _, w := range tc.wants {
				if !strings.Contains(fmt.Sprint(got), w) {
					t.Errorf("error %q does not say %q", got, w)
				}
			}
		})
	}
}

// sidecar is a valid Sidecar for the props tests.
func sidecar() charts.Sidecar {
	return charts.Sidecar{
		Name: "exporter", Image: "registry.example/exporter:1.0.0", Port: 9113, PortName: "metrics",
		ProbePath: "/metrics", UID: 1001,
		Resources: charts.Resources{CPURequestMilli: 10, CPULimitMilli: 50, MemoryRequestMiB: 16, MemoryLimitMiB: 32},
	}
}

// TestHTTPWorkloadWithSidecar: a sidecar's port can be the metrics port,
// and the pod's resources are the sum of its containers.
// webWithSidecar is a workload "web" on port 8080 ("http") with sidecar()
// serving its metrics.
func webWithSidecar(t *testing.T) *charts.HTTPWorkload {
	app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(t.TempDir())})
	return charts.NewHTTPWorkload(cdk8s.NewChart(app, jsii.String("c"), nil), "w", &charts.HTTPWorkloadProps{
		Name: "web", Namespace: "shop", Image: "registry.example/web:1.0.0",
		Port: 8080, PortName: "http", LivenessPath: "/healthz", UID: 1000, Sizing: platform.Dev().Frontend,
		Sidecars: []charts.Sidecar{sidecar()}, MetricsPortName: "metrics",
	})
}

func TestHTTPWorkloadWithSidecar(t *testing.T) {
	w := webWithSidecar(t)
	if got := w.MetricsPort(); got != 9113 {
		t.Errorf("MetricsPort() = %d, want the sidecar's 9113", got)
	}
	f := platform.Dev().Frontend
	want := charts.Resources{
		CPURequestMilli: f.CPURequestMilli + 10, CPULimitMilli: f.CPULimitMilli + 50,
		MemoryRequestMiB: f.MemoryRequestMiB + 16, MemoryLimitMiB: f.MemoryLimitMiB + 32,
	}
	if got := charts.PodResources(f, []charts.Sidecar{sidecar()}); got != want {
		t.Errorf("PodResources = %+v, want %+v", got, want)
	}
}

func TestSurgePods(t *testing.T) {
	for _, tc := range []struct {
		max   int
		surge string
		want  int
	}{{20, "25%", 5}, {10, "25%", 3}, {2, "25%", 1}, {10, "2", 2}, {7, "100%", 7}} {
		if got := charts.SurgePods(tc.max, tc.surge); got != tc.want {
			t.Errorf("SurgePods(%d, %q) = %d, want %d", tc.max, tc.surge, got, tc.want)
		}
	}
}

// TestHTTPWorkloadExposes: what other constructs read from a workload
// (Build's ingress routes, the storefront's NetworkPolicies) comes from its
// methods, resolved from its props.
func TestHTTPWorkloadExposes(t *testing.T) {
	w := webWithSidecar(t)
	for _, c := range []struct {
		method    string
		got, want any
	}{
		{"Name()", w.Name(), "web"},
		{"PortName()", w.PortName(), "http"},
		{"Port()", w.Port(), 8080},
		{"MetricsPort()", w.MetricsPort(), 9113},
		{"ContainerPorts()", fmt.Sprint(w.ContainerPorts()), "[8080 9113]"},
		{"Selector()", fmt.Sprint(w.Selector()), "map[app.kubernetes.io/name:web app.kubernetes.io/part-of:shopstack]"},
		{"Deployment() name", *w.Deployment().Name(), "web"},
		{"Service() name", *w.Service().Name(), "web"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.method, c.got, c.want)
		}
	}
	// Selector is a copy: a caller cannot change which pods the workload's
	// own objects select.
	w.Selector()[charts.LabelName] = "other"
	if got := w.Selector()[charts.LabelName]; got != "web" {
		t.Errorf("Selector() after a caller edited its result: name %q, want web", got)
	}
}

// TestBackendPropsRequired: each required field of the backend's props
// (the shared BackendPodProps and its own) is named when missing, after
// the path of the construct.
func TestBackendPropsRequired(t *testing.T) {
	env := platform.Dev()
	pod := []struct {
		field string
		clear func(*charts.BackendPodProps)
	}{
		{"Name", func(p *charts.BackendPodProps) { p.Name = "" }},
		{"Namespace", func(p *charts.BackendPodProps) { p.Namespace = "" }},
		{"Image", func(p *charts.BackendPodProps) { p.Image = "" }},
		{"Version", func(p *charts.BackendPodProps) { p.Version = "" }},
		{"ServiceAccountName", func(p *charts.BackendPodProps) { p.ServiceAccountName = "" }},
		{"Region", func(p *charts.BackendPodProps) { p.Region = "" }},
		{"DatabaseSecretName", func(p *charts.BackendPodProps) { p.DatabaseSecretName = "" }},
		{"DatabasePoolMaxConns", func(p *charts.BackendPodProps) { p.DatabasePoolMaxConns = 0 }},
	}
	type tc struct {
		name, want string
		build      func(constructs.Construct)
	}
	var cases []tc
	for _, f := range pod {
		b, m := charts.BackendPropsOf(env), charts.MigrationJobPropsOf(env)
		f.clear(&b.BackendPodProps)
		f.clear(&m.BackendPodProps)
		cases = append(cases,
			tc{"backend " + f.field, "BackendProps." + f.field + " is required", func(s constructs.Construct) { charts.NewBackend(s, "x", b) }},
			tc{"migration " + f.field, "MigrationJobProps." + f.field + " is required", func(s constructs.Construct) { charts.NewMigrationJob(s, "x", m) }})
	}
	for field, clear := range map[string]func(*charts.BackendProps){
		"SMTPHost":       func(p *charts.BackendProps) { p.SMTPHost = "" },
		"SMTPPort":       func(p *charts.BackendProps) { p.SMTPPort = 0 },
		"SMTPFrom":       func(p *charts.BackendProps) { p.SMTPFrom = "" },
		"SMTPSecretName": func(p *charts.BackendProps) { p.SMTPSecretName = "" },
		"PublicURL":      func(p *charts.BackendProps) { p.PublicURL = "" },
	} {
		b := charts.BackendPropsOf(env)
		clear(b)
		cases = append(cases, tc{"backend " + field, "BackendProps." + field + " is required", func(s constructs.Construct) { charts.NewBackend(s, "x", b) }})
	}
	m := charts.MigrationJobPropsOf(env)
	m.Resources.CPURequestMilli = 0
	cases = append(cases, tc{"migration resources", "MigrationJobProps.Resources", func(s constructs.Construct) { charts.NewMigrationJob(s, "x", m) }})
	f := charts.FrontendPropsOf(env)
	f.Image = ""
	cases = append(cases, tc{"frontend Image", "FrontendProps.Image is required", func(s constructs.Construct) { charts.NewFrontend(s, "x", f) }})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := panicOf(t, func(s constructs.Construct, _ bool) { c.build(s) }, false)
			if msg := fmt.Sprint(got); got == nil || !strings.HasPrefix(msg, "c/x: ") || !strings.Contains(msg, c.want) {
				t.Errorf("panic %q, want one starting with c/x: that says %q", msg, c.want)
			}
		})
	}
}
