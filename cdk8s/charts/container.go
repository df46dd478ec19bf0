package charts

import (
	"fmt"

	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/platform"
)

// The parts of a container that HTTPWorkload, the backend Jobs and
// ExternalDNS share: the restricted container itself, environment
// variables, resources, ports, probes, and the sidecars beside an HTTP
// server.

// restrictedContainer is what every container of the charts has: its name
// and image (pulled if not present), its requests and limits, PodSecurity
// "restricted" as the non-root uid, and the log tail as its termination
// message when it fails without one. Callers add args, env, ports, probes
// and mounts.
func restrictedContainer(name, image string, uid int, r Resources) *k8s.Container {
	return &k8s.Container{
		Name:                     str(name),
		Image:                    str(image),
		ImagePullPolicy:          str("IfNotPresent"),
		Resources:                resources(r),
		SecurityContext:          restrictedContainerSecurityContext(uid),
		TerminationMessagePolicy: str("FallbackToLogsOnError"),
	}
}

// tcpPort is a container's one named TCP port.
func tcpPort(name string, port int) *[]*k8s.ContainerPort {
	return &[]*k8s.ContainerPort{{Name: str(name), ContainerPort: num(port), Protocol: str("TCP")}}
}

// envVars renders plain environment variables; nil when there are none.
func envVars(vars []EnvVar) *[]*k8s.EnvVar {
	if len(vars) == 0 {
		return nil
	}
	out := make([]*k8s.EnvVar, 0, len(vars))
	for _, e := range vars {
		out = append(out, &k8s.EnvVar{Name: str(e.Name), Value: str(e.Value)})
	}
	return &out
}

// EnvVar is one plain environment variable of a container.
type EnvVar struct {
	Name  string
	Value string
}

// Resources are one container's CPU and memory requests and limits.
type Resources struct {
	CPURequestMilli, CPULimitMilli   int
	MemoryRequestMiB, MemoryLimitMiB int
}

// resourcesOf takes the requests and limits of a workload's config.
func resourcesOf(w platform.Workload) Resources {
	return Resources{
		CPURequestMilli: w.CPURequestMilli, CPULimitMilli: w.CPULimitMilli,
		MemoryRequestMiB: w.MemoryRequestMiB, MemoryLimitMiB: w.MemoryLimitMiB,
	}
}

// valid: requests above zero, limits at least the requests.
func (r Resources) valid() bool {
	return r.CPURequestMilli > 0 && r.MemoryRequestMiB > 0 && r.CPULimitMilli >= r.CPURequestMilli && r.MemoryLimitMiB >= r.MemoryRequestMiB
}

// plus adds o to r (the containers of one pod).
func (r Resources) plus(o Resources) Resources {
	return Resources{
		CPURequestMilli: r.CPURequestMilli + o.CPURequestMilli, CPULimitMilli: r.CPULimitMilli + o.CPULimitMilli,
		MemoryRequestMiB: r.MemoryRequestMiB + o.MemoryRequestMiB, MemoryLimitMiB: r.MemoryLimitMiB + o.MemoryLimitMiB,
	}
}

// Sidecar is a helper container in every pod of an HTTPWorkload, beside the
// server (e.g. a metrics exporter). It shares the pod's network namespace,
// so it reaches the server on 127.0.0.1. It serves one named HTTP port,
// which its liveness probe checks (it has no readiness probe; see
// sidecarContainer); it gets the restricted security context with its own
// uid and writes nowhere.
type Sidecar struct {
	// Name of the container; not the workload's. Required.
	Name string
	// Image is the full image reference, pinned; never ":latest". Required.
	Image string
	// Args are the container's arguments. Default: the image's CMD.
	Args []string
	// Port and PortName are the container port and its name; neither may
	// be the server's. Required.
	Port     int
	PortName string
	// ProbePath is probed on Port by the liveness probe (with the
	// workload's Liveness timing). Required.
	ProbePath string
	// UID is the non-root uid (and gid) the container runs as. Required.
	UID int
	// Resources are the container's requests and limits; the capacity plan
	// and the ResourceQuota count them for every pod. Required.
	Resources Resources
}

func (s Sidecar) validate(p HTTPWorkloadProps) error {
	switch {
	case s.Name == "" || s.Name == p.Name:
		return fmt.Errorf("HTTPWorkloadProps.Sidecars of %s: Name %q: want a container name other than the workload's", p.Name, s.Name)
	case s.Image == "":
		return fmt.Errorf("HTTPWorkloadProps.Sidecars of %s: %s: Image is required", p.Name, s.Name)
	case s.Port <= 0 || s.Port > 65535 || s.Port == p.Port:
		return fmt.Errorf("HTTPWorkloadProps.Sidecars of %s: %s: Port %d: want 1-65535 and not the server's %d", p.Name, s.Name, s.Port, p.Port)
	case s.PortName == "" || s.PortName == p.PortName:
		return fmt.Errorf("HTTPWorkloadProps.Sidecars of %s: %s: PortName %q: want a name other than the server's %q", p.Name, s.Name, s.PortName, p.PortName)
	case s.ProbePath == "":
		return fmt.Errorf("HTTPWorkloadProps.Sidecars of %s: %s: ProbePath is required", p.Name, s.Name)
	case s.UID <= 0:
		return fmt.Errorf("HTTPWorkloadProps.Sidecars of %s: %s: UID %d: want a non-root uid (> 0)", p.Name, s.Name, s.UID)
	case !s.Resources.valid():
		return fmt.Errorf("HTTPWorkloadProps.Sidecars of %s: %s: Resources %+v: want requests > 0 and limits >= requests", p.Name, s.Name, s.Resources)
	}
	return nil
}

// PodResources are the requests and limits of one pod of a workload sized w
// with these sidecars: what the capacity plan and the quota count per pod.
func PodResources(w platform.Workload, sidecars []Sidecar) Resources {
	r := resourcesOf(w)
	for _, s := range sidecars {
		r = r.plus(s.Resources)
	}
	return r
}

// ProbeTiming is when and how often one probe runs.
type ProbeTiming struct {
	PeriodSeconds    int
	TimeoutSeconds   int
	FailureThreshold int
}

// httpGetProbe checks path on the named port over HTTP with timing t.
func httpGetProbe(path, portName string, t ProbeTiming) *k8s.Probe {
	return &k8s.Probe{
		HttpGet:          &k8s.HttpGetAction{Path: str(path), Port: intOrStr(portName), Scheme: str("HTTP")},
		PeriodSeconds:    num(t.PeriodSeconds),
		TimeoutSeconds:   num(t.TimeoutSeconds),
		FailureThreshold: num(t.FailureThreshold),
		SuccessThreshold: num(1),
	}
}

// sidecarContainer renders one Sidecar: its port, a liveness probe on that
// port with the server's liveness timing, restricted security context under
// its own uid (it writes nothing, so it needs no volume). A sidecar gets no
// readiness probe on purpose: a pod is ready only when all its containers
// are, so a hung metrics exporter would take a healthy storefront pod out
// of the Service; liveness restarts the exporter instead.
func sidecarContainer(sc Sidecar, liveness ProbeTiming) *k8s.Container {
	c := restrictedContainer(sc.Name, sc.Image, sc.UID, sc.Resources)
	c.Ports = tcpPort(sc.PortName, sc.Port)
	c.LivenessProbe = httpGetProbe(sc.ProbePath, sc.PortName, liveness)
	if len(sc.Args) > 0 {
		c.Args = strs(sc.Args...)
	}
	return c
}
