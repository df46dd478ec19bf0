// Package deploy holds what scripts/deploy.sh cannot say safely in bash: it
// reads a CloudFormation change set and the deployed and proposed templates
// and says whether executing it replaces, removes or unprotects anything;
// it orders the stacks of a cloud assembly; and it reads the Kubernetes
// manifests (which kinds they use, their namespaces, their Jobs and
// workloads). cmd/deployplan is its command line.
//
// Every input shape is a documented output of the tool that produced it;
// the comments name the documentation.
package deploy

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ChangeSet is the part of `aws cloudformation describe-change-set --output
// json` that the review reads. The fields are DescribeChangeSet's response
// elements (CloudFormation API Reference, DescribeChangeSet and
// ResourceChange); the AWS CLI pages through Changes by itself
// ("describe-change-set is a paginated operation", AWS CLI reference).
type ChangeSet struct {
	ChangeSetName string
	StackName     string
	// Status: CREATE_PENDING | CREATE_IN_PROGRESS | CREATE_COMPLETE |
	// DELETE_PENDING | DELETE_IN_PROGRESS | DELETE_COMPLETE | DELETE_FAILED |
	// FAILED.
	Status       string
	StatusReason string
	// ExecutionStatus: UNAVAILABLE | AVAILABLE | EXECUTE_IN_PROGRESS |
	// EXECUTE_COMPLETE | EXECUTE_FAILED | OBSOLETE. Only AVAILABLE can be
	// executed.
	ExecutionStatus string
	Changes         []Change
}

// Change is one entry of Changes. Type is "Resource" for resource changes.
type Change struct {
	Type           string
	ResourceChange *ResourceChange
}

// ResourceChange is what CloudFormation will do to one resource.
type ResourceChange struct {
	// Action: Add | Modify | Remove | Import | Dynamic | SyncWithActual.
	Action string
	// LogicalResourceID and PhysicalResourceID are the API's
	// LogicalResourceId and PhysicalResourceId (encoding/json matches field
	// names case-insensitively).
	LogicalResourceID  string
	PhysicalResourceID string
	ResourceType       string
	// Replacement, for Modify: True | False | Conditional.
	Replacement string
	// PolicyAction: Delete | Retain | Snapshot | ReplaceAndDelete |
	// ReplaceAndRetain | ReplaceAndSnapshot.
	PolicyAction string
	Scope        []string
	Details      []ResourceChangeDetail
}

// ResourceChangeDetail says which attribute of a resource changes and why.
type ResourceChangeDetail struct {
	Target struct {
		Attribute string
		Name      string
		// RequiresRecreation: Never | Conditionally | Always.
		RequiresRecreation string
	}
	Evaluation    string
	ChangeSource  string
	CausingEntity string
}

// Finding is one reason a change set needs a person's confirmation.
type Finding struct {
	LogicalID    string
	ResourceType string
	What         string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s (%s): %s", f.LogicalID, f.ResourceType, f.What)
}

// Review is the verdict on one change set.
type Review struct {
	Stack     string
	ChangeSet string
	// Empty: CloudFormation found nothing to change; there is nothing to
	// execute.
	Empty bool
	// Changes are the resource changes, in the change set's order.
	Changes []ResourceChange
	// Destructive lists every replacement, removal, undeterminable action
	// and weakened DeletionPolicy/UpdateReplacePolicy.
	Destructive []Finding
	// Notes are facts worth printing that need no confirmation.
	Notes []string
}

// noChangesPrefixes are the StatusReasons of a change set that CloudFormation
// created empty: it ends FAILED with one of them. The AWS CDK CLI pinned in
// package.json recognises exactly these two (toolkit-lib
// stack-diagnoser.ts, changeSetHasNoChanges), and its README says that
// `--method=prepare-change-set` always creates the change set, "even if it
// is empty".
var noChangesPrefixes = []string{
	"The submitted information didn't contain changes.",
	"No updates are to be performed.",
}

// ReviewChangeSet decides what cs does to the stack. deployed is the
// stack's current template (nil for a stack that does not exist yet);
// proposed is the template the change set was made from (dist/).
func ReviewChangeSet(cs ChangeSet, deployed, proposed *Template) (Review, error) {
	r := Review{Stack: cs.StackName, ChangeSet: cs.ChangeSetName}
	if cs.Status == "FAILED" {
		for _, p := range noChangesPrefixes {
			if strings.HasPrefix(cs.StatusReason, p) {
				r.Empty = true
			}
		}
		if !r.Empty {
			return r, fmt.Errorf("change set %s of %s failed: %s", cs.ChangeSetName, cs.StackName, cs.StatusReason)
		}
		if deployed != nil && proposed != nil {
			for _, f := range PolicyWeakenings(*deployed, *proposed) {
				r.Notes = append(r.Notes, "CloudFormation reports no changes although "+f.String()+"; nothing is executed, so the deployed policy stays")
			}
		}
		return r, nil
	}
	if cs.Status != "CREATE_COMPLETE" {
		return r, fmt.Errorf("change set %s of %s is %s (%s), not CREATE_COMPLETE", cs.ChangeSetName, cs.StackName, cs.Status, cs.StatusReason)
	}
	if cs.ExecutionStatus != "AVAILABLE" {
		return r, fmt.Errorf("change set %s of %s cannot be executed: ExecutionStatus %s", cs.ChangeSetName, cs.StackName, cs.ExecutionStatus)
	}
	for _, c := range cs.Changes {
		if c.Type != "Resource" || c.ResourceChange == nil {
			r.Notes = append(r.Notes, fmt.Sprintf("a change of type %q is not reviewed here", c.Type))
			continue
		}
		rc := *c.ResourceChange
		r.Changes = append(r.Changes, rc)
		if what := destructiveAction(rc); what != "" {
			r.Destructive = append(r.Destructive, Finding{LogicalID: rc.LogicalResourceID, ResourceType: rc.ResourceType, What: what})
		}
	}
	if deployed != nil && proposed != nil {
		r.Destructive = append(r.Destructive, PolicyWeakenings(*deployed, *proposed)...)
	}
	return r, nil
}

// destructiveAction says why a resource change needs confirmation, or "".
func destructiveAction(rc ResourceChange) string {
	switch rc.Action {
	case "Add", "Import", "SyncWithActual":
		return ""
	case "Remove":
		if rc.PolicyAction != "" {
			return "removed from the stack (policy action " + rc.PolicyAction + ")"
		}
		return "removed from the stack"
	case "Dynamic":
		// "exact action for the resource can't be determined" (API
		// Reference, ResourceChange): assume the worst.
		return "action Dynamic: CloudFormation cannot tell yet what happens to it"
	case "Modify":
		switch rc.Replacement {
		case "False", "":
			return ""
		case "True":
			return "replaced (Replacement True)" + causes(rc)
		case "Conditional":
			return "may be replaced (Replacement Conditional)" + causes(rc)
		default:
			return "Replacement " + rc.Replacement + ", treated as a replacement" + causes(rc)
		}
	default:
		return "unknown action " + rc.Action
	}
}

// causes names the attributes that force a replacement.
func causes(rc ResourceChange) string {
	var names []string
	for _, d := range rc.Details {
		if d.Target.RequiresRecreation == "Always" || d.Target.RequiresRecreation == "Conditionally" {
			names = append(names, strings.TrimPrefix(d.Target.Attribute+"."+d.Target.Name, "."))
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return " by " + strings.Join(uniq(names), ", ")
}

func uniq(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// Print writes the review for a person.
func (r Review) Print(w io.Writer) {
	if r.Empty {
		fmt.Fprintf(w, "%s: no changes (change set %s is empty; nothing to execute)\n", r.Stack, r.ChangeSet)
	} else {
		fmt.Fprintf(w, "%s: change set %s, %d resource change(s)\n", r.Stack, r.ChangeSet, len(r.Changes))
		for _, c := range r.Changes {
			line := fmt.Sprintf("  %-7s %-42s %s", c.Action, c.ResourceType, c.LogicalResourceID)
			if c.Action == "Modify" {
				line += "  replacement: " + c.Replacement
				if attrs := changedAttributes(c); attrs != "" {
					line += "  (" + attrs + ")"
				}
			}
			if c.Action == "Remove" && c.PolicyAction != "" {
				line += "  policy action: " + c.PolicyAction
			}
			fmt.Fprintln(w, line)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "  note: "+n)
	}
	if len(r.Destructive) > 0 {
		fmt.Fprintf(w, "DESTRUCTIVE in %s (%d):\n", r.Stack, len(r.Destructive))
		for _, f := range r.Destructive {
			fmt.Fprintln(w, "  "+f.String())
		}
	}
}

func changedAttributes(c ResourceChange) string {
	var names []string
	for _, d := range c.Details {
		n := strings.TrimPrefix(d.Target.Attribute+"."+d.Target.Name, ".")
		n = strings.TrimSuffix(n, ".")
		if n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return strings.Join(uniq(names), ", ")
}

// ParseChangeSet reads `aws cloudformation describe-change-set --output json`.
func ParseChangeSet(data []byte) (ChangeSet, error) {
	var cs ChangeSet
	if err := json.Unmarshal(data, &cs); err != nil {
		return cs, fmt.Errorf("not the JSON of describe-change-set: %w", err)
	}
	if cs.Status == "" {
		return cs, fmt.Errorf("not the JSON of describe-change-set: no Status")
	}
	return cs, nil
}
