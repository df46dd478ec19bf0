package charts

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/platform"
)

// HTTPWorkloadProps configures an HTTPWorkload: a stateless HTTP server
// behind a ClusterIP Service, scaled by an HPA and protected by a PDB.
type HTTPWorkloadProps struct {
	// Name of the Deployment, Service, HPA and PDB, and the value of
	// app.kubernetes.io/name. Required.
	Name string
	// Namespace the objects live in. Required.
	Namespace string
	// Component is app.kubernetes.io/component, e.g. "api" or "web".
	// Default: Name.
	Component string
	// Version is app.kubernetes.io/version on the pods (the image tag).
	// Default: no version label.
	Version string
	// Image is the full image reference; never ":latest". Required.
	Image string
	// Args are the container's arguments. Default: the image's CMD.
	Args []string
	// Env are the container's environment variables. Default: none.
	Env []EnvVar
	// Port and PortName are the container port and its name; the Service
	// exposes the same number and name. Required.
	Port     int
	PortName string
	// LivenessPath is probed by the startup and liveness probes. Required.
	LivenessPath string
	// ReadinessPath is probed by the readiness probe. Default: LivenessPath.
	ReadinessPath string
	// Sizing holds requests, limits and HPA bounds and targets. Required.
	Sizing platform.Workload
	// UID is the non-root uid (and gid) the container runs as. Required.
	UID int
	// ServiceAccountName is the pod's ServiceAccount. Default: "default".
	ServiceAccountName string
	// WritablePaths get an emptyDir each (the root filesystem is read-only).
	// Default: ["/tmp"].
	WritablePaths []string
	// WritableSizeLimitMiB caps each emptyDir. Default: 64.
	WritableSizeLimitMiB int
	// PreStopSleepSeconds keeps a terminating pod serving while the ALB and
	// kube-proxy stop sending it new requests. Default: 10.
	PreStopSleepSeconds int
	// DrainSeconds is the longest the process takes to finish in-flight
	// requests after SIGTERM. Default: 20.
	DrainSeconds int
	// TerminationGracePeriodSeconds bounds preStop + drain; it must exceed
	// their sum. Default: PreStopSleepSeconds + DrainSeconds + 10.
	TerminationGracePeriodSeconds int
	// Startup, Liveness and Readiness time the probes.
	// Default: startup every 2 s up to 30 failures (a minute to start),
	// liveness every 10 s, 3 failures; readiness every 5 s, 2 failures;
	// timeouts 2 s.
	Startup, Liveness, Readiness ProbeTiming
	// ServiceAnnotations are added to the Service (e.g. the ALB health
	// check path). Default: none.
	ServiceAnnotations map[string]string
	// NodeSelector pins the pods to nodes (e.g. a NodePool). Default: none.
	NodeSelector map[string]string
	// MaxSurge is the rolling update's surge; maxUnavailable is always 0 so
	// that capacity never drops during a rollout. Default: "25%".
	MaxSurge string
	// ScaleUpPercent and ScaleUpPods bound one minute of HPA scale-up; the
	// larger wins. Default: 100 (double) and 4.
	ScaleUpPercent, ScaleUpPods int
	// ScaleDownPercent bounds one minute of HPA scale-down after the
	// stabilization window (Sizing.ScaleDownStabilizationSeconds). Default: 50.
	ScaleDownPercent int
	// Sidecars run beside the server in every pod. With sidecars the HPA
	// scales on the server container's own utilization (ContainerResource
	// metrics), not on the pod's sum, so a sidecar's usage never moves the
	// replica count. Default: none.
	Sidecars []Sidecar
	// MetricsPortName is the container port (the server's or a sidecar's)
	// Prometheus scrapes; the storefront's NetworkPolicy admits Prometheus
	// to that port only. Default: PortName.
	MetricsPortName string
}

// HTTPWorkload is the Deployment, Service, HorizontalPodAutoscaler and
// PodDisruptionBudget of one HTTP server. Like cdk8s-plus' Deployment it
// exposes what other constructs need (its name, ports, pod selector) as
// methods; its props stay its own.
type HTTPWorkload struct {
	constructs.Construct
	props      HTTPWorkloadProps // with defaults resolved
	selector   map[string]string // the pods' selector labels
	labels     map[string]string // selector labels plus the component
	deployment k8s.KubeDeployment
	service    k8s.KubeService
	hpa        k8s.KubeHorizontalPodAutoscalerV2
	pdb        k8s.KubePodDisruptionBudget
}

// Name is the name of the workload's Deployment, Service, HPA and PDB, and
// the app.kubernetes.io/name of its pods.
func (w *HTTPWorkload) Name() string { return w.props.Name }

// PortName is the name of the server's port, on the container and the
// Service (what an Ingress backend names).
func (w *HTTPWorkload) PortName() string { return w.props.PortName }

// Port is the server's port number, on the container and the Service.
func (w *HTTPWorkload) Port() int { return w.props.Port }

// MetricsPort is the number of the port Prometheus scrapes (the server's
// or a sidecar's; HTTPWorkloadProps.MetricsPortName).
func (w *HTTPWorkload) MetricsPort() int { return w.props.metricsPort() }

// ContainerPorts are the numbers of every container port of a pod: the
// server's first, then each sidecar's (what the kubelet probes).
func (w *HTTPWorkload) ContainerPorts() []int {
	ports := []int{w.props.Port}
	for _, s := range w.props.Sidecars {
		ports = append(ports, s.Port)
	}
	return ports
}

// Selector returns the labels that select the workload's pods (a copy).
func (w *HTTPWorkload) Selector() map[string]string { return merge(w.selector, nil) }

// Deployment, Service, HPA and PDB are the workload's objects (escape
// hatches, like cdk8s-plus' ApiObject()).
func (w *HTTPWorkload) Deployment() k8s.KubeDeployment         { return w.deployment }
func (w *HTTPWorkload) Service() k8s.KubeService               { return w.service }
func (w *HTTPWorkload) HPA() k8s.KubeHorizontalPodAutoscalerV2 { return w.hpa }
func (w *HTTPWorkload) PDB() k8s.KubePodDisruptionBudget       { return w.pdb }

func (p HTTPWorkloadProps) withDefaults() HTTPWorkloadProps {
	defaultTo(&p.Component, p.Name)
	defaultTo(&p.ReadinessPath, p.LivenessPath)
	defaultTo(&p.ServiceAccountName, "default")
	if p.WritablePaths == nil {
		p.WritablePaths = []string{"/tmp"}
	}
	defaultTo(&p.WritableSizeLimitMiB, 64)
	defaultTo(&p.PreStopSleepSeconds, 10)
	defaultTo(&p.DrainSeconds, 20)
	defaultTo(&p.TerminationGracePeriodSeconds, p.PreStopSleepSeconds+p.DrainSeconds+10)
	defaultTo(&p.Startup, ProbeTiming{PeriodSeconds: 2, TimeoutSeconds: 2, FailureThreshold: 30})
	defaultTo(&p.Liveness, ProbeTiming{PeriodSeconds: 10, TimeoutSeconds: 2, FailureThreshold: 3})
	defaultTo(&p.Readiness, ProbeTiming{PeriodSeconds: 5, TimeoutSeconds: 2, FailureThreshold: 2})
	defaultTo(&p.MaxSurge, defaultMaxSurge)
	defaultTo(&p.ScaleUpPercent, 100)
	defaultTo(&p.ScaleUpPods, 4)
	defaultTo(&p.ScaleDownPercent, 50)
	defaultTo(&p.MetricsPortName, p.PortName)
	return p
}

func (p HTTPWorkloadProps) validate() error {
	switch {
	case p.Name == "":
		return fmt.Errorf("HTTPWorkloadProps.Name is required")
	case p.Namespace == "":
		return fmt.Errorf("HTTPWorkloadProps.Namespace of %s is required", p.Name)
	case p.Image == "":
		return fmt.Errorf("HTTPWorkloadProps.Image of %s is required", p.Name)
	case p.Port <= 0 || p.Port > 65535:
		return fmt.Errorf("HTTPWorkloadProps.Port of %s = %d: want 1-65535", p.Name, p.Port)
	case p.PortName == "":
		return fmt.Errorf("HTTPWorkloadProps.PortName of %s is required", p.Name)
	case p.LivenessPath == "":
		return fmt.Errorf("HTTPWorkloadProps.LivenessPath of %s is required", p.Name)
	case p.UID <= 0:
		return fmt.Errorf("HTTPWorkloadProps.UID of %s = %d: want a non-root uid (> 0)", p.Name, p.UID)
	case p.TerminationGracePeriodSeconds <= p.PreStopSleepSeconds+p.DrainSeconds:
		return fmt.Errorf("HTTPWorkloadProps.TerminationGracePeriodSeconds of %s = %d: want more than PreStopSleepSeconds + DrainSeconds (%d)",
			p.Name, p.TerminationGracePeriodSeconds, p.PreStopSleepSeconds+p.DrainSeconds)
	case p.Sizing.MinReplicas < 1 || p.Sizing.MaxReplicas < p.Sizing.MinReplicas:
		return fmt.Errorf("HTTPWorkloadProps.Sizing of %s: replicas %d-%d: want 1 <= min <= max", p.Name, p.Sizing.MinReplicas, p.Sizing.MaxReplicas)
	case p.Sizing.CPURequestMilli <= 0 || p.Sizing.MemoryRequestMiB <= 0:
		return fmt.Errorf("HTTPWorkloadProps.Sizing of %s: the HPA needs CPU and memory requests", p.Name)
	}
	names := map[string]bool{p.Name: true}
	portNames := map[string]bool{p.PortName: true}
	ports := map[int]bool{p.Port: true}
	for _, s := range p.Sidecars {
		if err := s.validate(p); err != nil {
			return err
		}
		if names[s.Name] || portNames[s.PortName] || ports[s.Port] {
			return fmt.Errorf("HTTPWorkloadProps.Sidecars of %s: %s: container name, port name %q or port %d used twice", p.Name, s.Name, s.PortName, s.Port)
		}
		names[s.Name], portNames[s.PortName], ports[s.Port] = true, true, true
	}
	if p.metricsPort() == 0 {
		return fmt.Errorf("HTTPWorkloadProps.MetricsPortName of %s = %q: want the server's port name or a sidecar's", p.Name, p.MetricsPortName)
	}
	return nil
}

// metricsPort is the number of the port named MetricsPortName (the
// server's or a sidecar's); 0 if none has that name.
func (p HTTPWorkloadProps) metricsPort() int {
	if p.MetricsPortName == p.PortName {
		return p.Port
	}
	for _, s := range p.Sidecars {
		if s.PortName == p.MetricsPortName {
			return s.Port
		}
	}
	return 0
}

// NewHTTPWorkload adds the objects of one HTTP server to scope. It panics
// on invalid props (a synthesis-time error that names the field). Like
// cdk8s-plus' _toKube(), it builds in named steps: labels, the pod
// (serverContainer, podSpec), then one object each (addDeployment,
// addService, addHPA, addPDB).
func NewHTTPWorkload(scope constructs.Construct, id string, props *HTTPWorkloadProps) *HTTPWorkload {
	p := propsOf(scope, id, props).withDefaults()
	if err := p.validate(); err != nil {
		failAt(scope, id, err)
	}
	w := &HTTPWorkload{Construct: constructs.NewConstruct(scope, str(id)), props: p}
	w.selector = storefrontLabels(map[string]string{LabelName: p.Name})
	w.labels = merge(w.selector, map[string]string{LabelComponent: p.Component})
	w.addDeployment()
	w.addService()
	w.addHPA()
	w.addPDB()
	return w
}

// meta is the metadata of every object of the workload but the pods.
func (w *HTTPWorkload) meta() *k8s.ObjectMeta {
	return &k8s.ObjectMeta{Name: str(w.props.Name), Namespace: str(w.props.Namespace), Labels: stringMap(w.labels)}
}

// podLabels are the workload's labels plus the version, on the pods only
// (a selector must not change between releases).
func (w *HTTPWorkload) podLabels() map[string]string {
	if w.props.Version == "" {
		return w.labels
	}
	return merge(w.labels, map[string]string{LabelVersion: w.props.Version})
}

// serverContainer is the HTTP server itself: its port, the three probes,
// the preStop sleep of the drain, the restricted security context and the
// writable emptyDirs' mounts.
func (p HTTPWorkloadProps) serverContainer(mounts []*k8s.VolumeMount) *k8s.Container {
	c := restrictedContainer(p.Name, p.Image, p.UID, resourcesOf(p.Sizing))
	c.Ports = tcpPort(p.PortName, p.Port)
	c.StartupProbe = httpGetProbe(p.LivenessPath, p.PortName, p.Startup)
	c.LivenessProbe = httpGetProbe(p.LivenessPath, p.PortName, p.Liveness)
	c.ReadinessProbe = httpGetProbe(p.ReadinessPath, p.PortName, p.Readiness)
	c.Lifecycle = &k8s.Lifecycle{
		PreStop: &k8s.LifecycleHandler{Sleep: &k8s.SleepAction{Seconds: num(p.PreStopSleepSeconds)}},
	}
	c.VolumeMounts = &mounts
	if len(p.Args) > 0 {
		c.Args = strs(p.Args...)
	}
	c.Env = envVars(p.Env)
	return c
}

// podSpec is the pod of the workload: the server and its sidecars, no API
// token, the restricted pod security context, the grace period of the
// drain, and spread over zones (hard) and hosts (soft).
func (w *HTTPWorkload) podSpec() *k8s.PodSpec {
	p := w.props
	vols, mounts := writableDirs(p.WritableSizeLimitMiB, p.WritablePaths...)
	containers := []*k8s.Container{p.serverContainer(mounts)}
	for _, sc := range p.Sidecars {
		containers = append(containers, sidecarContainer(sc, p.Liveness))
	}
	spread := func(key, when string) *k8s.TopologySpreadConstraint {
		return &k8s.TopologySpreadConstraint{
			TopologyKey:       str(key),
			MaxSkew:           num(1),
			WhenUnsatisfiable: str(when),
			LabelSelector:     matchLabels(w.selector),
			// Count only the pods of the same ReplicaSet, so that a rollout
			// spreads the new pods instead of balancing against the old ones.
			MatchLabelKeys: strs("pod-template-hash"),
		}
	}
	spec := &k8s.PodSpec{
		ServiceAccountName: str(p.ServiceAccountName),
		// Pod Identity injects its own projected token; nothing here calls
		// the Kubernetes API.
		AutomountServiceAccountToken:  jsii.Bool(false),
		EnableServiceLinks:            jsii.Bool(false),
		SecurityContext:               restrictedPodSecurityContext(p.UID),
		TerminationGracePeriodSeconds: num(p.TerminationGracePeriodSeconds),
		Containers:                    &containers,
		Volumes:                       &vols,
		TopologySpreadConstraints: &[]*k8s.TopologySpreadConstraint{
			// Zones: hard, so a zone outage never takes more than its share.
			spread(labelZone, "DoNotSchedule"),
			// Hosts: soft, so a busy cluster still schedules.
			spread(labelHostname, "ScheduleAnyway"),
		},
	}
	if len(p.NodeSelector) > 0 {
		spec.NodeSelector = stringMap(p.NodeSelector)
	}
	return spec
}

// addDeployment: a rolling update that never drops capacity
// (maxUnavailable 0). No Replicas: the HPA owns the replica count, and
// `kubectl apply` must not reset it on every release.
func (w *HTTPWorkload) addDeployment() {
	p := w.props
	w.deployment = k8s.NewKubeDeployment(w.Construct, str("deployment"), &k8s.KubeDeploymentProps{
		Metadata: w.meta(),
		Spec: &k8s.DeploymentSpec{
			Selector:                matchLabels(w.selector),
			RevisionHistoryLimit:    num(5),
			ProgressDeadlineSeconds: num(600),
			Strategy: &k8s.DeploymentStrategy{
				Type: str("RollingUpdate"),
				RollingUpdate: &k8s.RollingUpdateDeployment{
					MaxSurge:       intOrStr(p.MaxSurge),
					MaxUnavailable: intOrNum(0),
				},
			},
			Template: &k8s.PodTemplateSpec{Metadata: &k8s.ObjectMeta{Labels: stringMap(w.podLabels())}, Spec: w.podSpec()},
		},
	})
}

// addService: a ClusterIP Service on the server's port, same number and name.
func (w *HTTPWorkload) addService() {
	p := w.props
	meta := w.meta()
	if len(p.ServiceAnnotations) > 0 {
		meta.Annotations = stringMap(p.ServiceAnnotations)
	}
	w.service = k8s.NewKubeService(w.Construct, str("service"), &k8s.KubeServiceProps{
		Metadata: meta,
		Spec: &k8s.ServiceSpec{
			Type:     str("ClusterIP"),
			Selector: stringMap(w.selector),
			Ports: &[]*k8s.ServicePort{{
				Name:       str(p.PortName),
				Port:       num(p.Port),
				TargetPort: intOrStr(p.PortName),
				Protocol:   str("TCP"),
			}},
		},
	})
}

// utilization is one HPA target: the pod's resource utilization, or with
// sidecars the server container's own (a Resource metric would compare
// the pod's summed usage with its summed requests, sidecars included).
func (p HTTPWorkloadProps) utilization(resource string, percent int) *k8s.MetricSpecV2 {
	target := &k8s.MetricTargetV2{Type: str("Utilization"), AverageUtilization: num(percent)}
	if len(p.Sidecars) > 0 {
		return &k8s.MetricSpecV2{
			Type: str("ContainerResource"),
			ContainerResource: &k8s.ContainerResourceMetricSourceV2{
				Name: str(resource), Container: str(p.Name), Target: target,
			},
		}
	}
	return &k8s.MetricSpecV2{
		Type:     str("Resource"),
		Resource: &k8s.ResourceMetricSourceV2{Name: str(resource), Target: target},
	}
}

// addHPA: CPU and memory targets from Sizing; scale-up at once, bounded
// per minute by the larger of ScaleUpPercent and ScaleUpPods; scale-down
// after the stabilization window, bounded by ScaleDownPercent.
func (w *HTTPWorkload) addHPA() {
	p := w.props
	w.hpa = k8s.NewKubeHorizontalPodAutoscalerV2(w.Construct, str("hpa"), &k8s.KubeHorizontalPodAutoscalerV2Props{
		Metadata: w.meta(),
		Spec: &k8s.HorizontalPodAutoscalerSpecV2{
			ScaleTargetRef: &k8s.CrossVersionObjectReferenceV2{ApiVersion: str("apps/v1"), Kind: str("Deployment"), Name: str(p.Name)},
			MinReplicas:    num(p.Sizing.MinReplicas),
			MaxReplicas:    num(p.Sizing.MaxReplicas),
			Metrics: &[]*k8s.MetricSpecV2{
				p.utilization("cpu", p.Sizing.TargetCPUPercent),
				p.utilization("memory", p.Sizing.TargetMemoryPercent),
			},
			Behavior: &k8s.HorizontalPodAutoscalerBehaviorV2{
				ScaleUp: &k8s.HpaScalingRulesV2{
					StabilizationWindowSeconds: num(0),
					SelectPolicy:               str("Max"),
					Policies: &[]*k8s.HpaScalingPolicyV2{
						{Type: str("Percent"), Value: num(p.ScaleUpPercent), PeriodSeconds: num(60)},
						{Type: str("Pods"), Value: num(p.ScaleUpPods), PeriodSeconds: num(60)},
					},
				},
				ScaleDown: &k8s.HpaScalingRulesV2{
					StabilizationWindowSeconds: num(p.Sizing.ScaleDownStabilizationSeconds),
					SelectPolicy:               str("Max"),
					Policies: &[]*k8s.HpaScalingPolicyV2{
						{Type: str("Percent"), Value: num(p.ScaleDownPercent), PeriodSeconds: num(60)},
					},
				},
			},
		},
	})
}

// addPDB: one pod down at a time for voluntary disruptions (node drains).
func (w *HTTPWorkload) addPDB() {
	w.pdb = k8s.NewKubePodDisruptionBudget(w.Construct, str("pdb"), &k8s.KubePodDisruptionBudgetProps{
		Metadata: w.meta(),
		Spec: &k8s.PodDisruptionBudgetSpec{
			Selector:       matchLabels(w.selector),
			MaxUnavailable: intOrNum(1),
			// A pod that never became ready may be evicted anyway, so a
			// broken rollout cannot block node drains.
			UnhealthyPodEvictionPolicy: str("AlwaysAllow"),
		},
	})
}

// SurgePods is the number of extra pods a rollout at maxReplicas may add.
func SurgePods(maxReplicas int, maxSurge string) int {
	var pct int
	if _, err := fmt.Sscanf(maxSurge, "%d%%", &pct); err == nil && len(maxSurge) > 0 && maxSurge[len(maxSurge)-1] == '%' {
		return (maxReplicas*pct + 99) / 100 // Kubernetes rounds surge up
	}
	var n int
	if _, err := fmt.Sscanf(maxSurge, "%d", &n); err == nil {
		return n
	}
	return 0
}
