package charts

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// NodePoolProps configures an EKS Auto Mode NodePool (karpenter.sh/v1).
type NodePoolProps struct {
	// Name of the NodePool; pods select it with the karpenter.sh/nodepool
	// label. Required.
	Name string
	// CapacityTypes are the karpenter.sh/capacity-type values the nodes may
	// have: "spot" and/or "on-demand". Required.
	CapacityTypes []string
	// CPULimit (vCPU) and MemoryLimitGiB cap the pool's total capacity.
	// Required.
	CPULimit, MemoryLimitGiB int
	// ConsolidateAfter is the scale-down delay: how long a node stays empty
	// or underused before it is removed (a duration, e.g. "5m"). Required.
	ConsolidateAfter string
	// Architectures of the nodes. Default: ["amd64"].
	Architectures []string
	// InstanceCategories are EC2 families: compute, general, memory.
	// Default: ["c", "m", "r"].
	InstanceCategories []string
	// MinInstanceGeneration excludes older generations. Default: 5 (Gt 4).
	MinInstanceGeneration int
	// NodeClassName is the Auto Mode NodeClass. Default: "default".
	NodeClassName string
	// DisruptionBudget caps how many nodes consolidation or drift may take
	// down at once. Default: "10%".
	DisruptionBudget string
	// ExpireAfter replaces every node after this long (patching).
	// Default: "336h" (14 days).
	ExpireAfter string
}

// NewNodePool adds the NodePool as a custom object (the karpenter.sh CRD
// is installed by EKS Auto Mode; there is no typed binding for it).
func NewNodePool(scope constructs.Construct, id string, props *NodePoolProps) cdk8s.ApiObject {
	p := propsOf(scope, id, props)
	if err := required("NodePoolProps", field{"Name", p.Name == ""}, field{"CapacityTypes", len(p.CapacityTypes) == 0},
		field{"CPULimit", p.CPULimit <= 0}, field{"MemoryLimitGiB", p.MemoryLimitGiB <= 0}, field{"ConsolidateAfter", p.ConsolidateAfter == ""}); err != nil {
		failAt(scope, id, err)
	}
	if len(p.Architectures) == 0 {
		p.Architectures = []string{"amd64"}
	}
	if len(p.InstanceCategories) == 0 {
		p.InstanceCategories = []string{"c", "m", "r"}
	}
	defaultTo(&p.MinInstanceGeneration, 5)
	defaultTo(&p.NodeClassName, "default")
	defaultTo(&p.DisruptionBudget, "10%")
	defaultTo(&p.ExpireAfter, "336h")
	in := func(key string, values []string) map[string]any {
		return map[string]any{"key": key, "operator": "In", "values": values}
	}
	obj := cdk8s.NewApiObject(scope, str(id), &cdk8s.ApiObjectProps{
		ApiVersion: str("karpenter.sh/v1"),
		Kind:       str("NodePool"),
		Metadata:   &cdk8s.ApiObjectMetadata{Name: str(p.Name), Labels: stringMap(storefrontLabels(nil))},
	})
	obj.AddJsonPatch(cdk8s.JsonPatch_Add(str("/spec"), map[string]any{
		// No template labels: Karpenter refuses node labels in the
		// kubernetes.io domains, and pods select the pool by its
		// karpenter.sh/nodepool label, which every node gets.
		"template": map[string]any{
			"spec": map[string]any{
				"nodeClassRef": map[string]any{"group": AutoModeAPIGroup, "kind": "NodeClass", "name": p.NodeClassName},
				"requirements": []any{
					in("karpenter.sh/capacity-type", p.CapacityTypes),
					in("kubernetes.io/arch", p.Architectures),
					in("kubernetes.io/os", []string{"linux"}),
					in("eks.amazonaws.com/instance-category", p.InstanceCategories),
					map[string]any{"key": "eks.amazonaws.com/instance-generation", "operator": "Gt", "values": []string{fmt.Sprint(p.MinInstanceGeneration - 1)}},
				},
				"expireAfter": p.ExpireAfter,
			},
		},
		"limits": map[string]any{
			"cpu":    fmt.Sprint(p.CPULimit),
			"memory": fmt.Sprintf("%dGi", p.MemoryLimitGiB),
		},
		"disruption": map[string]any{
			"consolidationPolicy": "WhenEmptyOrUnderutilized",
			// The scale-down delay: a node must stay empty or underused this
			// long before it is removed, so a dip between two bursts does not
			// thrash nodes.
			"consolidateAfter": p.ConsolidateAfter,
			"budgets":          []any{map[string]any{"nodes": p.DisruptionBudget}},
		},
	}))
	return obj
}
