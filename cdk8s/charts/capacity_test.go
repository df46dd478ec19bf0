package charts_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/platform"
)

// peak recomputes, independently of charts.PlanCapacity, what the storefront
// may request at its peak: both HPAs at maxReplicas plus a 25% rollout
// surge (rounded up), the migration Job (backend-sized) and the overhead.
// A frontend pod is nginx plus the exporter sidecar (10m, 16Mi requested).
func peak(env platform.Environment) (cpuMilli, memMiB int) {
	surge := func(n int) int { return (n*25 + 99) / 100 }
	b, f := env.Backend, env.Frontend
	cpuMilli = (b.MaxReplicas+surge(b.MaxReplicas)+1)*b.CPURequestMilli +
		(f.MaxReplicas+surge(f.MaxReplicas))*(f.CPURequestMilli+10) + env.NodePool.SystemOverheadCPUMilli
	memMiB = (b.MaxReplicas+surge(b.MaxReplicas)+1)*b.MemoryRequestMiB +
		(f.MaxReplicas+surge(f.MaxReplicas))*(f.MemoryRequestMiB+16) + env.NodePool.SystemOverheadMemoryMiB
	return
}

// TestCapacityCountsEveryContainer: the plan's per-pod demand of each
// storefront Deployment is the sum of the requests and limits of all the
// containers the synthesized pod template runs (sidecars included), so a
// container added to a pod cannot escape the capacity proof or the quota.
func TestCapacityCountsEveryContainer(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		demands := map[string]charts.Demand{}
		for _, d := range charts.StorefrontDemands(env) {
			demands[d.Name] = d
		}
		for _, name := range []string{env.Names.Backend, env.Names.Frontend} {
			var dep appsv1.Deployment
			find(t, docs, "Deployment", env.Names.Namespace, name, &dep)
			var cpuReq, memReq, cpuLim, memLim int64
			for _, c := range dep.Spec.Template.Spec.Containers {
				cpuReq += c.Resources.Requests.Cpu().MilliValue()
				memReq += c.Resources.Requests.Memory().Value() >> 20
				cpuLim += c.Resources.Limits.Cpu().MilliValue()
				memLim += c.Resources.Limits.Memory().Value() >> 20
			}
			for _, suffix := range []string{" at maxReplicas", " rollout surge"} {
				d, ok := demands[name+suffix]
				if !ok {
					t.Errorf("no demand %q in the plan", name+suffix)
					continue
				}
				got := [4]int64{int64(d.CPUMilli), int64(d.MemoryMiB), int64(d.CPULimitMilli), int64(d.MemoryLimitMiB)}
				want := [4]int64{cpuReq, memReq, cpuLim, memLim}
				if got != want {
					t.Errorf("%s%s: plan per pod %v (cpu req, mem req, cpu lim, mem lim), the pod's %d containers sum to %v",
						name, suffix, got, len(dep.Spec.Template.Spec.Containers), want)
				}
			}
		}
	})
}

func TestCapacityFitsEveryEnvironment(t *testing.T) {
	envs, err := platform.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range envs {
		plan := charts.PlanCapacity(env)
		cpu, mem := peak(env)
		if plan.TotalCPUMilli() != cpu || plan.TotalMemoryMiB() != mem {
			t.Errorf("%s: plan %dm / %dMi, independent sum %dm / %dMi\n%s", env.Name, plan.TotalCPUMilli(), plan.TotalMemoryMiB(), cpu, mem, plan)
		}
		if err := plan.Check(); err != nil {
			t.Errorf("%s: %v", env.Name, err)
		}
		t.Logf("%s:\n%s", env.Name, plan)
	}
}

func TestCapacityShortfallSaysByHowMuch(t *testing.T) {
	env := platform.Dev()
	cpu, mem := peak(env) // dev: 11930m, 16720Mi (13 frontend pods x 10m/16Mi of sidecar)
	tests := []struct {
		name       string
		cpuLimit   int
		memLimit   int
		want       []string
		wantAbsent string
	}{
		{
			name: "cpu short", cpuLimit: 8, memLimit: 128,
			want:       []string{fmt.Sprintf("NodePool cpu limit 8 vCPU is %s vCPU short of the %s vCPU", vcpu(cpu-8000), vcpu(cpu))},
			wantAbsent: "memory limit",
		},
		{
			name: "memory short", cpuLimit: 32, memLimit: 16,
			want:       []string{fmt.Sprintf("NodePool memory limit 16384 MiB (16 GiB) is %d MiB short of the %d MiB", mem-16384, mem)},
			wantAbsent: "cpu limit",
		},
		{
			name: "both short", cpuLimit: 4, memLimit: 8,
			want: []string{
				fmt.Sprintf("cpu limit 4 vCPU is %s vCPU short", vcpu(cpu-4000)),
				fmt.Sprintf("memory limit 8192 MiB (8 GiB) is %d MiB short", mem-8192),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := env
			e.NodePool.CPULimit, e.NodePool.MemoryLimitGiB = tc.cpuLimit, tc.memLimit
			err := charts.CheckCapacity(e)
			if err == nil {
				t.Fatalf("CheckCapacity accepted limits %d vCPU / %d GiB for a peak of %dm / %dMi", tc.cpuLimit, tc.memLimit, cpu, mem)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not say %q", err, w)
				}
			}
			if tc.wantAbsent != "" && strings.Contains(err.Error(), tc.wantAbsent) {
				t.Errorf("error %q mentions %q, which fits", err, tc.wantAbsent)
			}
		})
	}

	// Exactly at the limit fits (the check is >, not >=).
	e := env
	e.NodePool.SystemOverheadCPUMilli += 32000 - cpu
	if err := charts.CheckCapacity(e); err != nil {
		t.Errorf("a peak of exactly the cpu limit was refused: %v", err)
	}
}

// TestBuildRefusesAPoolTooSmall: the check guards synthesis itself, so a
// config that cannot scale never reaches dist/.
func TestBuildRefusesAPoolTooSmall(t *testing.T) {
	env := platform.Dev()
	env.NodePool.CPULimit = 8
	dir := t.TempDir()
	var got any
	func() {
		defer func() { got = recover() }()
		app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(dir), YamlOutputType: cdk8s.YamlOutputType_FILE_PER_CHART})
		charts.Build(app, env)
		app.Synth()
	}()
	if got == nil {
		t.Fatalf("Build accepted a NodePool cpu limit of 8 vCPU")
	}
	if msg := fmt.Sprint(got); !strings.HasPrefix(msg, "cluster/nodepool: ") ||
		!strings.Contains(msg, "NodePool cpu limit 8 vCPU is 3.93 vCPU short of the 11.93 vCPU requested at peak") {
		t.Errorf("Build panicked with %q", msg)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Build wrote %d files before refusing", len(entries))
	}
}

func vcpu(m int) string {
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", float64(m)/1000), "0"), ".")
	return s
}
