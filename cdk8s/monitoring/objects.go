package monitoring

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The manifests are written with the typed structs of k8s.io/api (the same
// API version as the kube-apiserver the manifests are checked against), so
// that a misspelt field is a compile error, and rendered into the chart as
// cdk8s ApiObjects.

// addObject adds a typed Kubernetes object (TypeMeta and ObjectMeta set) to
// scope under construct id.
func addObject(scope constructs.Construct, id string, obj any) cdk8s.ApiObject {
	raw, err := json.Marshal(obj)
	if err != nil {
		panic(fmt.Sprintf("monitoring: marshal %s: %v", id, err))
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		panic(err)
	}
	prune(fields)
	var meta metav1.ObjectMeta
	if m, ok := fields["metadata"]; ok {
		b, _ := json.Marshal(m)
		_ = json.Unmarshal(b, &meta)
	}
	api := cdk8s.NewApiObject(scope, jsii.String(id), &cdk8s.ApiObjectProps{
		ApiVersion: jsii.String(fields["apiVersion"].(string)),
		Kind:       jsii.String(fields["kind"].(string)),
		Metadata: &cdk8s.ApiObjectMetadata{
			Name:        jsii.String(meta.Name),
			Namespace:   strPtr(meta.Namespace),
			Labels:      strMap(meta.Labels),
			Annotations: strMap(meta.Annotations),
		},
	})
	keys := make([]string, 0, len(fields))
	for k := range fields {
		switch k {
		case "apiVersion", "kind", "metadata", "status":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		api.AddJsonPatch(cdk8s.JsonPatch_Add(jsii.String("/"+k), fields[k]))
	}
	return api
}

// prune removes the nulls and empty status objects that the typed structs
// marshal (creationTimestamp: null, status: {}).
func prune(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if val == nil {
				delete(x, k)
				continue
			}
			if k == "status" || k == "creationTimestamp" {
				if m, ok := val.(map[string]any); ok && len(m) == 0 {
					delete(x, k)
					continue
				}
			}
			prune(val)
		}
	case []any:
		for _, e := range x {
			prune(e)
		}
	}
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}

func strMap(m map[string]string) *map[string]*string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = jsii.String(v)
	}
	return &out
}

func ptr[T any](v T) *T { return &v }

// meta is the ObjectMeta of a namespaced object of component app.
func v1Meta(namespace, name, app string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels(app)}
}

// selector selects a component's pods.
func v1Selector(app string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{appNameLabel: app}}
}

// podSecurity is the pod-level part of PodSecurity "restricted": non-root
// with a fixed uid/gid, RuntimeDefault seccomp, volumes owned by fsGroup.
func v1PodSecurity(uid int64) *corev1.PodSecurityContext {
	return &corev1.PodSecurityContext{
		RunAsNonRoot:        ptr(true),
		RunAsUser:           ptr(uid),
		RunAsGroup:          ptr(uid),
		FSGroup:             ptr(uid),
		FSGroupChangePolicy: ptr(corev1.FSGroupChangeOnRootMismatch),
		SeccompProfile:      &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// containerSecurity is the container-level part: no privilege escalation,
// no capabilities, read-only root filesystem.
func v1ContainerSecurity() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr(false),
		ReadOnlyRootFilesystem:   ptr(true),
		RunAsNonRoot:             ptr(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// res is requests and limits: cpu in millicores, memory in MiB.
func v1Res(cpuReq, memReq, cpuLim, memLim int64) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{
			corev1.ResourceCPU:    *resource.NewMilliQuantity(cpuReq, resource.DecimalSI),
			corev1.ResourceMemory: *resource.NewQuantity(memReq*1024*1024, resource.BinarySI),
		},
		Limits: corev1.ResourceList{
			corev1.ResourceCPU:    *resource.NewMilliQuantity(cpuLim, resource.DecimalSI),
			corev1.ResourceMemory: *resource.NewQuantity(memLim*1024*1024, resource.BinarySI),
		},
	}
}

func v1HttpProbe(path, port string, initialDelay, period, failures int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
			Path: path, Port: intstrName(port), Scheme: corev1.URISchemeHTTP,
		}},
		InitialDelaySeconds: initialDelay,
		PeriodSeconds:       period,
		TimeoutSeconds:      5,
		FailureThreshold:    failures,
		SuccessThreshold:    1,
	}
}

func v1EmptyDir(name string, sizeMiB int64) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{
		SizeLimit: resource.NewQuantity(sizeMiB*1024*1024, resource.BinarySI),
	}}}
}

func v1ConfigMapVolume(name, configMap string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
		LocalObjectReference: corev1.LocalObjectReference{Name: configMap},
	}}}
}

func v1Mount(name, path string) corev1.VolumeMount {
	return corev1.VolumeMount{Name: name, MountPath: path, ReadOnly: true}
}

func v1WritableMount(name, path string) corev1.VolumeMount {
	return corev1.VolumeMount{Name: name, MountPath: path}
}

func v1Port(name string, number int32) corev1.ContainerPort {
	return corev1.ContainerPort{Name: name, ContainerPort: number, Protocol: corev1.ProtocolTCP}
}

// zoneSpread spreads a component's replicas over zones when it can.
func v1ZoneSpread(app string) []corev1.TopologySpreadConstraint {
	return []corev1.TopologySpreadConstraint{{
		MaxSkew:           1,
		TopologyKey:       corev1.LabelTopologyZone,
		WhenUnsatisfiable: corev1.ScheduleAnyway,
		LabelSelector:     v1Selector(app),
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
func v1HostAntiAffinity(app string) *corev1.Affinity {
	return &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
			LabelSelector: v1Selector(app),
			TopologyKey:   corev1.LabelHostname,
		}},
	}}
}

func intstrName(name string) intstr.IntOrString { return intstr.FromString(name) }

func v1AddPDB(scope constructs.Construct, ns, app string, minAvailable, maxUnavailable *intstr.IntOrString) {
	addObject(scope, app+"-pdb", &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: v1Meta(ns, app, app),
		Spec: policyv1.PodDisruptionBudgetSpec{
			Selector:       v1Selector(app),
			MinAvailable:   minAvailable,
			MaxUnavailable: maxUnavailable,
		},
	})
}
