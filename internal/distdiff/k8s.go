package distdiff

// The Kubernetes side of the review: every object of dist/<env>/k8s/*.yaml is
// matched by kind/namespace/name between the two trees, and a changed one is
// diffed field by field with homeport/dyff, which matches the items of a
// list (containers, env, ports, volumes) by their name instead of their
// position. ConfigMap payloads that are YAML or JSON documents themselves
// (Prometheus config and rules, AlertManager config, Grafana dashboards) are
// parsed and diffed the same way (k8s_payload.go); the findings a reviewer
// must not miss are in k8s_findings.go.

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/gonvenience/ytbx"
	"github.com/homeport/dyff/pkg/dyff"
	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/internal/k8stest"
)

// LayerKubernetes is ResourceDiff.Layer for Kubernetes objects.
const LayerKubernetes = "k8s"

// k8sObject is one document of a manifest file, parsed twice: as a YAML node
// tree for dyff, and as plain values for the findings.
type k8sObject struct {
	env, file  string
	apiVersion string
	kind       string
	namespace  string
	name       string
	node       *yamlv3.Node   // the document's root mapping
	value      map[string]any // the same document as plain Go values
}

// id is kind/namespace/name; cluster-scoped objects (no namespace) read
// kind//name so that the three parts stay in place.
func (o *k8sObject) id() string { return o.kind + "/" + o.namespace + "/" + o.name }

func (o *k8sObject) typ() string { return o.apiVersion + "/" + o.kind }

// Kubernetes compares the Kubernetes manifests of two dist/ trees (only
// <env>/k8s/*.yaml and *.yml are read) and returns one ResourceDiff per
// object added, removed or changed, sorted by env, file and id. Objects are
// matched within an environment whatever file holds them, so an object that
// moves from one chart file to another is not reported as removed and added.
func Kubernetes(oldTree, newTree Tree) ([]ResourceDiff, error) {
	oldObjs, err := k8sObjects(oldTree)
	if err != nil {
		return nil, fmt.Errorf("old tree: %w", err)
	}
	newObjs, err := k8sObjects(newTree)
	if err != nil {
		return nil, fmt.Errorf("new tree: %w", err)
	}
	var out []ResourceDiff
	for key, o := range oldObjs {
		n, ok := newObjs[key]
		if !ok {
			out = append(out, removedObject(o))
			continue
		}
		d, err := changedObject(o, n)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", n.env, n.id(), err)
		}
		if d != nil {
			out = append(out, *d)
		}
	}
	for key, n := range newObjs {
		if _, ok := oldObjs[key]; !ok {
			out = append(out, addedObject(n))
		}
	}
	SortResources(out)
	return out, nil
}

// k8sObjects parses every manifest of tree, keyed by env + id.
func k8sObjects(tree Tree) (map[string]*k8sObject, error) {
	out := map[string]*k8sObject{}
	for f, data := range tree {
		env, layer := splitPath(f)
		if layer != LayerKubernetes {
			continue
		}
		for i, doc := range k8stest.SplitYAML(data) {
			o, err := parseObject(doc)
			if err != nil {
				return nil, fmt.Errorf("%s#%d: %w", f, i+1, err)
			}
			if o == nil {
				continue
			}
			o.env, o.file = env, path.Base(f)
			key := env + "\x00" + o.id()
			if prev, dup := out[key]; dup {
				return nil, fmt.Errorf("%s#%d: %s is also in %s", f, i+1, o.id(), prev.file)
			}
			out[key] = o
		}
	}
	return out, nil
}

func parseObject(doc []byte) (*k8sObject, error) {
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(doc, &root); err != nil {
		return nil, err
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, nil
	}
	node := root.Content[0]
	if node.Kind == yamlv3.ScalarNode && node.Tag == "!!null" {
		return nil, nil
	}
	if node.Kind != yamlv3.MappingNode {
		return nil, fmt.Errorf("a Kubernetes object must be a mapping, got %s", nodeKind(node))
	}
	var value map[string]any
	if err := yaml.Unmarshal(doc, &value); err != nil {
		return nil, err
	}
	o := &k8sObject{node: node, value: value}
	o.apiVersion = str(value, "apiVersion")
	o.kind = str(value, "kind")
	o.namespace = str(value, "metadata", "namespace")
	o.name = str(value, "metadata", "name")
	if o.kind == "" || o.name == "" {
		return nil, fmt.Errorf("document has no kind or metadata.name")
	}
	return o, nil
}

func newResourceDiff(o *k8sObject, action Action) ResourceDiff {
	return ResourceDiff{Env: o.env, Layer: LayerKubernetes, File: o.file, ID: o.id(), Type: o.typ(), Action: action}
}

func addedObject(n *k8sObject) ResourceDiff {
	d := newResourceDiff(n, Added)
	d.Findings = findings(nil, n)
	return d
}

func removedObject(o *k8sObject) ResourceDiff {
	d := newResourceDiff(o, Removed)
	d.Findings = findings(o, nil)
	return d
}

// changedObject diffs two versions of one object; nil when they are equal.
func changedObject(o, n *k8sObject) (*ResourceDiff, error) {
	oldNode, newNode := o.node, n.node
	var payload []FieldChange
	if o.kind == "ConfigMap" && n.kind == "ConfigMap" {
		// The data keys are diffed one by one (YAML and JSON payloads
		// structurally), the rest of the object by dyff below.
		var err error
		if payload, err = configMapData(o.node, n.node); err != nil {
			return nil, err
		}
		oldNode, newNode = withoutKey(oldNode, "data"), withoutKey(newNode, "data")
	}
	fields, err := diffNodes(oldNode, newNode, "")
	if err != nil {
		return nil, err
	}
	fields = append(fields, payload...)
	if len(fields) == 0 {
		return nil, nil
	}
	if n.kind == "Secret" {
		maskSecretValues(fields)
	}
	d := newResourceDiff(n, Changed)
	d.Fields = fields
	d.Findings = findings(o, n)
	return &d, nil
}

// maskSecretValues keeps a Secret's values out of the report (it ends up in
// a pull request comment): the path says which key changed, not to what.
func maskSecretValues(fields []FieldChange) {
	for i, f := range fields {
		if !strings.HasPrefix(f.Path, "data") && !strings.HasPrefix(f.Path, "stringData") {
			continue
		}
		if f.Old != "" {
			fields[i].Old = "(hidden)"
		}
		if f.New != "" {
			fields[i].New = "(hidden)"
		}
	}
}

// dyffOptions: list items are matched by the identity annotate gave them
// first, then by dyff's own heuristics (name, key, id, a field unique in
// every item). Order changes are kept (env order matters for $(VAR)
// references); renames are not guessed.
func dyffOptions() []dyff.CompareOption {
	return []dyff.CompareOption{
		dyff.KubernetesEntityDetection(true),
		dyff.AdditionalIdentifiers(identityKey),
		dyff.DetectRenames(false),
	}
}

// diffNodes runs dyff on two YAML trees (a mapping or a sequence each) and
// turns its report into field changes, each path prefixed with prefix.
func diffNodes(from, to *yamlv3.Node, prefix string) ([]FieldChange, error) {
	fromFile := ytbx.InputFile{Location: "old", Documents: []*yamlv3.Node{document(from)}}
	toFile := ytbx.InputFile{Location: "new", Documents: []*yamlv3.Node{document(to)}}
	report, err := dyff.CompareInputFiles(fromFile, toFile, dyffOptions()...)
	if err != nil {
		return nil, err
	}
	var out []FieldChange
	for _, d := range report.Diffs {
		var elems []ytbx.PathElement
		if d.Path != nil {
			elems = d.Path.PathElements
		}
		details, paired, err := pairUnnamedItems(prefix, elems, d.Details, from, to)
		if err != nil {
			return nil, err
		}
		out = append(out, paired...)
		for _, det := range details {
			out = append(out, fieldChanges(prefix, elems, det, from, to)...)
		}
	}
	return out, nil
}

// pairUnnamedItems handles the lists dyff cannot match by a name (RBAC
// rules, NetworkPolicy rules and peers): it matches them by content, so an
// edited item comes back as one removed and one added. When a removed and
// an added item sit at the same index, they are the same item edited: diff
// the two (rules[0].resources: [...] -> [...]) instead. The details left
// over are returned for fieldChanges.
func pairUnnamedItems(prefix string, elems []ytbx.PathElement, details []dyff.Detail, fromRoot, toRoot *yamlv3.Node) ([]dyff.Detail, []FieldChange, error) {
	var removed, added *yamlv3.Node
	for _, det := range details {
		switch {
		case det.Kind == dyff.REMOVAL && det.From != nil && det.From.Kind == yamlv3.SequenceNode:
			removed = det.From
		case det.Kind == dyff.ADDITION && det.To != nil && det.To.Kind == yamlv3.SequenceNode:
			added = det.To
		}
	}
	fromList, toList := lookup(fromRoot, elems), lookup(toRoot, elems)
	if removed == nil || added == nil || fromList == nil || toList == nil {
		return details, nil, nil
	}
	index := func(list, item *yamlv3.Node) int {
		for i, n := range list.Content {
			if n == item {
				return i
			}
		}
		return -1
	}
	at := joinPath(prefix, renderPath(elems))
	var out []FieldChange
	pairedFrom, pairedTo := map[*yamlv3.Node]bool{}, map[*yamlv3.Node]bool{}
	for _, r := range removed.Content {
		i := index(fromList, r)
		if i < 0 || i >= len(toList.Content) || r.Kind != yamlv3.MappingNode {
			continue
		}
		a := toList.Content[i]
		if a.Kind != yamlv3.MappingNode || index(added, a) < 0 {
			continue
		}
		sub, err := diffNodes(r, a, at+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, nil, err
		}
		out = append(out, sub...)
		pairedFrom[r], pairedTo[a] = true, true
	}
	if len(out) == 0 {
		return details, nil, nil
	}
	var rest []dyff.Detail
	for _, det := range details {
		switch {
		case det.Kind == dyff.REMOVAL && det.From == removed:
			det.From = remaining(removed, pairedFrom)
			if det.From == nil {
				continue
			}
		case det.Kind == dyff.ADDITION && det.To == added:
			det.To = remaining(added, pairedTo)
			if det.To == nil {
				continue
			}
		}
		rest = append(rest, det)
	}
	return rest, out, nil
}

// remaining copies list without the items in drop; nil when none is left.
func remaining(list *yamlv3.Node, drop map[*yamlv3.Node]bool) *yamlv3.Node {
	c := *list
	c.Content = nil
	for _, n := range list.Content {
		if !drop[n] {
			c.Content = append(c.Content, n)
		}
	}
	if len(c.Content) == 0 {
		return nil
	}
	return &c
}

func document(n *yamlv3.Node) *yamlv3.Node {
	return &yamlv3.Node{Kind: yamlv3.DocumentNode, Content: []*yamlv3.Node{n}}
}

// fieldChanges renders one dyff detail at path elems as field changes.
func fieldChanges(prefix string, elems []ytbx.PathElement, det dyff.Detail, fromRoot, toRoot *yamlv3.Node) []FieldChange {
	at := joinPath(prefix, renderPath(elems))
	switch det.Kind {
	case dyff.MODIFICATION:
		return []FieldChange{{Path: at, Old: renderValue(det.From), New: renderValue(det.To)}}
	case dyff.ORDERCHANGE:
		return []FieldChange{{Path: at + " (order)", Old: renderValue(det.From), New: renderValue(det.To)}}
	}
	added := det.Kind == dyff.ADDITION
	change := det.To
	if !added {
		change = det.From
	}
	if change == nil {
		return nil
	}
	var out []FieldChange
	switch change.Kind {
	case yamlv3.MappingNode:
		// Keys added to or removed from a mapping.
		for i := 0; i+1 < len(change.Content); i += 2 {
			fc := FieldChange{Path: joinPath(at, change.Content[i].Value)}
			if added {
				fc.New = renderValue(change.Content[i+1])
			} else {
				fc.Old = renderValue(change.Content[i+1])
			}
			out = append(out, fc)
		}
	case yamlv3.SequenceNode:
		fromList, toList := lookup(fromRoot, elems), lookup(toRoot, elems)
		if allScalars(fromList) && allScalars(toList) {
			// A list of strings (verbs, policyTypes, args): the whole list
			// before and after reads best. Additions and removals come as
			// two details of one path: render it once.
			if added && hasRemovals(fromList, toList) {
				return nil
			}
			return []FieldChange{{Path: at, Old: renderValue(fromList), New: renderValue(toList)}}
		}
		for _, item := range change.Content {
			list := toList
			if !added {
				list = fromList
			}
			fc := FieldChange{Path: at + itemLabel(item, list)}
			if added {
				fc.New = renderValue(item)
			} else {
				fc.Old = renderValue(item)
			}
			out = append(out, fc)
		}
	case yamlv3.DocumentNode:
		fc := FieldChange{Path: at}
		if added {
			fc.New = renderValue(change)
		} else {
			fc.Old = renderValue(change)
		}
		out = append(out, fc)
	}
	return out
}

// hasRemovals reports whether some scalar of from is missing in to.
func hasRemovals(from, to *yamlv3.Node) bool {
	if from == nil {
		return false
	}
	have := map[string]int{}
	if to != nil {
		for _, n := range to.Content {
			have[n.Value]++
		}
	}
	for _, n := range from.Content {
		if have[n.Value] == 0 {
			return true
		}
		have[n.Value]--
	}
	return false
}

func allScalars(list *yamlv3.Node) bool {
	if list == nil {
		return true
	}
	if list.Kind != yamlv3.SequenceNode {
		return false
	}
	for _, n := range list.Content {
		if n.Kind != yamlv3.ScalarNode {
			return false
		}
	}
	return true
}

// itemLabel names an added or removed list item: by its identity when it
// has one (name, or the identity annotate gave it), else by its index.
func itemLabel(item, list *yamlv3.Node) string {
	if item.Kind == yamlv3.MappingNode {
		if v := mapValue(item, identityKey); v != nil {
			return "[" + v.Value + "]"
		}
		for _, k := range []string{"name", "key", "id"} {
			if v := mapValue(item, k); v != nil && v.Kind == yamlv3.ScalarNode {
				return "[" + k + "=" + v.Value + "]"
			}
		}
	}
	if list != nil {
		for i, n := range list.Content {
			if n == item {
				return "[" + strconv.Itoa(i) + "]"
			}
		}
	}
	return "[]"
}

// renderPath renders a dyff path as "spec.template.spec.containers[name=api].image".
func renderPath(elems []ytbx.PathElement) string {
	var b strings.Builder
	for _, e := range elems {
		switch {
		case e.Key == identityKey:
			b.WriteString("[" + e.Name + "]")
		case e.Key != "" && e.Name != "":
			b.WriteString("[" + e.Key + "=" + e.Name + "]")
		case e.Name != "":
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.Name)
		default:
			b.WriteString("[" + strconv.Itoa(e.Idx) + "]")
		}
	}
	return b.String()
}

func joinPath(prefix, p string) string {
	switch {
	case prefix == "":
		return p
	case p == "":
		return prefix
	case strings.HasPrefix(p, "["), strings.HasSuffix(prefix, " "):
		return prefix + p
	}
	return prefix + "." + p
}

// lookup follows a dyff path into root; nil when it leads nowhere.
func lookup(root *yamlv3.Node, elems []ytbx.PathElement) *yamlv3.Node {
	n := root
	for _, e := range elems {
		if n == nil {
			return nil
		}
		switch {
		case e.Key != "" && e.Name != "":
			if n.Kind != yamlv3.SequenceNode {
				return nil
			}
			var found *yamlv3.Node
			for _, item := range n.Content {
				if v := mapValue(item, e.Key); v != nil && v.Value == e.Name {
					found = item
					break
				}
			}
			n = found
		case e.Name != "":
			n = mapValue(n, e.Name)
		default:
			if n.Kind != yamlv3.SequenceNode || e.Idx < 0 || e.Idx >= len(n.Content) {
				return nil
			}
			n = n.Content[e.Idx]
		}
	}
	return n
}

func mapValue(n *yamlv3.Node, key string) *yamlv3.Node {
	if n == nil || n.Kind != yamlv3.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// withoutKey returns a shallow copy of mapping n without key.
func withoutKey(n *yamlv3.Node, key string) *yamlv3.Node {
	c := *n
	c.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != key {
			c.Content = append(c.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &c
}

// maxValueLen caps a rendered value: the raw diff next to the report has
// the rest.
const maxValueLen = 400

// renderValue renders a node for people: a scalar as itself, a mapping or
// list on one line in YAML flow style ({name: LOG_LEVEL, value: debug}).
func renderValue(n *yamlv3.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind == yamlv3.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind == yamlv3.ScalarNode {
		return truncate(n.Value)
	}
	c := flowCopy(n)
	var buf bytes.Buffer
	enc := yamlv3.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return "<" + err.Error() + ">"
	}
	_ = enc.Close()
	return truncate(strings.TrimSpace(buf.String()))
}

// flowCopy copies n in flow style, without the identity keys annotate adds.
func flowCopy(n *yamlv3.Node) *yamlv3.Node {
	c := *n
	c.Style = yamlv3.FlowStyle
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	if n.Kind == yamlv3.ScalarNode {
		if strings.Contains(n.Value, "\n") {
			c.Style = yamlv3.DoubleQuotedStyle
		} else {
			c.Style = 0
		}
		return &c
	}
	c.Content = nil
	for i := 0; i < len(n.Content); i++ {
		if n.Kind == yamlv3.MappingNode && i%2 == 0 && n.Content[i].Value == identityKey {
			i++
			continue
		}
		c.Content = append(c.Content, flowCopy(n.Content[i]))
	}
	return &c
}

func truncate(s string) string {
	if len(s) <= maxValueLen {
		return s
	}
	cut := maxValueLen
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d more bytes)", len(s)-cut)
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func nodeKind(n *yamlv3.Node) string {
	switch n.Kind {
	case yamlv3.MappingNode:
		return "a mapping"
	case yamlv3.SequenceNode:
		return "a list"
	case yamlv3.ScalarNode:
		return "a scalar"
	}
	return "node kind " + strconv.Itoa(int(n.Kind))
}

// str digs a string out of nested maps; "" when absent.
func str(v map[string]any, keys ...string) string {
	s, _ := dig(v, keys...).(string)
	return s
}

// dig follows keys through nested maps; nil when a key is absent.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
