package charts

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/platform"
)

// EnvVar is one plain environment variable of a container.
type EnvVar struct {
	Name  string
	Value string
}

// ProbeTiming is when and how often one probe runs.
type ProbeTiming struct {
	PeriodSeconds    int
	TimeoutSeconds   int
	FailureThreshold int
}

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
	// PodAnnotations are added to the pod template. Default: none.
	PodAnnotations map[string]string
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
}

// HTTPWorkload is the Deployment, Service, HorizontalPodAutoscaler and
// PodDisruptionBudget of one HTTP server.
type HTTPWorkload struct {
	constructs.Construct
	Props          HTTPWorkloadProps // with defaults resolved
	SelectorLabels map[string]string
	Deployment     k8s.KubeDeployment
	Service        k8s.KubeService
	HPA            k8s.KubeHorizontalPodAutoscalerV2
	PDB            k8s.KubePodDisruptionBudget
}

func (p HTTPWorkloadProps) withDefaults() HTTPWorkloadProps {
	if p.Component == "" {
		p.Component = p.Name
	}
	if p.ReadinessPath == "" {
		p.ReadinessPath = p.LivenessPath
	}
	if p.ServiceAccountName == "" {
		p.ServiceAccountName = "default"
	}
	if p.WritablePaths == nil {
		p.WritablePaths = []string{"/tmp"}
	}
	if p.WritableSizeLimitMiB == 0 {
		p.WritableSizeLimitMiB = 64
	}
	if p.PreStopSleepSeconds == 0 {
		p.PreStopSleepSeconds = 10
	}
	if p.DrainSeconds == 0 {
		p.DrainSeconds = 20
	}
	if p.TerminationGracePeriodSeconds == 0 {
		p.TerminationGracePeriodSeconds = p.PreStopSleepSeconds + p.DrainSeconds + 10
	}
	if p.Startup == (ProbeTiming{}) {
		p.Startup = ProbeTiming{PeriodSeconds: 2, TimeoutSeconds: 2, FailureThreshold: 30}
	}
	if p.Liveness == (ProbeTiming{}) {
		p.Liveness = ProbeTiming{PeriodSeconds: 10, TimeoutSeconds: 2, FailureThreshold: 3}
	}
	if p.Readiness == (ProbeTiming{}) {
		p.Readiness = ProbeTiming{PeriodSeconds: 5, TimeoutSeconds: 2, FailureThreshold: 2}
	}
	if p.MaxSurge == "" {
		p.MaxSurge = "25%"
	}
	if p.ScaleUpPercent == 0 {
		p.ScaleUpPercent = 100
	}
	if p.ScaleUpPods == 0 {
		p.ScaleUpPods = 4
	}
	if p.ScaleDownPercent == 0 {
		p.ScaleDownPercent = 50
	}
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
	return nil
}

// NewHTTPWorkload adds the objects of one HTTP server to scope. It panics
// on invalid props (a synthesis-time error that names the field).
func NewHTTPWorkload(scope constructs.Construct, id string, props *HTTPWorkloadProps) *HTTPWorkload {
	p := props.withDefaults()
	if err := p.validate(); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, str(id))
	w := &HTTPWorkload{Construct: c, Props: p}
	w.SelectorLabels = map[string]string{LabelName: p.Name, LabelPartOf: PartOf}
	labels := merge(w.SelectorLabels, map[string]string{LabelComponent: p.Component})
	podLabels := labels
	if p.Version != "" {
		podLabels = merge(labels, map[string]string{LabelVersion: p.Version})
	}
	meta := func() *k8s.ObjectMeta {
		return &k8s.ObjectMeta{Name: str(p.Name), Namespace: str(p.Namespace), Labels: stringMap(labels)}
	}

	port := intOrStr(p.PortName)
	httpProbe := func(path string, t ProbeTiming) *k8s.Probe {
		return &k8s.Probe{
			HttpGet:          &k8s.HttpGetAction{Path: str(path), Port: port, Scheme: str("HTTP")},
			PeriodSeconds:    num(t.PeriodSeconds),
			TimeoutSeconds:   num(t.TimeoutSeconds),
			FailureThreshold: num(t.FailureThreshold),
			SuccessThreshold: num(1),
		}
	}
	var env []*k8s.EnvVar
	for _, e := range p.Env {
		env = append(env, &k8s.EnvVar{Name: str(e.Name), Value: str(e.Value)})
	}
	vols, mounts := writableDirs(p.WritableSizeLimitMiB, p.WritablePaths...)
	container := &k8s.Container{
		Name:            str(p.Name),
		Image:           str(p.Image),
		ImagePullPolicy: str("IfNotPresent"),
		Ports:           &[]*k8s.ContainerPort{{Name: str(p.PortName), ContainerPort: num(p.Port), Protocol: str("TCP")}},
		Resources:       resources(p.Sizing.CPURequestMilli, p.Sizing.MemoryRequestMiB, p.Sizing.CPULimitMilli, p.Sizing.MemoryLimitMiB),
		StartupProbe:    httpProbe(p.LivenessPath, p.Startup),
		LivenessProbe:   httpProbe(p.LivenessPath, p.Liveness),
		ReadinessProbe:  httpProbe(p.ReadinessPath, p.Readiness),
		Lifecycle: &k8s.Lifecycle{
			PreStop: &k8s.LifecycleHandler{Sleep: &k8s.SleepAction{Seconds: num(p.PreStopSleepSeconds)}},
		},
		SecurityContext:          restrictedContainerSecurityContext(p.UID),
		VolumeMounts:             &mounts,
		TerminationMessagePolicy: str("FallbackToLogsOnError"),
	}
	if len(p.Args) > 0 {
		container.Args = strs(p.Args...)
	}
	if len(env) > 0 {
		container.Env = &env
	}

	spread := func(key, when string) *k8s.TopologySpreadConstraint {
		return &k8s.TopologySpreadConstraint{
			TopologyKey:       str(key),
			MaxSkew:           num(1),
			WhenUnsatisfiable: str(when),
			LabelSelector:     &k8s.LabelSelector{MatchLabels: stringMap(w.SelectorLabels)},
			// Count only the pods of the same ReplicaSet, so that a rollout
			// spreads the new pods instead of balancing against the old ones.
			MatchLabelKeys: strs("pod-template-hash"),
		}
	}
	podSpec := &k8s.PodSpec{
		ServiceAccountName: str(p.ServiceAccountName),
		// Pod Identity injects its own projected token; nothing here calls
		// the Kubernetes API.
		AutomountServiceAccountToken:  jsii.Bool(false),
		EnableServiceLinks:            jsii.Bool(false),
		SecurityContext:               restrictedPodSecurityContext(p.UID),
		TerminationGracePeriodSeconds: num(p.TerminationGracePeriodSeconds),
		Containers:                    &[]*k8s.Container{container},
		Volumes:                       &vols,
		TopologySpreadConstraints: &[]*k8s.TopologySpreadConstraint{
			// Zones: hard, so a zone outage never takes more than its share.
			spread(labelZone, "DoNotSchedule"),
			// Hosts: soft, so a busy cluster still schedules.
			spread(labelHostname, "ScheduleAnyway"),
		},
	}
	if len(p.NodeSelector) > 0 {
		podSpec.NodeSelector = stringMap(p.NodeSelector)
	}
	podMeta := &k8s.ObjectMeta{Labels: stringMap(podLabels)}
	if len(p.PodAnnotations) > 0 {
		podMeta.Annotations = stringMap(p.PodAnnotations)
	}

	// No Replicas: the HPA owns the replica count, and `kubectl apply` must
	// not reset it on every release.
	w.Deployment = k8s.NewKubeDeployment(c, str("deployment"), &k8s.KubeDeploymentProps{
		Metadata: meta(),
		Spec: &k8s.DeploymentSpec{
			Selector:                &k8s.LabelSelector{MatchLabels: stringMap(w.SelectorLabels)},
			RevisionHistoryLimit:    num(5),
			ProgressDeadlineSeconds: num(600),
			Strategy: &k8s.DeploymentStrategy{
				Type: str("RollingUpdate"),
				RollingUpdate: &k8s.RollingUpdateDeployment{
					MaxSurge:       intOrStr(p.MaxSurge),
					MaxUnavailable: intOrNum(0),
				},
			},
			Template: &k8s.PodTemplateSpec{Metadata: podMeta, Spec: podSpec},
		},
	})

	svcMeta := meta()
	if len(p.ServiceAnnotations) > 0 {
		svcMeta.Annotations = stringMap(p.ServiceAnnotations)
	}
	w.Service = k8s.NewKubeService(c, str("service"), &k8s.KubeServiceProps{
		Metadata: svcMeta,
		Spec: &k8s.ServiceSpec{
			Type:     str("ClusterIP"),
			Selector: stringMap(w.SelectorLabels),
			Ports: &[]*k8s.ServicePort{{
				Name:       str(p.PortName),
				Port:       num(p.Port),
				TargetPort: port,
				Protocol:   str("TCP"),
			}},
		},
	})

	utilization := func(resource string, percent int) *k8s.MetricSpecV2 {
		return &k8s.MetricSpecV2{
			Type: str("Resource"),
			Resource: &k8s.ResourceMetricSourceV2{
				Name:   str(resource),
				Target: &k8s.MetricTargetV2{Type: str("Utilization"), AverageUtilization: num(percent)},
			},
		}
	}
	w.HPA = k8s.NewKubeHorizontalPodAutoscalerV2(c, str("hpa"), &k8s.KubeHorizontalPodAutoscalerV2Props{
		Metadata: meta(),
		Spec: &k8s.HorizontalPodAutoscalerSpecV2{
			ScaleTargetRef: &k8s.CrossVersionObjectReferenceV2{ApiVersion: str("apps/v1"), Kind: str("Deployment"), Name: str(p.Name)},
			MinReplicas:    num(p.Sizing.MinReplicas),
			MaxReplicas:    num(p.Sizing.MaxReplicas),
			Metrics: &[]*k8s.MetricSpecV2{
				utilization("cpu", p.Sizing.TargetCPUPercent),
				utilization("memory", p.Sizing.TargetMemoryPercent),
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

	w.PDB = k8s.NewKubePodDisruptionBudget(c, str("pdb"), &k8s.KubePodDisruptionBudgetProps{
		Metadata: meta(),
		Spec: &k8s.PodDisruptionBudgetSpec{
			Selector:       &k8s.LabelSelector{MatchLabels: stringMap(w.SelectorLabels)},
			MaxUnavailable: intOrNum(1),
			// A pod that never became ready may be evicted anyway, so a
			// broken rollout cannot block node drains.
			UnhealthyPodEvictionPolicy: str("AlwaysAllow"),
		},
	})
	return w
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
