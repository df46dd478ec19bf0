package distdiff

import (
	"strings"
	"testing"
)

// findings returns code -> messages of one resource.
func findingsOf(diffs []ResourceDiff, id string) map[string][]string {
	out := map[string][]string{}
	for _, d := range diffs {
		if d.ID == id {
			for _, f := range d.Findings {
				out[f.Code] = append(out[f.Code], string(f.Severity)+": "+f.Message)
			}
		}
	}
	return out
}

func TestCloudFormationSmallTemplates(t *testing.T) {
	oldTree := Tree{"prod/cloudformation/shop.template.json": []byte(oldTemplate)}
	newTree := Tree{"prod/cloudformation/shop.template.json": []byte(newTemplate)}
	diffs, err := CloudFormation(oldTree, newTree)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		if d.Layer != LayerCloudFormation || d.Stack != "shop" || d.Env != "prod" || d.File != "shop.template.json" {
			t.Errorf("%s: layer/stack/env/file = %s/%s/%s/%s", d.ID, d.Layer, d.Stack, d.Env, d.File)
		}
	}
	tests := []struct {
		id        string
		action    Action
		want, not []string
	}{
		// The resource database marks DBInstance MultiAZ causesReplacement:
		// maybe, so the engine (and `cdk diff`) says "may be replaced".
		{"Db", Changed, []string{CodeStateful, CodeMayReplace}, []string{CodeReplace}},
		{"Repo", Changed, []string{CodeReplace, CodeCustomNameReplace, CodeStateful}, nil},
		{"Gone", Removed, []string{CodeDelete, CodeStateful}, []string{CodeOrphan}},
		{"New", Added, nil, []string{CodeStateful, CodeReplace}},
	}
	if len(diffs) != len(tests) {
		t.Errorf("got %d diffs, want %d: %+v", len(diffs), len(tests), diffs)
	}
	for _, tt := range tests {
		f := findingsOf(diffs, tt.id)
		for _, code := range tt.want {
			if len(f[code]) == 0 {
				t.Errorf("%s: no %s finding; got %v", tt.id, code, f)
			}
		}
		for _, code := range tt.not {
			if len(f[code]) > 0 {
				t.Errorf("%s: unexpected %s finding %v", tt.id, code, f[code])
			}
		}
	}
	if f := findingsOf(diffs, "Repo")[CodeCustomNameReplace]; len(f) == 0 || !strings.Contains(f[0], "shop/backend -> shop/api") {
		t.Errorf("Repo rename: %v", f)
	}
}

func TestCloudFormationUnchangedIsEmpty(t *testing.T) {
	tree := Tree{"dev/cloudformation/a.template.json": []byte(oldTemplate)}
	diffs, err := CloudFormation(tree, tree)
	if err != nil || len(diffs) != 0 {
		t.Fatalf("got %v, %v; want nothing", diffs, err)
	}
}
