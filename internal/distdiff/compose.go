package distdiff

import (
	"cmp"
	"fmt"
	"slices"
)

// Diff reviews the change from oldTree to newTree (both snapshots of dist/):
// the CloudFormation layer and the Kubernetes layer, each diffed by its own
// engine, in one Review sorted by env, layer, file and id. base names the
// revision oldTree came from.
func Diff(oldTree, newTree Tree, base string) (Review, error) {
	review := Review{Base: base, Resources: []ResourceDiff{}}
	for _, layer := range []struct {
		name string
		diff func(oldTree, newTree Tree) ([]ResourceDiff, error)
	}{
		{"cloudformation", cloudFormationDiff},
		{"k8s", kubernetesDiff},
	} {
		res, err := layer.diff(oldTree, newTree)
		if err != nil {
			return Review{}, fmt.Errorf("%s diff: %w", layer.name, err)
		}
		review.Resources = append(review.Resources, res...)
	}
	SortResources(review.Resources)
	return review, nil
}

// SortResources orders resources by env, layer, file and id: the order every
// renderer prints them in.
func SortResources(res []ResourceDiff) {
	slices.SortStableFunc(res, func(a, b ResourceDiff) int {
		return cmp.Or(
			cmp.Compare(a.Env, b.Env),
			cmp.Compare(a.Layer, b.Layer),
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.ID, b.ID),
		)
	})
}
