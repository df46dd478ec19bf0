package monitoring

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/cdk8s/charts"
)

// The objects are written like the storefront charts': the generated
// k8s.Kube* classes of cdk8s-plus-30, whose typed props make a misspelt
// field a compile error (docs/kubernetes.md, "One way to write Kubernetes
// objects"). These helpers keep the literals short.

func str(s string) *string { return jsii.String(s) }

func num(n int) *float64 { return jsii.Number(float64(n)) }

func strs(s ...string) *[]*string { return jsii.Strings(s...) }

func intOrNum(n int) k8s.IntOrString { return k8s.IntOrString_FromNumber(num(n)) }

func intOrStr(s string) k8s.IntOrString { return k8s.IntOrString_FromString(str(s)) }

// numOrNil leaves a zero out of the manifest (the API server's default).
func numOrNil(n int) *float64 {
	if n == 0 {
		return nil
	}
	return num(n)
}

// partOf is the value of charts.LabelPartOf on every monitoring object.
const partOf = "shopstack-monitoring"

// labels are the recommended labels of a component.
func labels(app string) map[string]string {
	return map[string]string{
		appNameLabel:          app,
		charts.LabelPartOf:    partOf,
		charts.LabelComponent: "monitoring",
	}
}

// meta is the ObjectMeta of a namespaced object of component app; an empty
// namespace makes it cluster-scoped.
func meta(namespace, name, app string) *k8s.ObjectMeta {
	m := &k8s.ObjectMeta{Name: str(name), Labels: charts.StringMap(labels(app))}
	if namespace != "" {
		m.Namespace = str(namespace)
	}
	return m
}

// selector selects a component's pods.
func selector(app string) *k8s.LabelSelector {
	return &k8s.LabelSelector{MatchLabels: charts.StringMap(map[string]string{appNameLabel: app})}
}

// podSecurity is the pod-level part of PodSecurity "restricted": non-root
// with a fixed uid/gid, RuntimeDefault seccomp, volumes owned by fsGroup.
func podSecurity(uid int) *k8s.PodSecurityContext {
	return &k8s.PodSecurityContext{
		RunAsNonRoot:        jsii.Bool(true),
		RunAsUser:           num(uid),
		RunAsGroup:          num(uid),
		FsGroup:             num(uid),
		FsGroupChangePolicy: str("OnRootMismatch"),
		SeccompProfile:      &k8s.SeccompProfile{Type: str("RuntimeDefault")},
	}
}

// containerSecurity is the container-level part: no privilege escalation,
// no capabilities, read-only root filesystem.
func containerSecurity() *k8s.SecurityContext {
	return &k8s.SecurityContext{
		AllowPrivilegeEscalation: jsii.Bool(false),
		ReadOnlyRootFilesystem:   jsii.Bool(true),
		RunAsNonRoot:             jsii.Bool(true),
		Capabilities:             &k8s.Capabilities{Drop: strs("ALL")},
		SeccompProfile:           &k8s.SeccompProfile{Type: str("RuntimeDefault")},
	}
}

// httpProbe probes path on the named port; a zero initialDelay is left out.
func httpProbe(path, port string, initialDelay, period, failures int) *k8s.Probe {
	return &k8s.Probe{
		HttpGet:             &k8s.HttpGetAction{Path: str(path), Port: intOrStr(port), Scheme: str("HTTP")},
		InitialDelaySeconds: numOrNil(initialDelay),
		PeriodSeconds:       num(period),
		TimeoutSeconds:      num(5),
		FailureThreshold:    num(failures),
		SuccessThreshold:    num(1),
	}
}

func emptyDir(name string, sizeMiB int) *k8s.Volume {
	return &k8s.Volume{Name: str(name), EmptyDir: &k8s.EmptyDirVolumeSource{SizeLimit: charts.MiB(sizeMiB)}}
}

func configMapVolume(name, configMap string) *k8s.Volume {
	return &k8s.Volume{Name: str(name), ConfigMap: &k8s.ConfigMapVolumeSource{Name: str(configMap)}}
}

func mount(name, path string) *k8s.VolumeMount {
	return &k8s.VolumeMount{Name: str(name), MountPath: str(path), ReadOnly: jsii.Bool(true)}
}

func writableMount(name, path string) *k8s.VolumeMount {
	return &k8s.VolumeMount{Name: str(name), MountPath: str(path)}
}

func port(name string, number int) *k8s.ContainerPort {
	return &k8s.ContainerPort{Name: str(name), ContainerPort: num(number), Protocol: str("TCP")}
}

// zoneSpread spreads a component's replicas over zones when it can.
func zoneSpread(app string) *[]*k8s.TopologySpreadConstraint {
	return &[]*k8s.TopologySpreadConstraint{{
		MaxSkew:           num(1),
		TopologyKey:       str("topology.kubernetes.io/zone"),
		WhenUnsatisfiable: str("ScheduleAnyway"),
		LabelSelector:     selector(app),
	}}
}

// hostAntiAffinity keeps a component's replicas on different nodes, as a
// hard rule: a pod that would share a node with another replica stays
// Pending (and Karpenter adds a node) rather than scheduling there.
// requiredDuringSchedulingIgnoredDuringExecution with topologyKey
// kubernetes.io/hostname ("Assigning Pods to Nodes", Inter-pod affinity
// and anti-affinity,
// https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity).
// A DoNotSchedule hostname spread would not do: with one node in the
// domain count, a second pod there keeps the skew at 1.
func hostAntiAffinity(app string) *k8s.Affinity {
	return &k8s.Affinity{PodAntiAffinity: &k8s.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &[]*k8s.PodAffinityTerm{{
			LabelSelector: selector(app),
			TopologyKey:   str("kubernetes.io/hostname"),
		}},
	}}
}

// newServiceAccount adds component app's ServiceAccount (named app). A nil
// automount leaves the field out (the API server mounts the token).
func newServiceAccount(scope constructs.Construct, namespace, app string, automount *bool) {
	k8s.NewKubeServiceAccount(scope, str("service-account"), &k8s.KubeServiceAccountProps{
		Metadata:                     meta(namespace, app, app),
		AutomountServiceAccountToken: automount,
	})
}

// newConfigMap adds a ConfigMap of component app holding one file.
func newConfigMap(scope constructs.Construct, id, namespace, name, app, file string, data []byte) {
	k8s.NewKubeConfigMap(scope, str(id), &k8s.KubeConfigMapProps{
		Metadata: meta(namespace, name, app),
		Data:     charts.StringMap(map[string]string{file: string(data)}),
	})
}

// newHTTPService adds a ClusterIP Service named app in front of the
// container port named "http" of component app's pods.
func newHTTPService(scope constructs.Construct, namespace, app string, port int) k8s.KubeService {
	return k8s.NewKubeService(scope, str("service"), &k8s.KubeServiceProps{
		Metadata: meta(namespace, app, app),
		Spec: &k8s.ServiceSpec{
			Selector: charts.StringMap(map[string]string{appNameLabel: app}),
			Ports:    &[]*k8s.ServicePort{{Name: str("http"), Port: num(port), TargetPort: intOrStr("http"), Protocol: str("TCP")}},
		},
	})
}

// newClusterRole adds a ClusterRole <namespace>-<app> with rules and binds
// it to component app's ServiceAccount.
func newClusterRole(scope constructs.Construct, namespace, app string, rules []*k8s.PolicyRule) {
	name := namespace + "-" + app
	k8s.NewKubeClusterRole(scope, str("cluster-role"), &k8s.KubeClusterRoleProps{
		Metadata: meta("", name, app),
		Rules:    &rules,
	})
	k8s.NewKubeClusterRoleBinding(scope, str("cluster-role-binding"), &k8s.KubeClusterRoleBindingProps{
		Metadata: meta("", name, app),
		RoleRef:  &k8s.RoleRef{ApiGroup: str("rbac.authorization.k8s.io"), Kind: str("ClusterRole"), Name: str(name)},
		Subjects: &[]*k8s.Subject{{Kind: str("ServiceAccount"), Name: str(app), Namespace: str(namespace)}},
	})
}

// newPDB adds component app's PodDisruptionBudget: at least minAvailable,
// or at most maxUnavailable (the other 0) of its pods evicted at once.
func newPDB(scope constructs.Construct, namespace, app string, minAvailable, maxUnavailable int) {
	spec := &k8s.PodDisruptionBudgetSpec{Selector: selector(app)}
	if minAvailable != 0 {
		spec.MinAvailable = intOrNum(minAvailable)
	}
	if maxUnavailable != 0 {
		spec.MaxUnavailable = intOrNum(maxUnavailable)
	}
	k8s.NewKubePodDisruptionBudget(scope, str("pdb"), &k8s.KubePodDisruptionBudgetProps{Metadata: meta(namespace, app, app), Spec: spec})
}
