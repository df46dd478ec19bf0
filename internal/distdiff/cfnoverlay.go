package distdiff

import (
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"sort"
	"strings"

	"github.com/shopstack/shopstack/cdk/infra"
)

// The checks the CDK's engine does not make, each a Finding with its
// reason, computed from the raw templates of both trees.

// cfnTemplate is the part of a template the overlay reads.
type cfnTemplate struct {
	Resources map[string]struct {
		Type                string         `json:"Type"`
		Properties          map[string]any `json:"Properties"`
		DeletionPolicy      string         `json:"DeletionPolicy"`
		UpdateReplacePolicy string         `json:"UpdateReplacePolicy"`
	} `json:"Resources"`
	Outputs map[string]cfnOutput `json:"Outputs"`
}

type cfnOutput struct {
	Value  any `json:"Value"`
	Export *struct {
		Name any `json:"Name"`
	} `json:"Export"`
}

func parseCfn(data []byte) cfnTemplate {
	var t cfnTemplate
	if len(data) > 0 {
		_ = json.Unmarshal(data, &t) // the engine already refused what does not parse
	}
	return t
}

// StatefulTypes hold data or identity that a replacement or deletion loses:
// a change to one gets an Info banner so a reviewer looks twice.
var StatefulTypes = map[string]string{
	"AWS::RDS::DBInstance":        "database instance",
	"AWS::RDS::DBCluster":         "database cluster",
	"AWS::KMS::Key":               "KMS key",
	"AWS::SecretsManager::Secret": "secret",
	"AWS::ECR::Repository":        "image repository",
	"AWS::EKS::Cluster":           "EKS cluster",
	"AWS::Logs::LogGroup":         "log group",
	"AWS::EC2::Volume":            "EBS volume",
}

// policyRank orders DeletionPolicy/UpdateReplacePolicy by what survives:
// Retain > Snapshot > Delete.
func policyRank(p string) int {
	switch p {
	case "Retain", "RetainExceptOnCreate":
		return 2
	case "Snapshot":
		return 1
	}
	return 0
}

// effectivePolicy is the policy CloudFormation applies. An absent
// DeletionPolicy is Delete, except Snapshot for AWS::RDS::DBCluster and for
// an AWS::RDS::DBInstance without DBClusterIdentifier ("If a resource has no
// DeletionPolicy attribute, AWS CloudFormation deletes the resource by
// default ... Exception: The default policy is Snapshot for
// AWS::RDS::DBCluster resources and for AWS::RDS::DBInstance resources that
// don't specify the DBClusterIdentifier property",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
// An absent UpdateReplacePolicy is Delete ("By default, CloudFormation then
// deletes the old resource",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html).
func effectivePolicy(attr, p, typ string, props map[string]any) string {
	if p != "" {
		return p
	}
	if attr == "DeletionPolicy" && (typ == "AWS::RDS::DBCluster" || typ == "AWS::RDS::DBInstance" && props["DBClusterIdentifier"] == nil) {
		return "Snapshot"
	}
	return "Delete"
}

func policyName(p, effective string) string {
	if p == "" {
		return "absent (" + effective + ")"
	}
	return p
}

// overlay adds the findings the engine does not make. mustReplace holds
// "file/id" of the resources the engine says WILL_REPLACE.
func overlay(diffs []ResourceDiff, stacks []cfnStack, oldTree, newTree Tree, mustReplace map[string]bool) []ResourceDiff {
	index := map[string]int{} // file/id -> position in diffs
	for i, d := range diffs {
		index[d.File+"/"+d.ID] = i
	}
	get := func(s cfnStack, id, typ string) *ResourceDiff {
		key := path.Base(s.File) + "/" + id
		if i, ok := index[key]; ok {
			return &diffs[i]
		}
		diffs = append(diffs, ResourceDiff{Env: s.Env, Layer: LayerCloudFormation, File: path.Base(s.File), Stack: s.Stack, ID: id, Type: typ, Action: Changed})
		index[key] = len(diffs) - 1
		return &diffs[len(diffs)-1]
	}
	imports := importedExports(oldTree, newTree)

	for _, s := range stacks {
		oldT, newT := parseCfn(s.Old), parseCfn(s.New)
		for id, o := range oldT.Resources {
			n, ok := newT.Resources[id]
			if !ok || n.Type != o.Type {
				continue
			}
			for _, p := range []struct{ attr, old, new string }{
				{"DeletionPolicy", o.DeletionPolicy, n.DeletionPolicy},
				{"UpdateReplacePolicy", o.UpdateReplacePolicy, n.UpdateReplacePolicy},
			} {
				oldEff, newEff := effectivePolicy(p.attr, p.old, o.Type, o.Properties), effectivePolicy(p.attr, p.new, n.Type, n.Properties)
				if policyRank(newEff) < policyRank(oldEff) {
					d := get(s, id, n.Type)
					d.Findings = append(d.Findings, Finding{Danger, CodeDeletionPolicyWeakened,
						fmt.Sprintf("%s of %s (%s) weakened from %s to %s: a later removal or replacement loses what was kept", p.attr, id, n.Type, policyName(p.old, oldEff), policyName(p.new, newEff))})
				}
			}
			if f, ok := engineMajor(o.Type, o.Properties, n.Properties); ok {
				d := get(s, id, n.Type)
				d.Findings = append(d.Findings, f)
			}
			if f, ok := secretRegenerated(o.Type, o.Properties, n.Properties); ok {
				d := get(s, id, n.Type)
				d.Findings = append(d.Findings, f)
			}
		}
		for id, o := range oldT.Outputs {
			name, ok := exportName(o)
			if !ok || len(imports[s.Env][name]) == 0 {
				continue
			}
			importers := otherStacks(imports[s.Env][name], s.File)
			if len(importers) == 0 {
				continue
			}
			n, still := newT.Outputs[id]
			newName, _ := exportName(n)
			var why string
			switch {
			case !still || n.Export == nil:
				why = "is removed"
			case newName != name:
				why = "is renamed to " + newName
			case outputChanged(diffs, index, path.Base(s.File), id) || !reflect.DeepEqual(o.Value, n.Value):
				why = "changes its value"
			default:
				continue
			}
			// "After another stack imports an output value, you can't delete
			// the stack that is exporting the output value or modify the
			// exported output value" (Fn::ImportValue,
			// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-importvalue.html).
			d := get(s, id, TypeOutput)
			d.Findings = append(d.Findings, Finding{Danger, CodeExportInUse,
				fmt.Sprintf("export %s %s while %s import(s) it: CloudFormation refuses to remove or change an export in use (Fn::ImportValue)", name, why, strings.Join(importers, ", "))})
		}
	}

	nameTaken(stacks, get)

	for i := range diffs {
		d := &diffs[i]
		if d.Layer != LayerCloudFormation {
			continue
		}
		if f, ok := customNameReplace(*d, stacks); ok && mustReplace[d.File+"/"+d.ID] {
			d.Findings = append(d.Findings, f)
		}
		if what, ok := StatefulTypes[d.Type]; ok && d.Action != Added {
			d.Findings = append([]Finding{{Info, CodeStateful, fmt.Sprintf("stateful: %s %s (%s) changes; check what it holds before deploying", what, d.ID, d.Type)}}, d.Findings...)
		}
	}
	return diffs
}

// engineMajor flags an RDS engine major version change without
// AllowMajorVersionUpgrade: RDS refuses it ("AllowMajorVersionUpgrade ...
// Constraints: Major version upgrades must be allowed when specifying a value
// for the EngineVersion parameter that is a different major version", AWS::RDS::DBInstance).
func engineMajor(typ string, o, n map[string]any) (Finding, bool) {
	if typ != "AWS::RDS::DBInstance" && typ != "AWS::RDS::DBCluster" {
		return Finding{}, false
	}
	ov, _ := o["EngineVersion"].(string)
	nv, _ := n["EngineVersion"].(string)
	if ov == "" || nv == "" || major(ov) == major(nv) {
		return Finding{}, false
	}
	if allow := n["AllowMajorVersionUpgrade"]; allow == true || allow == "true" {
		return Finding{}, false
	}
	return Finding{Danger, CodeEngineMajor, fmt.Sprintf("EngineVersion major %s -> %s without AllowMajorVersionUpgrade: true: RDS refuses the upgrade and the stack update fails", major(ov), major(nv))}, true
}

// secretRegenerated flags a changed GenerateSecretString of a Secrets
// Manager secret: CloudFormation updates the secret in place (no
// replacement, so the engine says nothing loud) but generates a new value,
// and the keys a SecretTargetAttachment wrote into it (host, port, dbname
// of the database secret) are lost: the attachment does not run again
// (aws/aws-cdk#10800; audit F11). The backend then cannot build its DSN.
func secretRegenerated(typ string, o, n map[string]any) (Finding, bool) {
	if typ != "AWS::SecretsManager::Secret" || reflect.DeepEqual(o["GenerateSecretString"], n["GenerateSecretString"]) {
		return Finding{}, false
	}
	return Finding{Danger, CodeSecretRegenerated, "GenerateSecretString changes: CloudFormation generates a new secret value in place, and keys a target attachment wrote (host, port, dbname) are lost (aws/aws-cdk#10800): the password changes under the running database's clients"}, true
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

// customNameReplace: a resource that must be replaced and keeps its custom
// name cannot be replaced ("You can't perform an update that causes a
// custom-named resource to be replaced. If you must replace the resource,
// specify a new name",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html;
// the stack update fails with "CloudFormation cannot update a stack when a
// custom-named resource requires replacing",
// https://repost.aws/knowledge-center/cloudformation-custom-name).
// The name property comes from infra.PhysicalNames.
func customNameReplace(d ResourceDiff, stacks []cfnStack) (Finding, bool) {
	prop := infra.PhysicalNames[d.Type].Property
	if prop == "" {
		return Finding{}, false
	}
	for _, s := range stacks {
		if path.Base(s.File) != d.File || s.Env != d.Env {
			continue
		}
		oldName, newName := parseCfn(s.Old).Resources[d.ID].Properties[prop], parseCfn(s.New).Resources[d.ID].Properties[prop]
		if oldName == nil || newName == nil {
			// CloudFormation generated the old name (or will generate the
			// new one): the replacement can be created beside the old one.
			return Finding{}, false
		}
		if reflect.DeepEqual(oldName, newName) {
			return Finding{Danger, CodeCustomNameReplace, fmt.Sprintf("CloudFormation will refuse: it cannot replace a custom-named resource (%s %s is kept while %s must be replaced)", prop, render(newName), d.ID)}, true
		}
		return Finding{Danger, CodeCustomNameReplace, fmt.Sprintf("%s changes %s -> %s: CloudFormation creates %s under the new name and then removes the old one (its data stays only if its policy retains it)", prop, render(oldName), render(newName), d.ID)}, true
	}
	return Finding{}, false
}

// nameTaken flags an added resource whose custom name a removed resource of
// the same type and env still holds (a construct id renamed): CloudFormation
// creates and updates resources first and deletes removed ones in the
// UPDATE_COMPLETE_CLEANUP_IN_PROGRESS phase at the end ("Monitor the
// progress of a stack update",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html),
// so the create fails with "already exists"; a retained one holds the name
// for good. Names are unique per account and region ("Resource names must be
// unique across all your active stacks", aws-properties-name.html).
func nameTaken(stacks []cfnStack, get func(cfnStack, string, string) *ResourceDiff) {
	type owner struct{ stack, id string }
	removed := map[string]owner{} // env|type|name -> removed resource
	for _, s := range stacks {
		oldT, newT := parseCfn(s.Old), parseCfn(s.New)
		for id, r := range oldT.Resources {
			if _, still := newT.Resources[id]; still {
				continue
			}
			if prop := infra.PhysicalNames[r.Type].Property; prop != "" && r.Properties[prop] != nil {
				removed[s.Env+"|"+r.Type+"|"+render(r.Properties[prop])] = owner{s.Stack, id}
			}
		}
	}
	if len(removed) == 0 {
		return
	}
	for _, s := range stacks {
		oldT, newT := parseCfn(s.Old), parseCfn(s.New)
		for id, r := range newT.Resources {
			if _, existed := oldT.Resources[id]; existed {
				continue
			}
			prop := infra.PhysicalNames[r.Type].Property
			if prop == "" || r.Properties[prop] == nil {
				continue
			}
			name := render(r.Properties[prop])
			if o, ok := removed[s.Env+"|"+r.Type+"|"+name]; ok {
				d := get(s, id, r.Type)
				d.Findings = append(d.Findings, Finding{Danger, CodeCustomNameReplace,
					fmt.Sprintf("%s %s is still held by %s/%s, which this change removes: CloudFormation creates %s before it deletes the old one, so the create fails (already exists)", prop, name, o.stack, o.id, id)})
			}
		}
	}
}

func render(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func exportName(o cfnOutput) (string, bool) {
	if o.Export == nil {
		return "", false
	}
	return render(o.Export.Name), true
}

// outputChanged reports whether the engine found the Output's value changed
// (including a reference to a replaced resource, "(replaced)").
func outputChanged(diffs []ResourceDiff, index map[string]int, file, id string) bool {
	i, ok := index[file+"/"+id]
	if !ok || diffs[i].Type != TypeOutput {
		return false
	}
	for _, f := range diffs[i].Fields {
		var o, n cfnOutput
		_ = json.Unmarshal([]byte(f.Old), &o)
		_ = json.Unmarshal([]byte(f.New), &n)
		if !reflect.DeepEqual(o.Value, n.Value) {
			return true
		}
	}
	return false
}

// importedExports maps env -> export name -> the template files (base
// names) that import it, in either tree: the old tree is what is deployed,
// the new tree what will be.
func importedExports(trees ...Tree) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for _, t := range trees {
		for f, data := range t {
			env, layer := splitPath(f)
			if layer != LayerCloudFormation {
				continue
			}
			var doc any
			if json.Unmarshal(data, &doc) != nil {
				continue
			}
			walkImports(doc, func(name string) {
				if out[env] == nil {
					out[env] = map[string][]string{}
				}
				base := path.Base(f)
				for _, have := range out[env][name] {
					if have == base {
						return
					}
				}
				out[env][name] = append(out[env][name], base)
				sort.Strings(out[env][name])
			})
		}
	}
	return out
}

func walkImports(v any, found func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k == "Fn::ImportValue" {
				found(render(val))
				continue
			}
			walkImports(val, found)
		}
	case []any:
		for _, e := range x {
			walkImports(e, found)
		}
	}
}

func otherStacks(files []string, self string) []string {
	var out []string
	for _, f := range files {
		if f != path.Base(self) {
			out = append(out, strings.TrimSuffix(f, cfnTemplateExt))
		}
	}
	return out
}
