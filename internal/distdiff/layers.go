package distdiff

import (
	"path"
	"strings"
)

// The two diff engines Diff composes: Kubernetes (k8s*.go, on dyff) and,
// until the CloudFormation engine (cfn*.go, on the AWS CDK's diff engine) is
// merged, an adapter over the older Compare for CloudFormation.
var (
	cloudFormationDiff func(oldTree, newTree Tree) ([]ResourceDiff, error) = compareLayer("cloudformation")
	kubernetesDiff     func(oldTree, newTree Tree) ([]ResourceDiff, error) = Kubernetes
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
