// Package distdiff explains a change of dist/ to a reviewer: for every
// environment, which CloudFormation resources and Kubernetes objects are
// added, removed or changed, with the changed values, and the findings that
// must not slip through (replacements, deletions, weakened deletion
// policies, immutable fields, broadened network or RBAC access). Diff builds
// the Review; the renderers print it for a terminal, a pull request
// (Markdown) or machines (JSON). docs/review.md describes it.
package distdiff

import "strings"

// Tree is a snapshot of dist/: file path (relative to dist/) -> content.
type Tree map[string][]byte

// Action is what happens to one resource.
type Action string

const (
	Added   Action = "added"
	Removed Action = "removed"
	Changed Action = "changed"
)

// splitPath maps "prod/cloudformation/x.template.json" to ("prod", "cloudformation").
func splitPath(f string) (env, layer string) {
	parts := strings.Split(f, "/")
	if len(parts) < 3 {
		return "", ""
	}
	switch {
	case parts[1] == "cloudformation" && strings.HasSuffix(f, ".template.json"):
		return parts[0], "cloudformation"
	case parts[1] == "k8s" && (strings.HasSuffix(f, ".yaml") || strings.HasSuffix(f, ".yml")):
		return parts[0], "k8s"
	}
	return "", ""
}
