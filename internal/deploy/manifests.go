package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Object is one document of a manifest file.
type Object struct {
	APIVersion, Kind, Namespace, Name string
	// Document is the whole document, for writing it out again.
	Document *yaml.Node
}

// ReadManifests reads every document of the given YAML files, in order.
func ReadManifests(files ...string) ([]Object, error) {
	var out []Object
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc yaml.Node
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			var head struct {
				APIVersion string `yaml:"apiVersion"`
				Kind       string `yaml:"kind"`
				Metadata   struct {
					Name      string `yaml:"name"`
					Namespace string `yaml:"namespace"`
				} `yaml:"metadata"`
			}
			if err := doc.Decode(&head); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			if head.Kind == "" {
				continue // an empty document
			}
			d := doc
			out = append(out, Object{APIVersion: head.APIVersion, Kind: head.Kind, Namespace: head.Metadata.Namespace, Name: head.Metadata.Name, Document: &d})
		}
	}
	return out, nil
}

// Kinds maps every apiVersion the objects use to its kinds, sorted.
func Kinds(objects []Object) map[string][]string {
	seen := map[string]map[string]bool{}
	for _, o := range objects {
		if seen[o.APIVersion] == nil {
			seen[o.APIVersion] = map[string]bool{}
		}
		seen[o.APIVersion][o.Kind] = true
	}
	out := map[string][]string{}
	for v, kinds := range seen {
		for k := range kinds {
			out[v] = append(out[v], k)
		}
		sort.Strings(out[v])
	}
	return out
}

// DiscoveryPath is where the API server lists the resources of an
// apiVersion: /api/v1 for the core group, /apis/<group>/<version> for the
// others (Kubernetes API concepts, "Discovery API").
func DiscoveryPath(apiVersion string) string {
	if !strings.Contains(apiVersion, "/") {
		return "/api/" + apiVersion
	}
	return "/apis/" + apiVersion
}

// MissingKinds reads an APIResourceList (`kubectl get --raw
// /apis/<group>/<version>`) and returns the wanted kinds it does not list.
func MissingKinds(discovery []byte, want []string) ([]string, error) {
	var list struct {
		Kind      string
		Resources []struct {
			Name string
			Kind string
		}
	}
	if err := json.Unmarshal(discovery, &list); err != nil {
		return nil, fmt.Errorf("not an APIResourceList: %w", err)
	}
	served := map[string]bool{}
	for _, r := range list.Resources {
		if !strings.Contains(r.Name, "/") { // "deployments/status" is a subresource
			served[r.Kind] = true
		}
	}
	var missing []string
	for _, k := range want {
		if !served[k] {
			missing = append(missing, k)
		}
	}
	return missing, nil
}

// WriteDocuments writes objects as one YAML stream.
func WriteDocuments(w io.Writer, objects []Object) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	for _, o := range objects {
		if err := enc.Encode(o.Document); err != nil {
			return err
		}
	}
	return enc.Close()
}

// Select returns the objects of the given kinds.
func Select(objects []Object, kinds ...string) []Object {
	want := map[string]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	var out []Object
	for _, o := range objects {
		if want[o.Kind] {
			out = append(out, o)
		}
	}
	return out
}
