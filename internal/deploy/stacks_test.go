package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata/manifest.json is the manifest.json that `npx cdk synth --output`
// (aws-cdk 2.1148.1, the version package.json pins) wrote for this app,
// trimmed to the fields a deploy reads. When the stacks change, synthesize
// again and trim it the same way.

// assembly lays out a cloud assembly: the manifest and a copy of each
// environment's dist/ templates.
func assembly(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	templates, _ := filepath.Glob("../../dist/*/cloudformation/*.template.json")
	for _, tpl := range templates {
		data, err := os.ReadFile(tpl)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(tpl)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPlanStacks(t *testing.T) {
	asm := assembly(t)
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			stacks, err := PlanStacks(asm, "../../dist/"+env+"/cloudformation")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range stacks {
				phase := "rest"
				if s.Registry {
					phase = "registry"
				}
				got = append(got, phase+" "+s.Name)
			}
			p := "shopstack-" + env + "-"
			want := []string{"registry " + p + "edge", "rest " + p + "network", "rest " + p + "cluster", "rest " + p + "database"}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("order = %v, want %v", got, want)
			}
		})
	}
}

func TestPlanStacksRefusesStaleDist(t *testing.T) {
	asm := assembly(t)
	f := filepath.Join(asm, "shopstack-prod-cluster.template.json")
	if err := os.WriteFile(f, []byte(`{"Resources":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := PlanStacks(asm, "../../dist/prod/cloudformation")
	if err == nil || !strings.Contains(err.Error(), "dist/ is stale") {
		t.Errorf("error = %v, want a stale dist/", err)
	}
}

// A stack that a registry stack depends on deploys with it, before the
// images; a cycle is refused.
func TestPlanStacksDependencies(t *testing.T) {
	dir, dist := t.TempDir(), t.TempDir()
	write := func(d, name, content string) {
		if err := os.WriteFile(filepath.Join(d, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []struct{ name, body string }{
		{"a", `{"Resources":{"R":{"Type":"AWS::ECR::Repository"}}}`},
		{"b", `{"Resources":{"V":{"Type":"AWS::EC2::VPC"}}}`},
		{"c", `{"Resources":{"C":{"Type":"AWS::EKS::Cluster"}}}`},
	} {
		write(dir, s.name+".template.json", s.body)
		write(dist, s.name+".template.json", s.body)
	}
	manifest := func(deps string) {
		write(dir, "manifest.json", `{"artifacts":{
			"a":{"type":"aws:cloudformation:stack","properties":{"templateFile":"a.template.json"},"dependencies":["b"]},
			"b":{"type":"aws:cloudformation:stack","properties":{"templateFile":"b.template.json"},"dependencies":[`+deps+`]},
			"c":{"type":"aws:cloudformation:stack","properties":{"templateFile":"c.template.json","stackName":"named-c"},"dependencies":["b"]}}}`)
	}
	manifest("")
	stacks, err := PlanStacks(dir, dist)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range stacks {
		got = append(got, s.Name+map[bool]string{true: "(registry)", false: ""}[s.Registry])
	}
	if strings.Join(got, " ") != "b(registry) a(registry) named-c" {
		t.Errorf("order = %v", got)
	}
	manifest(`"a"`)
	if _, err := PlanStacks(dir, dist); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("error = %v, want a cycle", err)
	}
}
