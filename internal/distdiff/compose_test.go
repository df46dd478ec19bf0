package distdiff

import (
	"errors"
	"slices"
	"testing"
)

// stubLayers points the two engines at fakes for one test.
func stubLayers(t *testing.T, cfn, k8s func(oldTree, newTree Tree) ([]ResourceDiff, error)) {
	t.Helper()
	oldCfn, oldK8s := cloudFormationDiff, kubernetesDiff
	cloudFormationDiff, kubernetesDiff = cfn, k8s
	t.Cleanup(func() { cloudFormationDiff, kubernetesDiff = oldCfn, oldK8s })
}

func TestDiffComposesAndSortsBothLayers(t *testing.T) {
	stubLayers(t,
		func(Tree, Tree) ([]ResourceDiff, error) {
			return []ResourceDiff{
				{Env: "prod", Layer: "cloudformation", File: "b.template.json", ID: "A"},
				{Env: "dev", Layer: "cloudformation", File: "b.template.json", ID: "B"},
				{Env: "dev", Layer: "cloudformation", File: "a.template.json", ID: "Z"},
			}, nil
		},
		func(Tree, Tree) ([]ResourceDiff, error) {
			return []ResourceDiff{
				{Env: "dev", Layer: "k8s", File: "shop.k8s.yaml", ID: "Service/shop/web"},
				{Env: "dev", Layer: "k8s", File: "shop.k8s.yaml", ID: "Deployment/shop/web"},
			}, nil
		})
	r, err := Diff(Tree{}, Tree{}, "HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, res := range r.Resources {
		got = append(got, res.Env+" "+res.Layer+" "+res.File+" "+res.ID)
	}
	want := []string{
		"dev cloudformation a.template.json Z",
		"dev cloudformation b.template.json B",
		"dev k8s shop.k8s.yaml Deployment/shop/web",
		"dev k8s shop.k8s.yaml Service/shop/web",
		"prod cloudformation b.template.json A",
	}
	if r.Base != "HEAD~1" || !slices.Equal(got, want) {
		t.Errorf("got base %q, resources\n%q\nwant\n%q", r.Base, got, want)
	}
}

func TestDiffFailsWhenALayerFails(t *testing.T) {
	boom := errors.New("boom")
	none := func(Tree, Tree) ([]ResourceDiff, error) { return nil, nil }
	fail := func(Tree, Tree) ([]ResourceDiff, error) { return nil, boom }
	for name, stubs := range map[string][2]func(Tree, Tree) ([]ResourceDiff, error){
		"cloudformation": {fail, none},
		"k8s":            {none, fail},
	} {
		stubLayers(t, stubs[0], stubs[1])
		if _, err := Diff(Tree{}, Tree{}, "HEAD"); !errors.Is(err, boom) {
			t.Errorf("%s failing: got %v, want the layer's error", name, err)
		}
	}
}

func TestDiffOfNothingIsAnEmptyReview(t *testing.T) {
	r, err := Diff(Tree{}, Tree{}, "HEAD")
	if err != nil || r.Resources == nil || len(r.Resources) != 0 || len(r.Dangerous()) != 0 {
		t.Fatalf("got %+v, %v; want an empty, non-nil list", r, err)
	}
}
