package distdiff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// LayerCloudFormation is ResourceDiff.Layer for a CloudFormation change.
const LayerCloudFormation = "cloudformation"

// Pseudo types for the entries of a template that are not resources.
const (
	TypeOutput      = "Output"
	TypeCondition   = "Condition"
	TypeParameter   = "Parameter"
	TypeIAMChanges  = "IAM statement changes"
	TypeSGChanges   = "Security group changes"
	idIAMChanges    = "(IAM)"
	idSGChanges     = "(security groups)"
	cfnTemplateExt  = ".template.json"
	cfnScriptName   = "cfndiff.mjs"
	setupCLICommand = "run `go tool task setup:cli`"
)

// CloudFormation diffs the CloudFormation templates of two dist/ snapshots
// with the AWS CDK's own diff engine (cfndiff.mjs, one `node` process for
// every stack) and adds the checks the engine does not make (cfnoverlay.go).
// The result is sorted by env, file and id.
func CloudFormation(oldTree, newTree Tree) ([]ResourceDiff, error) {
	stacks := cfnStacks(oldTree, newTree)
	if len(stacks) == 0 {
		return nil, nil
	}
	results, err := runCfnDiff(stacks)
	if err != nil {
		return nil, err
	}
	var out []ResourceDiff
	mustReplace := map[string]bool{} // file/id the engine says WILL_REPLACE
	for _, r := range results {
		out = append(out, r.resourceDiffs()...)
		for _, res := range r.Resources {
			if res.Impact == impactReplace {
				mustReplace[path.Base(r.File)+"/"+res.ID] = true
			}
		}
	}
	out = overlay(out, stacks, oldTree, newTree, mustReplace)
	SortResources(out)
	return out, nil
}

// cfnStack is one template file in either tree.
type cfnStack struct {
	Env   string          `json:"env"`
	Stack string          `json:"stack"`
	File  string          `json:"file"`
	Old   json.RawMessage `json:"old"`
	New   json.RawMessage `json:"new"`
}

func cfnStacks(oldTree, newTree Tree) []cfnStack {
	files := map[string]bool{}
	for _, t := range []Tree{oldTree, newTree} {
		for f := range t {
			if _, layer := splitPath(f); layer == LayerCloudFormation {
				files[f] = true
			}
		}
	}
	var out []cfnStack
	for f := range files {
		if bytes.Equal(oldTree[f], newTree[f]) {
			continue
		}
		env, _ := splitPath(f)
		s := cfnStack{Env: env, Stack: strings.TrimSuffix(path.Base(f), cfnTemplateExt), File: f, Old: []byte("null"), New: []byte("null")}
		if len(oldTree[f]) > 0 {
			s.Old = oldTree[f]
		}
		if len(newTree[f]) > 0 {
			s.New = newTree[f]
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}

// cfnResult is what cfndiff.mjs writes per stack.
type cfnResult struct {
	Env        string        `json:"env"`
	Stack      string        `json:"stack"`
	File       string        `json:"file"`
	Resources  []cfnResource `json:"resources"`
	Outputs    []cfnEntry    `json:"outputs"`
	Conditions []cfnEntry    `json:"conditions"`
	Parameters []cfnEntry    `json:"parameters"`
	IAM        struct {
		Statements      [][]string `json:"statements"`
		ManagedPolicies [][]string `json:"managedPolicies"`
		Broadened       bool       `json:"broadened"`
	} `json:"iam"`
	SecurityGroups struct {
		Rows  [][]string `json:"rows"`
		Added bool       `json:"added"`
	} `json:"securityGroups"`
}

type cfnResource struct {
	ID           string        `json:"id"`
	Type         string        `json:"type"`
	Action       Action        `json:"action"`
	Impact       string        `json:"impact"`
	Fields       []FieldChange `json:"fields"`
	Replacements []struct {
		Path        string `json:"path"`
		Impact      string `json:"impact"`
		ByReference bool   `json:"byReference"`
		Nested      bool   `json:"nested"`
	} `json:"replacements"`
}

type cfnEntry struct {
	ID     string `json:"id"`
	Action Action `json:"action"`
	Old    string `json:"old"`
	New    string `json:"new"`
}

// The engine's ResourceImpact values (lib/diff/types.js).
const (
	impactReplace    = "WILL_REPLACE"
	impactMayReplace = "MAY_REPLACE"
	impactDestroy    = "WILL_DESTROY"
	impactOrphan     = "WILL_ORPHAN"
)

func (r cfnResult) resourceDiffs() []ResourceDiff {
	base := ResourceDiff{Env: r.Env, Layer: LayerCloudFormation, File: path.Base(r.File), Stack: r.Stack}
	var out []ResourceDiff
	for _, res := range r.Resources {
		d := base
		d.ID, d.Type, d.Action, d.Fields = res.ID, res.Type, res.Action, res.Fields
		d.Findings = impactFindings(res)
		out = append(out, d)
	}
	for _, e := range r.Outputs {
		out = append(out, entryDiff(base, e, TypeOutput))
	}
	for _, e := range r.Conditions {
		out = append(out, entryDiff(base, e, TypeCondition))
	}
	for _, e := range r.Parameters {
		out = append(out, entryDiff(base, e, TypeParameter))
	}
	if len(r.IAM.Statements) > 0 || len(r.IAM.ManagedPolicies) > 0 {
		d := base
		d.ID, d.Type, d.Action = idIAMChanges, TypeIAMChanges, Changed
		d.Tables = append(d.Tables, table("IAM Statement Changes", r.IAM.Statements), table("IAM Policy Changes", r.IAM.ManagedPolicies))
		d.Tables = nonEmptyTables(d.Tables)
		sev, msg := Info, "IAM statements or managed policies change"
		if r.IAM.Broadened {
			sev, msg = Warning, "IAM permissions are broadened"
		}
		d.Findings = []Finding{{Severity: sev, Code: CodeIAM, Message: msg}}
		out = append(out, d)
	}
	if len(r.SecurityGroups.Rows) > 0 {
		d := base
		d.ID, d.Type, d.Action = idSGChanges, TypeSGChanges, Changed
		d.Tables = []Table{table("Security Group Changes", r.SecurityGroups.Rows)}
		sev, msg := Info, "security group rules change"
		if r.SecurityGroups.Added {
			sev, msg = Warning, "security group rules are added"
		}
		d.Findings = []Finding{{Severity: sev, Code: CodeSecurityGroup, Message: msg}}
		out = append(out, d)
	}
	return out
}

// table turns the engine's rows (header first) into a Table.
func table(title string, rows [][]string) Table {
	t := Table{Title: title}
	if len(rows) > 0 {
		t.Header, t.Rows = rows[0], rows[1:]
	}
	return t
}

func nonEmptyTables(ts []Table) []Table {
	var out []Table
	for _, t := range ts {
		if len(t.Rows) > 0 {
			out = append(out, t)
		}
	}
	return out
}

func entryDiff(base ResourceDiff, e cfnEntry, typ string) ResourceDiff {
	d := base
	d.ID, d.Type, d.Action = e.ID, typ, e.Action
	d.Fields = []FieldChange{{Path: typ, Old: e.Old, New: e.New}}
	return d
}

// impactFindings maps the engine's change impact to findings.
func impactFindings(res cfnResource) []Finding {
	switch res.Impact {
	case impactDestroy:
		return []Finding{{Danger, CodeDelete, fmt.Sprintf("CloudFormation will DELETE %s (%s): it is removed and its DeletionPolicy does not retain it", res.ID, res.Type)}}
	case impactOrphan:
		return []Finding{{Warning, CodeOrphan, fmt.Sprintf("%s (%s) leaves the stack but is kept (DeletionPolicy Retain): it stays in the account, unmanaged", res.ID, res.Type)}}
	case impactReplace, impactMayReplace:
	default:
		return nil
	}
	var direct, nestedPaths, refs, mayRefs, maybe []string
	for _, r := range res.Replacements {
		switch {
		case r.ByReference && r.Impact == impactMayReplace:
			mayRefs = append(mayRefs, r.Path)
		case r.ByReference:
			refs = append(refs, r.Path)
		case r.Impact == impactMayReplace:
			maybe = append(maybe, r.Path)
		case r.Nested:
			nestedPaths = append(nestedPaths, r.Path)
		default:
			direct = append(direct, r.Path)
		}
	}
	var out []Finding
	if len(direct)+len(nestedPaths) > 0 {
		msg := fmt.Sprintf("CloudFormation will REPLACE %s (%s): %s cause(s) replacement", res.ID, res.Type, strings.Join(append(direct, nestedPaths...), ", "))
		if len(nestedPaths) > 0 {
			msg += " (nested create-only properties in the resource database, which `cdk diff` does not read)"
		}
		out = append(out, Finding{Danger, CodeReplace, msg})
	}
	if len(refs) > 0 {
		out = append(out, Finding{Danger, CodeReplacedByReference, fmt.Sprintf("CloudFormation will REPLACE %s (%s): %s refer(s) to a resource that is replaced", res.ID, res.Type, strings.Join(refs, ", "))})
	}
	if len(mayRefs) > 0 {
		out = append(out, Finding{Danger, CodeReplacedByReference, fmt.Sprintf("CloudFormation may REPLACE %s (%s): %s refer(s) to a resource that is replaced, and the resource database says a change there may cause replacement", res.ID, res.Type, strings.Join(mayRefs, ", "))})
	}
	if len(maybe) > 0 {
		out = append(out, Finding{Danger, CodeMayReplace, fmt.Sprintf("CloudFormation may REPLACE %s (%s): %s may cause replacement depending on the value", res.ID, res.Type, strings.Join(maybe, ", "))})
	}
	return out
}

// runCfnDiff runs cfndiff.mjs once for every stack.
func runCfnDiff(stacks []cfnStack) ([]cfnResult, error) {
	script, err := cfnScript()
	if err != nil {
		return nil, err
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("distdiff: node is not on PATH (the CloudFormation diff runs the AWS CDK's engine on Node 20): %w", err)
	}
	in, err := json.Marshal(stacks)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(nodeBin, script)
	cmd.Dir = filepath.Dir(script)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = append(os.Environ(), "FORCE_COLOR=0", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("distdiff: %s: %w: %s", cfnScriptName, err, strings.TrimSpace(stderr.String()))
	}
	var results []cfnResult
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		return nil, fmt.Errorf("distdiff: decode %s output: %w", cfnScriptName, err)
	}
	return results, nil
}

// cfnScript finds cfndiff.mjs and checks that the engine is installed in
// the module root's node_modules. The module root comes from `go env GOMOD`
// (any working directory inside the repository), else from this source
// file's location (tests, `go run`).
func cfnScript() (string, error) {
	var roots []string
	if out, err := exec.Command("go", "env", "GOMOD").Output(); err == nil {
		if gomod := strings.TrimSpace(string(out)); gomod != "" && gomod != os.DevNull {
			roots = append(roots, filepath.Dir(gomod))
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		roots = append(roots, filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..")))
	}
	return cfnScriptIn(roots)
}

// cfnScriptIn is cfnScript over candidate module roots.
func cfnScriptIn(roots []string) (string, error) {
	for _, root := range roots {
		script := filepath.Join(root, "internal", "distdiff", cfnScriptName)
		if _, err := os.Stat(script); err != nil {
			continue
		}
		for _, pkg := range []string{"@aws-cdk/cloudformation-diff", "@aws-cdk/aws-service-spec"} {
			if _, err := os.Stat(filepath.Join(root, "node_modules", pkg, "package.json")); err != nil {
				return "", fmt.Errorf("distdiff: %s is not installed in %s: %s", pkg, filepath.Join(root, "node_modules"), setupCLICommand)
			}
		}
		return script, nil
	}
	return "", errors.New("distdiff: cannot find internal/distdiff/" + cfnScriptName + " from the working directory or the source: run inside the repository")
}
