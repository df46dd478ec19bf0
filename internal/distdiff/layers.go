package distdiff

import (
	"path"
	"strings"
)

// The two diff engines Diff composes. Until the CloudFormation engine
// (cfn*.go: CloudFormation, on the AWS CDK's diff engine) and the Kubernetes
// engine (k8s*.go: Kubernetes, on dyff) are merged, both are adapters over
// the older Compare, so the command and the renderers work today. The merge
// of those engines points these two variables at CloudFormation and
// Kubernetes and deletes the adapters below.
var (
	cloudFormationDiff func(oldTree, newTree Tree) ([]ResourceDiff, error) = compareLayer("cloudformation")
	kubernetesDiff     func(oldTree, newTree Tree) ([]ResourceDiff, error) = compareLayer("k8s")
)

// compareLayer adapts Compare to the report model for one layer: changed
// top-level keys become field changes without values, a deletion or a
// replacement a Danger finding.
func compareLayer(layer string) func(oldTree, newTree Tree) ([]ResourceDiff, error) {
	return func(oldTree, newTree Tree) ([]ResourceDiff, error) {
		changes, err := Compare(oldTree, newTree)
		if err != nil {
			return nil, err
		}
		var out []ResourceDiff
		for _, c := range changes {
			if c.Layer != layer {
				continue
			}
			file := path.Base(c.File)
			r := ResourceDiff{Env: c.Env, Layer: c.Layer, File: file, ID: c.ID, Type: c.Type, Action: c.Action}
			if layer == "cloudformation" {
				r.Stack = strings.TrimSuffix(file, ".template.json")
			}
			for _, p := range c.Paths {
				r.Fields = append(r.Fields, FieldChange{Path: p})
			}
			switch {
			case c.Dangerous() && c.Action == Removed:
				r.Findings = append(r.Findings, Finding{Severity: Danger, Code: CodeDelete,
					Message: "CloudFormation will DELETE " + c.ID + " (" + c.Type + ")"})
			case c.Dangerous():
				r.Findings = append(r.Findings, Finding{Severity: Danger, Code: CodeReplace,
					Message: "CloudFormation will REPLACE " + c.ID + " (" + c.Type + "): " + strings.Join(c.Replacement, ", ") + " require(s) replacement"})
			}
			out = append(out, r)
		}
		return out, nil
	}
}
