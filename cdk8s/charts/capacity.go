package charts

import (
	"fmt"
	"strings"

	"github.com/shopstack/shopstack/platform"
)

// Demand is what one part of the storefront may request from the NodePool
// at its peak: Pods pods of CPUMilli/MemoryMiB each.
type Demand struct {
	Name      string
	Pods      int
	CPUMilli  int // request per pod
	MemoryMiB int // request per pod
	// CPULimitMilli/MemoryLimitMiB are the limits per pod (for the quota).
	CPULimitMilli, MemoryLimitMiB int
}

// TotalCPUMilli is Pods x CPUMilli.
func (d Demand) TotalCPUMilli() int { return d.Pods * d.CPUMilli }

// TotalMemoryMiB is Pods x MemoryMiB.
func (d Demand) TotalMemoryMiB() int { return d.Pods * d.MemoryMiB }

// CapacityPlan is the storefront's worst case against the NodePool limits:
// every HPA at maxReplicas, a rolling update's surge on top, the migration
// Job, and the system overhead of the config.
type CapacityPlan struct {
	Env            string
	Demands        []Demand
	LimitCPUMilli  int
	LimitMemoryMiB int
}

// defaultMaxSurge is the rolling-update surge of both Deployments (see
// HTTPWorkloadProps.MaxSurge); the plan and the quota count it.
const defaultMaxSurge = "25%"

// PlanCapacity computes the plan of env. It reads only the config, so it is
// cheap and runs before any chart is built. The capacity functions take
// the platform.Environment (they are pure computations over the config,
// not constructs) and read it through Build's mapping.
func PlanCapacity(env platform.Environment) CapacityPlan {
	p := CapacityPlan{
		Env:            env.Name,
		LimitCPUMilli:  env.NodePool.CPULimit * 1000,
		LimitMemoryMiB: env.NodePool.MemoryLimitGiB * 1024,
	}
	p.Demands = append(p.Demands, StorefrontDemands(env)...)
	p.Demands = append(p.Demands, Demand{
		Name: "system overhead", Pods: 1,
		CPUMilli: env.NodePool.SystemOverheadCPUMilli, MemoryMiB: env.NodePool.SystemOverheadMemoryMiB,
	})
	return p
}

// StorefrontDemands are the pods of namespace env.Names.Namespace at their
// peak: both HPAs at maxReplicas, each rollout's surge, and the migration
// Job. A pod's demand is the sum of its containers (the frontend's includes
// FrontendSidecars). The ResourceQuota is sized from the same numbers. They
// are read from the props Build gives the constructs (backendProps,
// frontendProps, migrationJobProps), so the plan counts what is rendered.
func StorefrontDemands(env platform.Environment) []Demand {
	d := func(name string, pods int, r Resources) Demand {
		return Demand{Name: name, Pods: pods,
			CPUMilli: r.CPURequestMilli, MemoryMiB: r.MemoryRequestMiB,
			CPULimitMilli: r.CPULimitMilli, MemoryLimitMiB: r.MemoryLimitMiB}
	}
	backend, frontend, migration := backendProps(env), frontendProps(env).withDefaults(), migrationJobProps(env)
	backendPod := PodResources(backend.Sizing, nil)
	frontendPod := PodResources(frontend.Sizing, FrontendSidecars(frontend.ExporterImage))
	return []Demand{
		d(backend.Name+" at maxReplicas", backend.Sizing.MaxReplicas, backendPod),
		d(backend.Name+" rollout surge", SurgePods(backend.Sizing.MaxReplicas, defaultMaxSurge), backendPod),
		d(frontend.Name+" at maxReplicas", frontend.Sizing.MaxReplicas, frontendPod),
		d(frontend.Name+" rollout surge", SurgePods(frontend.Sizing.MaxReplicas, defaultMaxSurge), frontendPod),
		d("migration job", 1, migration.Resources),
	}
}

// storefrontContainers are the resources of every container the storefront
// runs (the LimitRange must admit each one).
func storefrontContainers(env platform.Environment) []Resources {
	frontend := frontendProps(env).withDefaults()
	out := []Resources{resourcesOf(backendProps(env).Sizing), resourcesOf(frontend.Sizing), migrationJobProps(env).Resources}
	for _, s := range FrontendSidecars(frontend.ExporterImage) {
		out = append(out, s.Resources)
	}
	return out
}

// TotalCPUMilli sums the demands.
func (p CapacityPlan) TotalCPUMilli() int {
	t := 0
	for _, d := range p.Demands {
		t += d.TotalCPUMilli()
	}
	return t
}

// TotalMemoryMiB sums the demands.
func (p CapacityPlan) TotalMemoryMiB() int {
	t := 0
	for _, d := range p.Demands {
		t += d.TotalMemoryMiB()
	}
	return t
}

// Check returns nil when the NodePool limits hold the plan, else an error
// that says which limit is short and by how much.
func (p CapacityPlan) Check() error {
	var short []string
	if need := p.TotalCPUMilli(); need > p.LimitCPUMilli {
		short = append(short, fmt.Sprintf("NodePool cpu limit %s vCPU is %s vCPU short of the %s vCPU requested at peak",
			vcpu(p.LimitCPUMilli), vcpu(need-p.LimitCPUMilli), vcpu(need)))
	}
	if need := p.TotalMemoryMiB(); need > p.LimitMemoryMiB {
		short = append(short, fmt.Sprintf("NodePool memory limit %d MiB (%s) is %d MiB short of the %d MiB requested at peak",
			p.LimitMemoryMiB, gib(p.LimitMemoryMiB), need-p.LimitMemoryMiB, need))
	}
	if len(short) == 0 {
		return nil
	}
	return fmt.Errorf("capacity (%s): %s; raise NodePool.CPULimit/MemoryLimitGiB or lower the HPA maxima or requests.\n%s",
		p.Env, strings.Join(short, "; "), p.String())
}

// String renders the plan as a small table (for errors and docs).
func (p CapacityPlan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-26s %5s %10s %12s\n", "demand", "pods", "cpu", "memory")
	for _, d := range p.Demands {
		fmt.Fprintf(&b, "%-26s %5d %10s %12s\n", d.Name, d.Pods, vcpu(d.TotalCPUMilli()), gib(d.TotalMemoryMiB()))
	}
	fmt.Fprintf(&b, "%-26s %5s %10s %12s\n", "total", "", vcpu(p.TotalCPUMilli()), gib(p.TotalMemoryMiB()))
	fmt.Fprintf(&b, "%-26s %5s %10s %12s\n", "NodePool limit", "", vcpu(p.LimitCPUMilli), gib(p.LimitMemoryMiB))
	return b.String()
}

// vcpu renders millicores as vCPUs: 3750 -> "3.75".
func vcpu(m int) string {
	s := fmt.Sprintf("%.3f", float64(m)/1000)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// gib renders MiB as GiB: 1536 -> "1.5 GiB".
func gib(mi int) string {
	s := fmt.Sprintf("%.2f", float64(mi)/1024)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + " GiB"
}

// CheckCapacity proves that the NodePool limits of env hold its peak.
func CheckCapacity(env platform.Environment) error { return PlanCapacity(env).Check() }

// LimitRange defaults for a container that sets no resources (an ad-hoc
// debugging pod); the quota keeps room for QuotaSparePods of them.
const (
	defaultRequestCPUMilli  = 100
	defaultRequestMemoryMiB = 128
	defaultLimitCPUMilli    = 200
	defaultLimitMemoryMiB   = 256
	QuotaSparePods          = 2
)

// containerDefaults sizes the storefront namespace's LimitRange: defaults
// for containers without resources, and a maximum that admits the largest
// workload of the config.
func containerDefaults(env platform.Environment) *ContainerDefaults {
	d := &ContainerDefaults{
		DefaultCPUMilli: defaultLimitCPUMilli, DefaultMemoryMiB: defaultLimitMemoryMiB,
		DefaultRequestCPUMilli: defaultRequestCPUMilli, DefaultRequestMemoryMiB: defaultRequestMemoryMiB,
	}
	for _, c := range storefrontContainers(env) {
		d.MaxCPUMilli = max(d.MaxCPUMilli, c.CPULimitMilli, defaultLimitCPUMilli)
		d.MaxMemoryMiB = max(d.MaxMemoryMiB, c.MemoryLimitMiB, defaultLimitMemoryMiB)
	}
	return d
}

// storefrontQuota admits every storefront pod at its peak (both HPAs at
// maxReplicas, each rollout's surge, the migration Job; sidecars included)
// plus QuotaSparePods
// pods at the LimitRange defaults, and nothing more.
func storefrontQuota(env platform.Environment) *Quota {
	q := &Quota{
		Pods:              QuotaSparePods,
		RequestsCPUMilli:  QuotaSparePods * defaultRequestCPUMilli,
		RequestsMemoryMiB: QuotaSparePods * defaultRequestMemoryMiB,
		LimitsCPUMilli:    QuotaSparePods * defaultLimitCPUMilli,
		LimitsMemoryMiB:   QuotaSparePods * defaultLimitMemoryMiB,
	}
	for _, d := range StorefrontDemands(env) {
		q.Pods += d.Pods
		q.RequestsCPUMilli += d.Pods * d.CPUMilli
		q.RequestsMemoryMiB += d.Pods * d.MemoryMiB
		q.LimitsCPUMilli += d.Pods * d.CPULimitMilli
		q.LimitsMemoryMiB += d.Pods * d.MemoryLimitMiB
	}
	return q
}
