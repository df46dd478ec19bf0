package deploy

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

// Template is the part of a CloudFormation template the review reads.
type Template struct {
	Resources map[string]TemplateResource
}

// TemplateResource is one resource of a template. The policies are `any`
// because a template may compute them (Fn::If), which this review cannot
// evaluate.
type TemplateResource struct {
	Type                string
	DeletionPolicy      any
	UpdateReplacePolicy any
	Properties          map[string]any
}

// ParseTemplate reads a template file (dist/<env>/cloudformation/*.json).
func ParseTemplate(data []byte) (Template, error) {
	var t Template
	if err := json.Unmarshal(data, &t); err != nil {
		return t, fmt.Errorf("not a JSON CloudFormation template: %w", err)
	}
	return t, nil
}

// ParseDeployedTemplate reads `aws cloudformation get-template --output
// json`. The API returns TemplateBody as a string (CloudFormation API
// Reference, GetTemplate); the AWS CLI decodes a JSON body into an object
// (botocore handlers.py, json_decode_template_body, registered for
// GetTemplate), so both forms are accepted. The CDK deploys JSON templates;
// a YAML body is refused rather than half-read.
func ParseDeployedTemplate(data []byte) (Template, error) {
	var out struct {
		TemplateBody json.RawMessage
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return Template{}, fmt.Errorf("not the JSON of get-template: %w", err)
	}
	if len(out.TemplateBody) == 0 {
		return Template{}, fmt.Errorf("not the JSON of get-template: no TemplateBody")
	}
	body := []byte(out.TemplateBody)
	var s string
	if json.Unmarshal(body, &s) == nil {
		body = []byte(s)
	}
	t, err := ParseTemplate(body)
	if err != nil {
		return t, fmt.Errorf("the deployed TemplateBody: %w", err)
	}
	return t, nil
}

// policyStrength orders what happens to a resource's physical instance when
// it leaves the stack (DeletionPolicy) or is replaced (UpdateReplacePolicy),
// from keeping it to deleting it. RetainExceptOnCreate "behaves like Retain
// for stack operations, except for the stack operation that initially
// created the resource" (CloudFormation Template Reference, DeletionPolicy
// attribute), so for a deployed resource it is as strong as Retain.
var policyStrength = map[string]int{
	"Retain":               3,
	"RetainExceptOnCreate": 3,
	"Snapshot":             2,
	"Delete":               1,
}

// EffectiveDeletionPolicy is the DeletionPolicy CloudFormation applies: the
// attribute, or the default. "If a resource has no DeletionPolicy attribute,
// AWS CloudFormation deletes the resource by default", except that "the
// default policy is Snapshot for AWS::RDS::DBCluster resources and for
// AWS::RDS::DBInstance resources that don't specify the DBClusterIdentifier
// property" (DeletionPolicy attribute).
func EffectiveDeletionPolicy(r TemplateResource) any {
	if r.DeletionPolicy != nil {
		return r.DeletionPolicy
	}
	switch {
	case r.Type == "AWS::RDS::DBCluster":
		return "Snapshot"
	case r.Type == "AWS::RDS::DBInstance" && r.Properties["DBClusterIdentifier"] == nil:
		return "Snapshot"
	}
	return "Delete"
}

// EffectiveUpdateReplacePolicy is the UpdateReplacePolicy CloudFormation
// applies: the attribute, or Delete ("By default, CloudFormation then
// deletes the old resource", UpdateReplacePolicy attribute).
func EffectiveUpdateReplacePolicy(r TemplateResource) any {
	if r.UpdateReplacePolicy != nil {
		return r.UpdateReplacePolicy
	}
	return "Delete"
}

// PolicyWeakenings lists every resource present in both templates whose
// DeletionPolicy or UpdateReplacePolicy keeps less in proposed than in
// deployed (Retain -> Snapshot -> Delete), or changed in a way that cannot
// be compared (a computed policy).
func PolicyWeakenings(deployed, proposed Template) []Finding {
	ids := make([]string, 0, len(proposed.Resources))
	for id := range proposed.Resources {
		if _, ok := deployed.Resources[id]; ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var out []Finding
	for _, id := range ids {
		old, cur := deployed.Resources[id], proposed.Resources[id]
		for _, p := range []struct {
			name     string
			old, cur any
		}{
			{"DeletionPolicy", EffectiveDeletionPolicy(old), EffectiveDeletionPolicy(cur)},
			{"UpdateReplacePolicy", EffectiveUpdateReplacePolicy(old), EffectiveUpdateReplacePolicy(cur)},
		} {
			if reflect.DeepEqual(p.old, p.cur) {
				continue
			}
			os, oldOK := p.old.(string)
			cs, curOK := p.cur.(string)
			if oldOK && curOK && policyStrength[os] > 0 && policyStrength[cs] > 0 {
				if policyStrength[cs] < policyStrength[os] {
					out = append(out, Finding{LogicalID: id, ResourceType: cur.Type, What: fmt.Sprintf("%s weakened: %s -> %s", p.name, os, cs)})
				}
				continue
			}
			out = append(out, Finding{LogicalID: id, ResourceType: cur.Type, What: fmt.Sprintf("%s changed and cannot be compared: %s -> %s", p.name, show(p.old), show(p.cur))})
		}
	}
	return out
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}
