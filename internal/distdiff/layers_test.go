package distdiff

import "testing"

// The adapters over Compare, until the CloudFormation and Kubernetes engines
// are merged: a deletion and a replacement are dangers, in the right layer.
func TestCompareAdaptersFillTheModel(t *testing.T) {
	oldTree := Tree{"prod/cloudformation/db.template.json": []byte(oldTemplate), "prod/k8s/shop.k8s.yaml": []byte(oldManifest)}
	newTree := Tree{"prod/cloudformation/db.template.json": []byte(newTemplate), "prod/k8s/shop.k8s.yaml": []byte(newManifest)}
	r, err := Diff(oldTree, newTree, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ResourceDiff{}
	for _, res := range r.Resources {
		got[res.Layer+" "+res.ID] = res
	}
	if len(got) != 6 {
		t.Errorf("got %d resources, want 6: %+v", len(got), r.Resources)
	}
	if g := got["cloudformation Gone"]; g.Action != Removed || len(g.Findings) != 1 || g.Findings[0].Code != CodeDelete || g.Stack != "db" || g.File != "db.template.json" {
		t.Errorf("Gone: %+v", g)
	}
	if g := got["cloudformation Repo"]; len(g.Findings) != 1 || g.Findings[0].Code != CodeReplace || len(g.Fields) != 1 || g.Fields[0].Path != "RepositoryName" {
		t.Errorf("Repo: %+v", g)
	}
	if g := got["k8s Namespace//shop"]; g.Action != Removed || len(g.Findings) != 1 || g.Findings[0].Code != CodeNotPruned {
		t.Errorf("Namespace//shop: %+v", g)
	}
	if n := len(r.Dangerous()); n != 2 {
		t.Errorf("got %d dangers, want 2: %v", n, r.Dangerous())
	}
}
