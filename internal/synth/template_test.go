package synth

import (
	"encoding/json"
	"os"
	"sort"
	"testing"
)

// template is the part of a CloudFormation template these checks read.
type template struct {
	Resources map[string]struct {
		Type       string
		Properties json.RawMessage
	}
}

func readTemplate(t *testing.T, path string) *template {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tpl template
	if err := json.Unmarshal(data, &tpl); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &tpl
}

// ofType returns the logical ids of the resources of a type, sorted.
func (tpl *template) ofType(typ string) []string {
	var ids []string
	for id, r := range tpl.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// props decodes the Properties of one resource.
func (tpl *template) props(t *testing.T, id string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(tpl.Resources[id].Properties, &m); err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return m
}
