package distdiff

// ConfigMap payloads. A data value that is itself a YAML or JSON document
// (prometheus.yml, *.rules.yml, alertmanager.yml, Grafana dashboards) is
// parsed and diffed structurally, so a rule change reads
//
//	data.shopstack.rules.yml: groups[name=storefront].rules[alert=StorefrontHighErrorRatio,severity=critical].expr
//
// with the expression before and after, and a dashboard change names the
// panel by its title. Any other value is compared as text, old -> new.

import (
	"sort"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

// identityKey is the key annotate adds to list items so that dyff matches
// them by a stable identity; it never shows in a path or a value.
const identityKey = "\x00identity"

// configMapData diffs the data of two ConfigMaps key by key.
func configMapData(from, to *yamlv3.Node) ([]FieldChange, error) {
	oldData, newData := mapValue(from, "data"), mapValue(to, "data")
	keys := map[string]bool{}
	for _, m := range []*yamlv3.Node{oldData, newData} {
		if m == nil || m.Kind != yamlv3.MappingNode {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			keys[m.Content[i].Value] = true
		}
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []FieldChange
	for _, k := range sorted {
		o, n := mapValue(oldData, k), mapValue(newData, k)
		at := "data." + k
		switch {
		case o == nil:
			out = append(out, FieldChange{Path: at, New: renderValue(n)})
			continue
		case n == nil:
			out = append(out, FieldChange{Path: at, Old: renderValue(o)})
			continue
		case o.Value == n.Value:
			continue
		}
		oldDoc, newDoc := parsePayload(k, o.Value), parsePayload(k, n.Value)
		if oldDoc == nil || newDoc == nil {
			out = append(out, FieldChange{Path: at, Old: truncate(o.Value), New: truncate(n.Value)})
			continue
		}
		annotate(oldDoc, newDoc)
		fields, err := diffNodes(oldDoc, newDoc, at+": ")
		if err != nil {
			return nil, err
		}
		if len(fields) == 0 {
			// Same document, other text (formatting, comments).
			fields = []FieldChange{{Path: at + " (formatting only)", Old: truncate(o.Value), New: truncate(n.Value)}}
		}
		out = append(out, fields...)
	}
	return out, nil
}

// parsePayload parses a data value as a YAML (or JSON, which is YAML)
// document; nil unless it is a mapping or a list.
func parsePayload(key, text string) *yamlv3.Node {
	t := strings.TrimSpace(text)
	if t == "" {
		return nil
	}
	looksJSON := strings.HasSuffix(key, ".json") || t[0] == '{' || t[0] == '['
	looksYAML := strings.HasSuffix(key, ".yml") || strings.HasSuffix(key, ".yaml")
	if !looksJSON && !looksYAML && !strings.Contains(t, "\n") {
		return nil // a one-line setting ("true", "info") is text
	}
	var root yamlv3.Node
	if err := yamlv3.Unmarshal([]byte(text), &root); err != nil || len(root.Content) == 0 {
		return nil
	}
	n := root.Content[0]
	if n.Kind != yamlv3.MappingNode && n.Kind != yamlv3.SequenceNode {
		return nil
	}
	return n
}

// identityFields are the fields that name a list item in the payloads we
// ship, most specific first: Prometheus rules (alert or record, with the
// severity label to tell the warning and critical variants of one alert
// apart), scrape configs, Grafana panels (title), queries (refId).
var identityFields = []string{"name", "alert", "record", "job_name", "title", "refId", "uid", "receiver", "id", "key"}

// annotate walks two versions of a payload together and, for every list of
// mappings that both versions have at the same place, gives each item an
// identity (identityKey: "alert=X,severity=critical") when one field set
// names every item of both lists uniquely. dyff then matches the items by
// that identity rather than by its own guess (it would otherwise pick the
// first field unique in every item, such as a rule's expr, and a changed
// threshold would read as one rule removed and another added).
func annotate(from, to *yamlv3.Node) {
	if from == nil || to == nil || from.Kind != to.Kind {
		return
	}
	switch from.Kind {
	case yamlv3.MappingNode:
		for i := 0; i+1 < len(from.Content); i += 2 {
			annotate(from.Content[i+1], mapValue(to, from.Content[i].Value))
		}
	case yamlv3.SequenceNode:
		fromIDs, toIDs := identities(from), identities(to)
		if fromIDs == nil || toIDs == nil {
			if len(from.Content) == len(to.Content) {
				for i := range from.Content {
					annotate(from.Content[i], to.Content[i])
				}
			}
			return
		}
		byID := map[string]*yamlv3.Node{}
		for i, item := range to.Content {
			setIdentity(item, toIDs[i])
			byID[toIDs[i]] = item
		}
		for i, item := range from.Content {
			setIdentity(item, fromIDs[i])
			annotate(item, byID[fromIDs[i]])
		}
	}
}

func setIdentity(item *yamlv3.Node, id string) {
	item.Content = append([]*yamlv3.Node{
		{Kind: yamlv3.ScalarNode, Tag: "!!str", Value: identityKey},
		{Kind: yamlv3.ScalarNode, Tag: "!!str", Value: id},
	}, item.Content...)
}

// identities names every item of list by the first identity field that all
// items carry ("alert" and "record" count as one), adding the severity label
// when that alone is not unique; nil when no field names them uniquely.
func identities(list *yamlv3.Node) []string {
	if len(list.Content) == 0 {
		return nil
	}
	for _, item := range list.Content {
		if item.Kind != yamlv3.MappingNode {
			return nil
		}
	}
	for _, field := range identityFields {
		if field == "record" {
			continue // tried together with alert
		}
		ids := make([]string, len(list.Content))
		ok := true
		for i, item := range list.Content {
			k, v := field, mapValue(item, field)
			if v == nil && field == "alert" {
				k, v = "record", mapValue(item, "record")
			}
			if v == nil || v.Kind != yamlv3.ScalarNode || v.Value == "" {
				ok = false
				break
			}
			ids[i] = k + "=" + v.Value
		}
		if !ok {
			continue
		}
		if unique(ids) {
			return ids
		}
		// Alerts with a warning and a critical variant share a name;
		// dashboards may hold a stat and a graph of one title.
		// Only the items whose name is shared get the extra field.
		count := map[string]int{}
		for _, id := range ids {
			count[id]++
		}
		shared := make([]bool, len(ids))
		for i, id := range ids {
			shared[i] = count[id] > 1
		}
		for _, extra := range [][]string{{"labels", "severity"}, {"type"}} {
			for i, item := range list.Content {
				if !shared[i] {
					continue
				}
				v := item
				for _, k := range extra {
					v = mapValue(v, k)
				}
				if v != nil && v.Kind == yamlv3.ScalarNode {
					ids[i] += "," + extra[len(extra)-1] + "=" + v.Value
				}
			}
			if unique(ids) {
				return ids
			}
		}
	}
	return nil
}

func unique(ids []string) bool {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return false
		}
		seen[id] = true
	}
	return true
}
