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
	return resources(r)
}

// MiB is a memory or storage quantity in MiB, rendered as resources does.
func MiB(n int) k8s.Quantity { return qty(mebibytes(n)) }

// TCP and UDP are a NetworkPolicy port.
func TCP(port int) *k8s.NetworkPolicyPort { return tcp(port) }

// UDP: see TCP.
func UDP(port int) *k8s.NetworkPolicyPort { return udp(port) }

// IPBlock is a NetworkPolicy peer: the addresses in cidr.
func IPBlock(cidr string) *k8s.NetworkPolicyPeer { return ipBlock(cidr) }

// PodsIn is a NetworkPolicy peer: the pods with labels in the namespace
// called namespace.
func PodsIn(namespace string, labels map[string]string) *k8s.NetworkPolicyPeer {
	return podsIn(namespace, labels)
}

// Merge returns a new map holding a's entries overridden by b's (label
// sets; monitoring's rule tests use it too).
func Merge(a, b map[string]string) map[string]string { return merge(a, b) }
