package charts

import (
	"fmt"
	"sort"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Small helpers that keep the L1 (k8s.Kube*) object literals readable.

func str(s string) *string { return jsii.String(s) }

func num[T int | int64 | float64](n T) *float64 { return jsii.Number(float64(n)) }

func strs(s ...string) *[]*string { return jsii.Strings(s...) }

func intOrNum(n int) k8s.IntOrString { return k8s.IntOrString_FromNumber(num(n)) }

func intOrStr(s string) k8s.IntOrString { return k8s.IntOrString_FromString(str(s)) }

func qty(s string) k8s.Quantity { return k8s.Quantity_FromString(str(s)) }

// milliCPU renders a CPU quantity in millicores: 250 -> "250m", 2000 -> "2".
func milliCPU(m int) string {
	if m%1000 == 0 {
		return fmt.Sprintf("%d", m/1000)
	}
	return fmt.Sprintf("%dm", m)
}

// mebibytes renders a memory quantity: 256 -> "256Mi", 2048 -> "2Gi".
func mebibytes(mi int) string {
	if mi%1024 == 0 {
		return fmt.Sprintf("%dGi", mi/1024)
	}
	return fmt.Sprintf("%dMi", mi)
}

// stringMap converts a Go map into the pointer map the jsii types want.
func stringMap(m map[string]string) *map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = str(v)
	}
	return &out
}

// storefrontLabels are the labels of every storefront object
// (LabelPartOf: PartOf) plus extra.
func storefrontLabels(extra map[string]string) map[string]string {
	return merge(map[string]string{LabelPartOf: PartOf}, extra)
}

// merge returns a new map holding a's entries overridden by b's.
func merge(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// sortedKeys is for deterministic iteration over Go maps.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Well-known label keys (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/).
const (
	LabelName      = "app.kubernetes.io/name"
	LabelInstance  = "app.kubernetes.io/instance"
	LabelComponent = "app.kubernetes.io/component"
	LabelPartOf    = "app.kubernetes.io/part-of"
	LabelVersion   = "app.kubernetes.io/version"
	LabelManagedBy = "app.kubernetes.io/managed-by"

	// PartOf is the value of LabelPartOf on every storefront object.
	PartOf = "shopstack"

	// LabelNamespaceName is set by the API server on every namespace; network
	// policies select namespaces by it.
	LabelNamespaceName = "kubernetes.io/metadata.name"

	labelZone     = "topology.kubernetes.io/zone"
	labelHostname = "kubernetes.io/hostname"
	labelNodePool = "karpenter.sh/nodepool"
)

// PodSecurity admission levels
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
const (
	PodSecurityRestricted = "restricted"
	PodSecurityBaseline   = "baseline"
	PodSecurityPrivileged = "privileged"
)

// PodSecurityLabels are the PodSecurity admission labels of a namespace:
// enforce, audit and warn at one level. The monitoring namespace uses them too.
func PodSecurityLabels(level string) map[string]string {
	return map[string]string{
		"pod-security.kubernetes.io/enforce": level,
		"pod-security.kubernetes.io/audit":   level,
		"pod-security.kubernetes.io/warn":    level,
	}
}

// restrictedPodSecurityContext is the pod-level half of PodSecurity
// "restricted": non-root with a fixed uid/gid and the runtime's default
// seccomp profile.
func restrictedPodSecurityContext(uid int) *k8s.PodSecurityContext {
	return &k8s.PodSecurityContext{
		RunAsNonRoot:   jsii.Bool(true),
		RunAsUser:      num(uid),
		RunAsGroup:     num(uid),
		FsGroup:        num(uid),
		SeccompProfile: &k8s.SeccompProfile{Type: str("RuntimeDefault")},
	}
}

// restrictedContainerSecurityContext is the container-level half: no
// privilege escalation, no capabilities, a read-only root filesystem.
func restrictedContainerSecurityContext(uid int) *k8s.SecurityContext {
	return &k8s.SecurityContext{
		AllowPrivilegeEscalation: jsii.Bool(false),
		Privileged:               jsii.Bool(false),
		ReadOnlyRootFilesystem:   jsii.Bool(true),
		RunAsNonRoot:             jsii.Bool(true),
		RunAsUser:                num(uid),
		RunAsGroup:               num(uid),
		Capabilities:             &k8s.Capabilities{Drop: strs("ALL")},
		SeccompProfile:           &k8s.SeccompProfile{Type: str("RuntimeDefault")},
	}
}

// resources renders requests and limits of a container.
func resources(r Resources) *k8s.ResourceRequirements {
	return &k8s.ResourceRequirements{
		Requests: &map[string]k8s.Quantity{"cpu": qty(milliCPU(r.CPURequestMilli)), "memory": qty(mebibytes(r.MemoryRequestMiB))},
		Limits:   &map[string]k8s.Quantity{"cpu": qty(milliCPU(r.CPULimitMilli)), "memory": qty(mebibytes(r.MemoryLimitMiB))},
	}
}

// writableDirs mounts one emptyDir per path, so that a container with a
// read-only root filesystem can still write where its program must. Volume
// names are derived from the paths ("/var/cache/nginx" -> "var-cache-nginx").
func writableDirs(sizeLimitMiB int, paths ...string) ([]*k8s.Volume, []*k8s.VolumeMount) {
	var vols []*k8s.Volume
	var mounts []*k8s.VolumeMount
	for _, p := range paths {
		name := volumeName(p)
		vols = append(vols, &k8s.Volume{Name: str(name), EmptyDir: &k8s.EmptyDirVolumeSource{SizeLimit: qty(mebibytes(sizeLimitMiB))}})
		mounts = append(mounts, &k8s.VolumeMount{Name: str(name), MountPath: str(p)})
	}
	return vols, mounts
}

func volumeName(path string) string {
	b := []byte{}
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			if len(b) > 0 && b[len(b)-1] != '-' {
				b = append(b, '-')
			}
		}
	}
	for len(b) > 0 && b[len(b)-1] == '-' {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "root"
	}
	return string(b)
}
