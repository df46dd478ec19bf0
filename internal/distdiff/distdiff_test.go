package distdiff

import (
	"bytes"
	"strings"
	"testing"
)

const oldTemplate = `{"Resources": {
  "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBName": "shop", "MultiAZ": false}},
  "Repo": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "shop/backend"}},
  "Gone": {"Type": "AWS::SecretsManager::Secret", "Properties": {"Name": "x"}}
}}`

const newTemplate = `{"Resources": {
  "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBName": "shop", "MultiAZ": true}},
  "Repo": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "shop/api"}},
  "New": {"Type": "AWS::Logs::LogGroup", "Properties": {}}
}}`

const oldManifest = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: shop
spec:
  replicas: 1
`

const newManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: shop
spec:
  replicas: 2
`

func TestCompareClassifiesEveryChange(t *testing.T) {
	changes, err := Compare(
		Tree{"prod/cloudformation/db.template.json": []byte(oldTemplate), "prod/k8s/shop.k8s.yaml": []byte(oldManifest)},
		Tree{"prod/cloudformation/db.template.json": []byte(newTemplate), "prod/k8s/shop.k8s.yaml": []byte(newManifest)},
	)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Change{}
	for _, c := range changes {
		got[c.ID] = c
	}
	tests := []struct {
		id          string
		action      Action
		dangerous   bool
		replacement string
	}{
		{"Db", Changed, false, ""},             // MultiAZ is an in-place update
		{"Repo", Changed, false, ""},           // replacement is CloudFormation's (the engine's) call now, not Compare's
		{"Gone", Removed, true, ""},            // deletion
		{"New", Added, false, ""},              // addition
		{"Namespace/shop", Removed, false, ""}, // Kubernetes objects never count as CloudFormation replacements
		{"Deployment/shop/backend", Changed, false, ""},
	}
	if len(changes) != len(tests) {
		t.Errorf("got %d changes, want %d: %+v", len(changes), len(tests), changes)
	}
	for _, tt := range tests {
		c, ok := got[tt.id]
		if !ok {
			t.Errorf("%s: no change reported", tt.id)
			continue
		}
		if c.Action != tt.action || c.Dangerous() != tt.dangerous || strings.Join(c.Replacement, ",") != tt.replacement {
			t.Errorf("%s: got action %s dangerous %v replacement %v; want %s %v %q", tt.id, c.Action, c.Dangerous(), c.Replacement, tt.action, tt.dangerous, tt.replacement)
		}
	}

	var out bytes.Buffer
	if n := Report(&out, changes); n != 1 {
		t.Errorf("Report counted %d dangerous changes, want 1\n%s", n, out.String())
	}
	for _, want := range []string{"will DELETE Gone", "prod / cloudformation", "1 added, 1 removed, 2 changed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCompareUnchangedTreeReportsNothing(t *testing.T) {
	tree := Tree{"dev/cloudformation/a.template.json": []byte(oldTemplate), "dev/k8s/a.k8s.yaml": []byte(oldManifest)}
	changes, err := Compare(tree, tree)
	if err != nil || len(changes) != 0 {
		t.Fatalf("got %v, %v; want no changes", changes, err)
	}
}

func TestCompareRejectsBrokenFiles(t *testing.T) {
	_, err := Compare(Tree{}, Tree{"dev/cloudformation/a.template.json": []byte("{not json")})
	if err == nil {
		t.Fatal("a broken template must be an error, not an empty diff")
	}
}
