// Package distdiff explains a change of dist/ in resource terms: for every
// environment, which CloudFormation resources and Kubernetes objects are
// added, removed or changed, and which changes would make CloudFormation
// replace or delete a resource. Reviewers read its report next to the raw
// YAML/JSON diff.
package distdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"reflect"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Tree is a snapshot of dist/: file path (relative to dist/) -> content.
type Tree map[string][]byte

// Action is what happens to one resource.
type Action string

const (
	Added   Action = "added"
	Removed Action = "removed"
	Changed Action = "changed"
)

// Change is one resource or object that differs.
type Change struct {
	Env    string
	Layer  string // "cloudformation" or "k8s"
	File   string
	ID     string // logical id, or kind/namespace/name
	Type   string // CloudFormation type or Kubernetes apiVersion/kind
	Action Action
	// Paths are the top-level properties that changed (for Changed).
	Paths []string
	// Replacement is set when the resource type changes, which always
	// replaces it. Property-driven replacement is reported only by
	// CloudFormation (cfn.go), on the CDK's engine and resource database.
	Replacement []string
}

// Dangerous reports whether the change deletes or replaces a resource.
func (c Change) Dangerous() bool {
	return c.Layer == "cloudformation" && (c.Action == Removed || len(c.Replacement) > 0)
}

// Compare returns the changes from old to new, sorted by env, layer, file, id.
func Compare(oldTree, newTree Tree) ([]Change, error) {
	files := map[string]bool{}
	for f := range oldTree {
		files[f] = true
	}
	for f := range newTree {
		files[f] = true
	}
	var out []Change
	for f := range files {
		env, layer := splitPath(f)
		if layer == "" {
			continue
		}
		var (
			oldRes, newRes map[string]resource
			err            error
		)
		parse := parseTemplate
		if layer == "k8s" {
			parse = parseManifests
		}
		if oldRes, err = parse(oldTree[f]); err != nil {
			return nil, fmt.Errorf("old %s: %w", f, err)
		}
		if newRes, err = parse(newTree[f]); err != nil {
			return nil, fmt.Errorf("new %s: %w", f, err)
		}
		out = append(out, compareResources(env, layer, f, oldRes, newRes)...)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Env != b.Env {
			return a.Env < b.Env
		}
		if a.Layer != b.Layer {
			return a.Layer < b.Layer
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.ID < b.ID
	})
	return out, nil
}

// splitPath maps "prod/cloudformation/x.template.json" to ("prod", "cloudformation").
func splitPath(f string) (env, layer string) {
	parts := strings.Split(f, "/")
	if len(parts) < 3 {
		return "", ""
	}
	switch {
	case parts[1] == "cloudformation" && strings.HasSuffix(f, ".template.json"):
		return parts[0], "cloudformation"
	case parts[1] == "k8s" && (strings.HasSuffix(f, ".yaml") || strings.HasSuffix(f, ".yml")):
		return parts[0], "k8s"
	}
	return "", ""
}

type resource struct {
	Type  string
	Props map[string]any
}

func parseTemplate(data []byte) (map[string]resource, error) {
	out := map[string]resource{}
	if len(data) == 0 {
		return out, nil
	}
	var tmpl struct {
		Resources map[string]struct {
			Type       string         `json:"Type"`
			Properties map[string]any `json:"Properties"`
		} `json:"Resources"`
	}
	if err := json.Unmarshal(data, &tmpl); err != nil {
		return nil, err
	}
	for id, r := range tmpl.Resources {
		out[id] = resource{Type: r.Type, Props: r.Properties}
	}
	return out, nil
}

func parseManifests(data []byte) (map[string]resource, error) {
	out := map[string]resource{}
	for _, doc := range splitYAML(data) {
		var obj map[string]any
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, err
		}
		if obj == nil {
			continue
		}
		kind, _ := obj["kind"].(string)
		apiVersion, _ := obj["apiVersion"].(string)
		meta, _ := obj["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		ns, _ := meta["namespace"].(string)
		id := kind + "/" + name
		if ns != "" {
			id = kind + "/" + ns + "/" + name
		}
		props := map[string]any{}
		for k, v := range obj {
			if k != "apiVersion" && k != "kind" {
				props[k] = v
			}
		}
		out[id] = resource{Type: apiVersion + " " + kind, Props: props}
	}
	return out, nil
}

func splitYAML(data []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(append([]byte("\n"), data...), []byte("\n---")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

func compareResources(env, layer, file string, oldRes, newRes map[string]resource) []Change {
	var out []Change
	for id, o := range oldRes {
		n, ok := newRes[id]
		if !ok {
			out = append(out, Change{Env: env, Layer: layer, File: file, ID: id, Type: o.Type, Action: Removed})
			continue
		}
		if o.Type != n.Type {
			c := Change{Env: env, Layer: layer, File: file, ID: id, Type: o.Type + " -> " + n.Type, Action: Changed, Paths: []string{"Type"}}
			if layer == "cloudformation" {
				c.Replacement = []string{"Type"}
			}
			out = append(out, c)
			continue
		}
		paths := changedKeys(o.Props, n.Props)
		if len(paths) == 0 {
			continue
		}
		// Which property changes replace a resource is the CDK engine's
		// call (CloudFormation, cfn.go): Compare no longer guesses.
		out = append(out, Change{Env: env, Layer: layer, File: file, ID: id, Type: n.Type, Action: Changed, Paths: paths})
	}
	for id, n := range newRes {
		if _, ok := oldRes[id]; !ok {
			out = append(out, Change{Env: env, Layer: layer, File: file, ID: id, Type: n.Type, Action: Added})
		}
	}
	return out
}

func changedKeys(a, b map[string]any) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		if !reflect.DeepEqual(a[k], b[k]) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Report writes a human summary of changes to w and returns how many are
// dangerous (a deletion or replacement of a CloudFormation resource).
func Report(w io.Writer, changes []Change) int {
	if len(changes) == 0 {
		fmt.Fprintln(w, "dist/: no resource changes")
		return 0
	}
	dangerous := 0
	lastGroup := ""
	counts := map[string]map[Action]int{}
	for _, c := range changes {
		group := c.Env + " / " + c.Layer
		if counts[group] == nil {
			counts[group] = map[Action]int{}
		}
		counts[group][c.Action]++
		if group != lastGroup {
			fmt.Fprintf(w, "\n== %s\n", group)
			lastGroup = group
		}
		sign := map[Action]string{Added: "+", Removed: "-", Changed: "~"}[c.Action]
		line := fmt.Sprintf("  %s %-60s %s (%s)", sign, c.ID, c.Type, path.Base(c.File))
		if len(c.Paths) > 0 {
			line += " changed: " + strings.Join(c.Paths, ", ")
		}
		fmt.Fprintln(w, line)
		if c.Dangerous() {
			dangerous++
			if c.Action == Removed {
				fmt.Fprintf(w, "    !!! WARNING: CloudFormation will DELETE %s (%s)\n", c.ID, c.Type)
			} else {
				fmt.Fprintf(w, "    !!! WARNING: CloudFormation will REPLACE %s (%s): %s change(s) require replacement\n", c.ID, c.Type, strings.Join(c.Replacement, ", "))
			}
		}
	}
	groups := make([]string, 0, len(counts))
	for g := range counts {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	fmt.Fprintln(w, "\nSummary:")
	for _, g := range groups {
		fmt.Fprintf(w, "  %-28s %d added, %d removed, %d changed\n", g, counts[g][Added], counts[g][Removed], counts[g][Changed])
	}
	if dangerous > 0 {
		fmt.Fprintf(w, "\n!!! %d CloudFormation resource(s) would be DELETED or REPLACED. Check data-bearing resources (database, secrets, keys) before deploying.\n", dangerous)
	}
	return dangerous
}
