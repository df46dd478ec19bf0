package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Stack is one CloudFormation stack of an environment, in deploy order.
type Stack struct {
	// Name is the CloudFormation stack name (and the cdk CLI's stack id).
	Name string
	// Template is the stack's template in dist/.
	Template string
	// Registry: the stack holds ECR repositories, or another such stack
	// depends on it. Registry stacks deploy before the images are pushed;
	// the others after.
	Registry bool
}

// manifest is the part of a cloud assembly's manifest.json that orders the
// stacks (AWS CDK cloud assembly schema: artifacts of type
// "aws:cloudformation:stack" with properties.templateFile,
// properties.stackName and dependencies).
type manifest struct {
	Artifacts map[string]struct {
		Type       string
		Properties struct {
			TemplateFile string
			StackName    string
		}
		Dependencies []string
	}
}

// PlanStacks reads the cloud assembly that `cdk synth --output assemblyDir`
// wrote and returns the stacks whose templates are in distDir, in the order
// they must deploy: the registry stacks (and what they depend on) first,
// then the rest, each group in dependency order (the assembly's own
// dependencies, as `cdk deploy` orders them). Every template in distDir
// must be byte-identical to the assembly's: what deploys is what was
// reviewed.
func PlanStacks(assemblyDir, distDir string) ([]Stack, error) {
	data, err := os.ReadFile(filepath.Join(assemblyDir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("no cloud assembly: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s/manifest.json: %w", assemblyDir, err)
	}
	dist, err := filepath.Glob(filepath.Join(distDir, "*.template.json"))
	if err != nil || len(dist) == 0 {
		return nil, fmt.Errorf("no templates in %s: run 'go tool task synth'", distDir)
	}
	byTemplate := map[string]string{} // template file name -> artifact id
	for id, a := range m.Artifacts {
		if a.Type == "aws:cloudformation:stack" {
			byTemplate[a.Properties.TemplateFile] = id
		}
	}
	stacks := map[string]*Stack{} // artifact id -> stack
	for _, path := range dist {
		file := filepath.Base(path)
		id, ok := byTemplate[file]
		if !ok {
			return nil, fmt.Errorf("%s has no stack in the cloud assembly: dist/ is stale, run 'go tool task synth'", path)
		}
		synthesized, err := os.ReadFile(filepath.Join(assemblyDir, file))
		if err != nil {
			return nil, err
		}
		reviewed, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(synthesized, reviewed) {
			return nil, fmt.Errorf("cdk synth wrote a %s that differs from %s: dist/ is stale, run 'go tool task synth' and review the diff", file, path)
		}
		name := m.Artifacts[id].Properties.StackName
		if name == "" {
			name = id
		}
		t, err := ParseTemplate(reviewed)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		st := &Stack{Name: name, Template: path}
		for _, r := range t.Resources {
			if r.Type == "AWS::ECR::Repository" {
				st.Registry = true
			}
		}
		stacks[id] = st
	}
	deps := func(id string) []string {
		var out []string
		for _, d := range m.Artifacts[id].Dependencies {
			if _, ok := stacks[d]; ok {
				out = append(out, d)
			}
		}
		sort.Strings(out)
		return out
	}
	// A stack that a registry stack depends on deploys with it.
	var mark func(id string)
	mark = func(id string) {
		for _, d := range deps(id) {
			if !stacks[d].Registry {
				stacks[d].Registry = true
				mark(d)
			}
		}
	}
	for id, st := range stacks {
		if st.Registry {
			mark(id)
		}
	}
	order, err := topological(stacks, deps)
	if err != nil {
		return nil, err
	}
	var out []Stack
	for _, registry := range []bool{true, false} {
		for _, id := range order {
			if stacks[id].Registry == registry {
				out = append(out, *stacks[id])
			}
		}
	}
	return out, nil
}

// topological orders ids so that every id comes after its dependencies;
// among ready ids, by name, so the order is stable.
func topological(stacks map[string]*Stack, deps func(string) []string) ([]string, error) {
	done := map[string]bool{}
	var order []string
	for len(order) < len(stacks) {
		var ready []string
		for id := range stacks {
			if done[id] {
				continue
			}
			ok := true
			for _, d := range deps(id) {
				if !done[d] {
					ok = false
				}
			}
			if ok {
				ready = append(ready, id)
			}
		}
		if len(ready) == 0 {
			var left []string
			for id := range stacks {
				if !done[id] {
					left = append(left, id)
				}
			}
			sort.Strings(left)
			return nil, fmt.Errorf("the stacks %s depend on each other in a cycle", strings.Join(left, ", "))
		}
		sort.Strings(ready)
		for _, id := range ready {
			done[id] = true
			order = append(order, id)
		}
	}
	return order, nil
}
