package charts

import "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

// Exported forms of kube.go's helpers, for cdk8s/monitoring, which writes
// its objects with the same k8s.Kube* classes (docs/kubernetes.md, "One way
// to write Kubernetes objects").

// StringMap converts a Go map into the pointer map the jsii types want.
func StringMap(m map[string]string) *map[string]*string { return stringMap(m) }

// Requirements renders r as a container's requests and limits: CPU in
// millicores (250 -> "250m", 1000 -> "1"), memory in MiB (64 -> "64Mi",
// 1024 -> "1Gi").
func (r Resources) Requirements() *k8s.ResourceRequirements {
	return resources(r.CPURequestMilli, r.MemoryRequestMiB, r.CPULimitMilli, r.MemoryLimitMiB)
}

// MiB is a memory or storage quantity in MiB, rendered as resources does.
func MiB(n int) k8s.Quantity { return qty(mebibytes(n)) }
