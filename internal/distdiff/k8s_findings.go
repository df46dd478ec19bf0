package distdiff

// Findings on Kubernetes objects: what `kubectl apply` will refuse (immutable
// fields), what it silently leaves behind (removed objects), and what widens
// access (NetworkPolicy, RBAC, PodSecurity labels). They are computed from
// the objects themselves, not from the dyff paths, so a list reordering or a
// renamed identity cannot hide one.

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"sort"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

// CodeImage marks a container image change (Info, old -> new). The shared
// model has no code for it yet.
const CodeImage = "image"

// findings returns the findings on one object: o is the old version (nil
// when added), n the new one (nil when removed).
func findings(o, n *k8sObject) []Finding {
	var out []Finding
	switch {
	case n == nil:
		out = append(out, notPruned(o))
		return out
	case o != nil:
		out = append(out, immutableFields(o, n)...)
		out = append(out, podSecurity(o, n)...)
		out = append(out, images(o, n)...)
	}
	switch n.kind {
	case "NetworkPolicy":
		out = append(out, networkPolicy(o, n)...)
	case "Role", "ClusterRole":
		out = append(out, rbacRules(o, n)...)
	case "RoleBinding", "ClusterRoleBinding":
		out = append(out, rbacBinding(o, n)...)
	}
	return out
}

func notPruned(o *k8sObject) Finding {
	cmd := "kubectl delete " + strings.ToLower(o.kind)
	if g := apiGroup(o.apiVersion); g != "" {
		cmd += "." + g
	}
	cmd += " " + o.name
	if o.namespace != "" {
		cmd += " -n " + o.namespace
	}
	return Finding{Severity: Warning, Code: CodeNotPruned,
		Message: fmt.Sprintf("not pruned: kubectl apply does not delete it; delete it by hand (%s)", cmd)}
}

func apiGroup(apiVersion string) string {
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

// immutableField is a field the API server refuses to change on update.
type immutableField struct {
	path []string
	// setOnly: only a new, non-empty value that differs is refused (the
	// API server keeps the allocated value when the field is omitted).
	setOnly bool
	source  string
}

// immutableFields per kind, from the update validation of k8s.io/kubernetes
// v1.37.2 (each field is an apivalidation.ValidateImmutableField call, or
// the named rule, in the function cited).
var immutableFieldsByKind = map[string][]immutableField{
	"Deployment": {
		{path: []string{"spec", "selector"}, source: "pkg/apis/apps/validation ValidateDeploymentUpdate"},
	},
	"DaemonSet": {
		{path: []string{"spec", "selector"}, source: "pkg/apis/apps/validation ValidateDaemonSetSpecUpdate"},
	},
	"ReplicaSet": {
		{path: []string{"spec", "selector"}, source: "pkg/apis/apps/validation ValidateReplicaSetUpdate"},
	},
	"StatefulSet": {
		{path: []string{"spec", "selector"}, source: "pkg/apis/apps/validation ValidateStatefulSetUpdate"},
		{path: []string{"spec", "volumeClaimTemplates"}, source: "pkg/apis/apps/validation ValidateStatefulSetUpdate"},
		{path: []string{"spec", "serviceName"}, source: "pkg/apis/apps/validation ValidateStatefulSetUpdate"},
		{path: []string{"spec", "podManagementPolicy"}, source: "pkg/apis/apps/validation ValidateStatefulSetUpdate"},
	},
	"Job": {
		{path: []string{"spec", "selector"}, source: "pkg/apis/batch/validation ValidateJobSpecUpdate"},
		{path: []string{"spec", "template"}, source: "pkg/apis/batch/validation validatePodTemplateUpdate"},
		{path: []string{"spec", "completionMode"}, source: "pkg/apis/batch/validation ValidateJobSpecUpdate"},
		{path: []string{"spec", "podFailurePolicy"}, source: "pkg/apis/batch/validation ValidateJobSpecUpdate"},
	},
	"Service": {
		{path: []string{"spec", "clusterIP"}, setOnly: true, source: "pkg/apis/core/validation ValidateServiceUpdate (validateUpgradeDowngradeClusterIPs)"},
		{path: []string{"spec", "clusterIPs"}, setOnly: true, source: "pkg/apis/core/validation ValidateServiceUpdate (validateUpgradeDowngradeClusterIPs)"},
	},
	"PersistentVolumeClaim": {
		{path: []string{"spec", "storageClassName"}, source: "pkg/apis/core/validation ValidatePersistentVolumeClaimUpdate (spec is immutable after creation except resources.requests and volumeAttributesClassName)"},
	},
	"RoleBinding": {
		{path: []string{"roleRef"}, source: "pkg/apis/rbac/validation ValidateRoleBindingUpdate"},
	},
	"ClusterRoleBinding": {
		{path: []string{"roleRef"}, source: "pkg/apis/rbac/validation ValidateClusterRoleBindingUpdate"},
	},
}

func immutableFields(o, n *k8sObject) []Finding {
	if o.kind != n.kind {
		return nil
	}
	var out []Finding
	for _, f := range immutableFieldsByKind[n.kind] {
		ov, nv := dig(o.value, f.path...), dig(n.value, f.path...)
		if reflect.DeepEqual(ov, nv) {
			continue
		}
		if f.setOnly && isEmpty(nv) {
			continue
		}
		if n.kind == "PersistentVolumeClaim" && isEmpty(ov) {
			continue // setting a class on a claim without one is allowed (RetroactiveDefaultStorageClass)
		}
		if n.kind == "Service" && (str(o.value, "spec", "type") == "ExternalName" || str(n.value, "spec", "type") == "ExternalName") {
			continue // to and from ExternalName the cluster IP may change
		}
		p := strings.Join(f.path, ".")
		out = append(out, Finding{Severity: Danger, Code: CodeImmutableField,
			Message: fmt.Sprintf("the API server refuses this update: delete and re-create (%s of a %s is immutable; k8s.io/kubernetes %s)", p, n.kind, f.source)})
	}
	return out
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// podSecurityLevels ranks the Pod Security Standards, strictest highest.
var podSecurityLevels = map[string]int{"privileged": 0, "baseline": 1, "restricted": 2}

func podSecurity(o, n *k8sObject) []Finding {
	if n.kind != "Namespace" {
		return nil
	}
	var out []Finding
	for _, mode := range []string{"enforce", "audit", "warn"} {
		label := "pod-security.kubernetes.io/" + mode
		ov, hadOld := dig(o.value, "metadata", "labels", label).(string)
		nv, hasNew := dig(n.value, "metadata", "labels", label).(string)
		if !hadOld || ov == nv {
			continue
		}
		switch {
		case !hasNew:
			out = append(out, Finding{Severity: Danger, Code: CodePodSecurityWeakened,
				Message: fmt.Sprintf("label %s removed (was %s): the namespace falls back to the cluster default, privileged unless configured", label, ov)})
		case podSecurityLevels[nv] < podSecurityLevels[ov]:
			out = append(out, Finding{Severity: Danger, Code: CodePodSecurityWeakened,
				Message: fmt.Sprintf("label %s weakened: %s -> %s", label, ov, nv)})
		}
	}
	return out
}

// images reports container image changes in a pod template (or a Pod, a
// CronJob's job template).
func images(o, n *k8sObject) []Finding {
	oldImgs, newImgs := containerImages(o.value), containerImages(n.value)
	var names []string
	for k := range newImgs {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []Finding
	for _, c := range names {
		if ov, ok := oldImgs[c]; ok && ov != newImgs[c] {
			out = append(out, Finding{Severity: Info, Code: CodeImage,
				Message: fmt.Sprintf("image of %s: %s -> %s", c, ov, newImgs[c])})
		}
	}
	return out
}

// containerImages maps "container NAME" / "init container NAME" to images.
func containerImages(obj map[string]any) map[string]string {
	out := map[string]string{}
	for _, spec := range []any{
		dig(obj, "spec"),
		dig(obj, "spec", "template", "spec"),
		dig(obj, "spec", "jobTemplate", "spec", "template", "spec"),
	} {
		for _, kind := range []string{"containers", "initContainers"} {
			list, _ := dig(spec, kind).([]any)
			for _, c := range list {
				name, _ := dig(c, "name").(string)
				img, _ := dig(c, "image").(string)
				label := "container " + name
				if kind == "initContainers" {
					label = "init container " + name
				}
				if img != "" {
					out[label] = img
				}
			}
		}
	}
	return out
}

// --- NetworkPolicy ---

// npGrant is one (peer, port) pair a NetworkPolicy rule admits; "" stands
// for "any" (a rule without from/to admits every peer, without ports every
// port).
type npGrant struct {
	dir  string // "ingress" or "egress"
	peer string // canonical JSON of the peer, "" for any
	port string // canonical JSON of the port, "" for any
}

func networkPolicy(o, n *k8sObject) []Finding {
	var oldGrants map[npGrant]bool
	var oldTypes map[string]bool
	if o != nil {
		oldGrants, oldTypes = npGrants(o.value), policyTypes(o.value)
	}
	newGrants, newTypes := npGrants(n.value), policyTypes(n.value)
	var out []Finding
	if o != nil {
		for _, t := range []string{"Ingress", "Egress"} {
			if oldTypes[t] && !newTypes[t] {
				out = append(out, Finding{Severity: Warning, Code: CodeNetworkPolicyBroaden,
					Message: fmt.Sprintf("policyType %s removed: this policy no longer restricts %s traffic of the pods it selects", t, strings.ToLower(t))})
			}
		}
		if op, np := dig(o.value, "spec", "podSelector"), dig(n.value, "spec", "podSelector"); !reflect.DeepEqual(op, np) {
			out = append(out, Finding{Severity: Warning, Code: CodeNetworkPolicyBroaden,
				Message: fmt.Sprintf("spec.podSelector changed (%s -> %s): pods it no longer selects lose this policy's isolation", canon(op), canon(np))})
		}
	}
	var fresh []npGrant
	for g := range newGrants {
		if !newTypes[map[string]string{"ingress": "Ingress", "egress": "Egress"}[g.dir]] {
			continue // rules of a direction the policy does not isolate are inert
		}
		if !grantCovered(g, oldGrants) {
			fresh = append(fresh, g)
		}
	}
	sortGrants(fresh)
	for _, g := range fresh {
		sev, what := Warning, describeGrant(g, oldGrants)
		if anyAddress(g.peer) {
			sev = Danger
		}
		out = append(out, Finding{Severity: sev, Code: CodeNetworkPolicyBroaden, Message: what})
	}
	return out
}

// describeGrant says how a new grant widens the policy, compared with the
// old grants of the same direction.
func describeGrant(g npGrant, old map[npGrant]bool) string {
	dir, side := g.dir, "from"
	if dir == "egress" {
		side = "to"
	}
	peer, port := g.peer, g.port
	if peer == "" {
		peer = "any peer"
	}
	if port == "" {
		port = "any port"
	}
	if g.peer != "" {
		peer = readable(g.peer)
	}
	if g.port != "" {
		port = portText(g.port)
	}
	base := fmt.Sprintf("%s %s %s on %s", dir, side, peer, port)
	if anyAddress(g.peer) {
		return base + ": opens it to every address (0.0.0.0/0 or ::/0)"
	}
	for _, og := range sortedGrants(old) {
		if og.dir != g.dir {
			continue
		}
		switch {
		case og.peer == g.peer && og.port != g.port:
			return base + ": a new port for a peer already admitted"
		case og.port == g.port && og.peer != g.peer:
			if g.peer == "" {
				return base + ": the rule lost its peer restriction (from/to), every source is admitted"
			}
			if dropped := droppedSelectors(og.peer, g.peer); dropped != "" {
				return base + ": drops the " + dropped + " restriction of " + readable(og.peer)
			}
			if widerBlock(og.peer, g.peer) {
				return base + ": an ipBlock wider than " + readable(og.peer)
			}
		}
	}
	return base + ": a new peer or port"
}

// portText renders a NetworkPolicy port as TCP/8080 (or TCP/8000-8099).
func portText(j string) string {
	var p map[string]any
	if json.Unmarshal([]byte(j), &p) != nil {
		return j
	}
	proto, _ := p["protocol"].(string)
	if proto == "" {
		proto = "TCP"
	}
	s := proto + "/" + fmt.Sprint(p["port"])
	if p["port"] == nil {
		s = proto + " (any port)"
	}
	if end, ok := p["endPort"]; ok {
		s += "-" + fmt.Sprint(end)
	}
	return s
}

// readable renders a canonical JSON value in YAML flow style, as the field
// changes are.
func readable(j string) string {
	var n yamlv3.Node
	if err := yamlv3.Unmarshal([]byte(j), &n); err != nil {
		return j
	}
	return renderValue(&n)
}

// sortGrants orders grants by direction, peer and port.
func sortGrants(g []npGrant) {
	sort.Slice(g, func(i, j int) bool {
		a, b := g[i], g[j]
		if a.dir != b.dir {
			return a.dir < b.dir
		}
		if a.peer != b.peer {
			return a.peer < b.peer
		}
		return a.port < b.port
	})
}

func sortedGrants(m map[npGrant]bool) []npGrant {
	out := make([]npGrant, 0, len(m))
	for g := range m {
		out = append(out, g)
	}
	sortGrants(out)
	return out
}

// grantCovered reports whether an old grant already admitted everything g
// does: same direction, any or the same port, and any peer, the same peer, or
// an ipBlock that holds g's block without excepting any of it.
func grantCovered(g npGrant, old map[npGrant]bool) bool {
	for og := range old {
		if og.dir != g.dir || og.port != "" && og.port != g.port {
			continue
		}
		if og.peer == "" || og.peer == g.peer || blockWithin(g.peer, og.peer) {
			return true
		}
	}
	return false
}

// blockWithin reports whether inner's ipBlock lies in outer's, clear of
// outer's exceptions.
func blockWithin(inner, outer string) bool {
	var i, o map[string]any
	if json.Unmarshal([]byte(inner), &i) != nil || json.Unmarshal([]byte(outer), &o) != nil {
		return false
	}
	ic, _ := dig(i, "ipBlock", "cidr").(string)
	oc, _ := dig(o, "ipBlock", "cidr").(string)
	ip, err1 := netip.ParsePrefix(ic)
	op, err2 := netip.ParsePrefix(oc)
	if err1 != nil || err2 != nil || ip.Bits() < op.Bits() || !op.Contains(ip.Addr()) {
		return false
	}
	for _, e := range strings_(dig(o, "ipBlock", "except")) {
		if ep, err := netip.ParsePrefix(e); err != nil || ep.Overlaps(ip) {
			return false
		}
	}
	return true
}

func policyTypes(obj map[string]any) map[string]bool {
	out := map[string]bool{}
	list, ok := dig(obj, "spec", "policyTypes").([]any)
	if !ok {
		// Defaulted by the API server: Ingress, plus Egress when egress
		// rules are present.
		out["Ingress"] = true
		if e, _ := dig(obj, "spec", "egress").([]any); len(e) > 0 {
			out["Egress"] = true
		}
		return out
	}
	for _, t := range list {
		if s, ok := t.(string); ok {
			out[s] = true
		}
	}
	return out
}

func npGrants(obj map[string]any) map[npGrant]bool {
	out := map[npGrant]bool{}
	for _, dir := range []string{"ingress", "egress"} {
		peerKey := "from"
		if dir == "egress" {
			peerKey = "to"
		}
		rules, _ := dig(obj, "spec", dir).([]any)
		for _, r := range rules {
			peers, _ := dig(r, peerKey).([]any)
			ports, _ := dig(r, "ports").([]any)
			peerKeys, portKeys := []string{""}, []string{""}
			if len(peers) > 0 {
				peerKeys = nil
				for _, p := range peers {
					peerKeys = append(peerKeys, canon(p))
				}
			}
			if len(ports) > 0 {
				portKeys = nil
				for _, p := range ports {
					portKeys = append(portKeys, canon(p))
				}
			}
			for _, pe := range peerKeys {
				for _, po := range portKeys {
					out[npGrant{dir: dir, peer: pe, port: po}] = true
				}
			}
		}
	}
	return out
}

// canon renders a value as JSON with sorted keys (encoding/json sorts map keys).
func canon(v any) string {
	if v == nil {
		return "{}"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func anyAddress(peer string) bool {
	var p map[string]any
	if json.Unmarshal([]byte(peer), &p) != nil {
		return false
	}
	cidr, _ := dig(p, "ipBlock", "cidr").(string)
	if cidr == "" {
		return false
	}
	pfx, err := netip.ParsePrefix(cidr)
	return err == nil && pfx.Bits() == 0
}

// droppedSelectors names the selectors (podSelector, namespaceSelector) the
// old peer had and the new one lacks, when the rest is equal.
func droppedSelectors(oldPeer, newPeer string) string {
	var o, n map[string]any
	if json.Unmarshal([]byte(oldPeer), &o) != nil || json.Unmarshal([]byte(newPeer), &n) != nil {
		return ""
	}
	var dropped []string
	for _, k := range []string{"namespaceSelector", "podSelector"} {
		_, had := o[k]
		_, has := n[k]
		switch {
		case had && !has:
			dropped = append(dropped, k)
		case had != has || !reflect.DeepEqual(o[k], n[k]):
			return ""
		}
	}
	return strings.Join(dropped, " and ")
}

// widerBlock reports whether the new peer's ipBlock contains the old one's
// or excepts less of it.
func widerBlock(oldPeer, newPeer string) bool {
	var o, n map[string]any
	if json.Unmarshal([]byte(oldPeer), &o) != nil || json.Unmarshal([]byte(newPeer), &n) != nil {
		return false
	}
	oc, _ := dig(o, "ipBlock", "cidr").(string)
	nc, _ := dig(n, "ipBlock", "cidr").(string)
	op, err1 := netip.ParsePrefix(oc)
	np, err2 := netip.ParsePrefix(nc)
	if err1 != nil || err2 != nil {
		return false
	}
	if np.Bits() < op.Bits() && np.Contains(op.Addr()) {
		return true
	}
	oe, _ := dig(o, "ipBlock", "except").([]any)
	ne, _ := dig(n, "ipBlock", "except").([]any)
	return np == op && len(ne) < len(oe)
}

// --- RBAC ---

// rbacGrant is one (apiGroup, resource, resourceName, verb) or (nonResourceURL, verb).
type rbacGrant struct{ group, resource, name, verb string }

func (g rbacGrant) String() string {
	if g.group == "\x00url" {
		return fmt.Sprintf("%s on URL %s", g.verb, g.resource)
	}
	grp := g.group
	if grp == "" {
		grp = "core"
	}
	s := fmt.Sprintf("%s on %s (apiGroup %s)", g.verb, g.resource, grp)
	if g.name != "*" {
		s += " named " + g.name
	}
	return s
}

func rbacGrants(obj map[string]any) []rbacGrant {
	var out []rbacGrant
	rules, _ := dig(obj, "rules").([]any)
	for _, r := range rules {
		verbs := strings_(dig(r, "verbs"))
		for _, url := range strings_(dig(r, "nonResourceURLs")) {
			for _, v := range verbs {
				out = append(out, rbacGrant{"\x00url", url, "*", v})
			}
		}
		names := strings_(dig(r, "resourceNames"))
		if len(names) == 0 {
			names = []string{"*"}
		}
		for _, g := range strings_(dig(r, "apiGroups")) {
			for _, res := range strings_(dig(r, "resources")) {
				for _, nm := range names {
					for _, v := range verbs {
						out = append(out, rbacGrant{g, res, nm, v})
					}
				}
			}
		}
	}
	return out
}

func strings_(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func match(have, want string) bool { return have == "*" || have == want }

// covers reports whether grant a allows everything b does.
func covers(a, b rbacGrant) bool {
	if (a.group == "\x00url") != (b.group == "\x00url") {
		return false
	}
	if a.group == "\x00url" {
		return match(a.verb, b.verb) && (a.resource == b.resource || a.resource == "*" ||
			strings.HasSuffix(a.resource, "*") && strings.HasPrefix(b.resource, strings.TrimSuffix(a.resource, "*")))
	}
	resOK := match(a.resource, b.resource) ||
		strings.HasPrefix(a.resource, "*/") && strings.HasSuffix(b.resource, a.resource[1:])
	return match(a.group, b.group) && resOK && match(a.name, b.name) && match(a.verb, b.verb)
}

// sensitiveResources give a path to cluster takeover or to every secret.
var sensitiveResources = map[string]bool{
	"secrets": true, "pods/exec": true, "pods/attach": true, "pods/portforward": true,
	"nodes/proxy": true, "serviceaccounts/token": true,
	"clusterroles": true, "clusterrolebindings": true, "roles": true, "rolebindings": true,
}

var sensitiveVerbs = map[string]bool{"escalate": true, "bind": true, "impersonate": true, "*": true}

func rbacRules(o, n *k8sObject) []Finding {
	var old []rbacGrant
	if o != nil {
		old = rbacGrants(o.value)
	}
	// New grants, grouped by what they apply to so that one finding lists
	// the verbs ("grants get, list, watch on secrets").
	type target struct{ group, resource, name string }
	var order []target
	verbs := map[target][]string{}
	seen := map[rbacGrant]bool{}
	for _, g := range rbacGrants(n.value) {
		if seen[g] {
			continue
		}
		seen[g] = true
		covered := false
		for _, og := range old {
			if covers(og, g) {
				covered = true
				break
			}
		}
		if covered {
			continue
		}
		t := target{g.group, g.resource, g.name}
		if verbs[t] == nil {
			order = append(order, t)
		}
		verbs[t] = append(verbs[t], g.verb)
	}
	var out []Finding
	for _, t := range order {
		vs := verbs[t]
		g := rbacGrant{t.group, t.resource, t.name, strings.Join(vs, ", ")}
		sev, why := Warning, ""
		escalating := ""
		for _, v := range vs {
			if sensitiveVerbs[v] && v != "*" {
				escalating = v
			}
		}
		switch {
		case t.group == "*" || t.resource == "*" || contains(vs, "*"):
			sev, why = Danger, ": a wildcard"
		case sensitiveResources[t.resource]:
			sev, why = Danger, ": "+t.resource+" gives access beyond this role"
		case escalating != "":
			sev, why = Danger, ": "+escalating+" allows privilege escalation"
		}
		out = append(out, Finding{Severity: sev, Code: CodeRBACBroaden, Message: "grants " + g.String() + why})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func rbacBinding(o, n *k8sObject) []Finding {
	oldSubjects := map[string]bool{}
	if o != nil {
		subs, _ := dig(o.value, "subjects").([]any)
		for _, s := range subs {
			oldSubjects[canon(s)] = true
		}
	}
	role := str(n.value, "roleRef", "kind") + "/" + str(n.value, "roleRef", "name")
	sev := Warning
	if str(n.value, "roleRef", "name") == "cluster-admin" {
		sev = Danger
	}
	var out []Finding
	subs, _ := dig(n.value, "subjects").([]any)
	for _, s := range subs {
		if oldSubjects[canon(s)] {
			continue
		}
		m, _ := s.(map[string]any)
		who := str(m, "kind") + " " + str(m, "name")
		if ns := str(m, "namespace"); ns != "" {
			who += " (namespace " + ns + ")"
		}
		out = append(out, Finding{Severity: sev, Code: CodeRBACBroaden,
			Message: fmt.Sprintf("binds %s to %s", who, role)})
	}
	return out
}
