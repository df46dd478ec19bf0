package images

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/platform"
)

// An image is built for exactly the CPU architectures of the nodes its pods
// can be scheduled on, and those are decided by what is deployed: the
// synthesized manifests (dist/<env>/k8s: the workloads' node selectors and
// tolerations, the custom NodePools' requirements and taints) and the
// cluster template (dist/<env>/cloudformation: the built-in Auto Mode pools
// that are enabled). Reading dist/ rather than re-deriving the answer from
// the chart code keeps one source of truth; check:dist keeps dist/ equal to
// the code.

const (
	labelNodePool = "karpenter.sh/nodepool" // every Auto Mode node carries its pool's name
	labelArch     = "kubernetes.io/arch"
)

// autoModeArchitectures are the architectures EKS Auto Mode launches when
// a NodePool does not restrict kubernetes.io/arch: "architectures
// (ARM64/AMD64)" (EKS User Guide, "Create a Node Pool for EKS Auto Mode",
// https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html).
var autoModeArchitectures = []string{"amd64", "arm64"}

// builtinPool is one of Auto Mode's built-in NodePools. EKS User Guide,
// "Enable or Disable Built-in NodePools"
// (https://docs.aws.amazon.com/eks/latest/userguide/set-builtin-node-pools.html):
//   - system: "has a CriticalAddonsOnly taint", "Supports both amd64 and
//     arm64 architectures";
//   - general-purpose: "Uses only amd64 architecture".
//
// The guide does not give the taint's effect; NoSchedule is assumed, and a
// toleration without an effect (the usual form) matches any effect anyway.
type builtinPool struct {
	architectures []string
	taints        []corev1.Taint
}

var builtinPools = map[string]builtinPool{
	"system": {
		architectures: []string{"amd64", "arm64"},
		taints:        []corev1.Taint{{Key: "CriticalAddonsOnly", Effect: corev1.TaintEffectNoSchedule}},
	},
	"general-purpose": {architectures: []string{"amd64"}},
}

// pool is a node pool that exists in the environment.
type pool struct {
	name          string
	builtin       bool
	architectures []string
	archRule      string // how architectures was decided, for the report
	taints        []corev1.Taint
}

// workload is a pod template found in the manifests.
type workload struct {
	id   string // "Deployment shop/backend"
	spec corev1.PodSpec
}

// Architectures is the answer for one image: the architectures to build
// for and, per workload that runs the image, why.
type Architectures struct {
	Architectures []string // sorted, e.g. ["amd64"]
	Reasons       []string // one line per workload
}

// Platforms are the build platforms, e.g. ["linux/amd64"]. Auto Mode nodes
// are Linux (the NodePools require kubernetes.io/os linux).
func (a Architectures) Platforms() []string {
	out := make([]string, len(a.Architectures))
	for i, arch := range a.Architectures {
		out[i] = "linux/" + arch
	}
	return out
}

// Cluster is what dist/ says about where pods can run in one environment.
type Cluster struct {
	pools     map[string]pool
	workloads []workload
}

// ReadCluster reads dist/<env>/k8s/*.yaml and the environment's cluster
// template under distDir (normally "<repo>/dist").
func ReadCluster(distDir string, env platform.Environment) (*Cluster, error) {
	c := &Cluster{pools: map[string]pool{}}
	tmpl := filepath.Join(distDir, env.Name, "cloudformation", env.StackName("cluster")+".template.json")
	enabled, err := builtinPoolsEnabled(tmpl)
	if err != nil {
		return nil, err
	}
	for _, name := range enabled {
		b, ok := builtinPools[name]
		if !ok {
			return nil, fmt.Errorf("%s: ComputeConfig.NodePools has %q, which is not a built-in Auto Mode pool known here (%v)", tmpl, name, sortedKeys(builtinPools))
		}
		c.pools[name] = pool{name: name, builtin: true, architectures: b.architectures,
			archRule: "built-in: " + strings.Join(b.architectures, ", "), taints: b.taints}
	}

	dir := filepath.Join(distDir, env.Name, "k8s")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no manifests: run `go tool task synth`", dir)
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for i, doc := range splitYAML(data) {
			if err := c.add(doc); err != nil {
				return nil, fmt.Errorf("%s#%d: %w", f, i+1, err)
			}
		}
	}
	return c, nil
}

func builtinPoolsEnabled(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("the cluster template (for the built-in node pools): %w", err)
	}
	var t struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				ComputeConfig *struct {
					Enabled   bool
					NodePools []string
				}
			}
		}
	}
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, r := range t.Resources {
		if r.Type != "AWS::EKS::Cluster" {
			continue
		}
		if cc := r.Properties.ComputeConfig; cc != nil && cc.Enabled {
			return cc.NodePools, nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("%s: no AWS::EKS::Cluster resource", path)
}

func (c *Cluster) add(doc []byte) error {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	id := head.Kind + " " + head.Metadata.Name
	if head.Metadata.Namespace != "" {
		id = head.Kind + " " + head.Metadata.Namespace + "/" + head.Metadata.Name
	}
	var spec *corev1.PodSpec
	switch head.Kind {
	case "NodePool":
		if !strings.HasPrefix(head.APIVersion, "karpenter.sh/") {
			return nil
		}
		var np struct {
			Spec struct {
				Template struct {
					Spec struct {
						Requirements []corev1.NodeSelectorRequirement `json:"requirements"`
						Taints       []corev1.Taint                   `json:"taints"`
					} `json:"spec"`
				} `json:"template"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(doc, &np); err != nil {
			return err
		}
		archs, rule := nodePoolArchitectures(np.Spec.Template.Spec.Requirements)
		c.pools[head.Metadata.Name] = pool{name: head.Metadata.Name, architectures: archs, archRule: rule, taints: np.Spec.Template.Spec.Taints}
		return nil
	case "Deployment":
		var o appsv1.Deployment
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return err
		}
		spec = &o.Spec.Template.Spec
	case "StatefulSet":
		var o appsv1.StatefulSet
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return err
		}
		spec = &o.Spec.Template.Spec
	case "DaemonSet":
		var o appsv1.DaemonSet
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return err
		}
		spec = &o.Spec.Template.Spec
	case "Job":
		var o batchv1.Job
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return err
		}
		spec = &o.Spec.Template.Spec
	case "CronJob":
		var o batchv1.CronJob
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return err
		}
		spec = &o.Spec.JobTemplate.Spec.Template.Spec
	case "Pod":
		var o corev1.Pod
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return err
		}
		spec = &o.Spec
	default:
		return nil
	}
	c.workloads = append(c.workloads, workload{id: id, spec: *spec})
	return nil
}

// nodePoolArchitectures reads a NodePool's kubernetes.io/arch requirement
// (karpenter.sh/v1 requirements are node selector requirements).
func nodePoolArchitectures(reqs []corev1.NodeSelectorRequirement) ([]string, string) {
	archs := slices.Clone(autoModeArchitectures)
	rule := "no kubernetes.io/arch requirement: any Auto Mode architecture (" + strings.Join(autoModeArchitectures, ", ") + ")"
	for _, r := range reqs {
		if r.Key != labelArch {
			continue
		}
		switch r.Operator {
		case corev1.NodeSelectorOpIn:
			archs = intersect(archs, r.Values)
		case corev1.NodeSelectorOpNotIn:
			archs = slices.DeleteFunc(archs, func(a string) bool { return slices.Contains(r.Values, a) })
		}
		rule = fmt.Sprintf("kubernetes.io/arch %s %v", r.Operator, r.Values)
	}
	return archs, rule
}

// ArchitecturesFor answers, for the image reference ref: on which
// architectures can a pod that runs it be scheduled? The union over every
// workload whose containers (or init containers) use ref, each limited to
// the pools it selects and tolerates and to its own kubernetes.io/arch
// selector.
func (c *Cluster) ArchitecturesFor(ref string) (Architectures, error) {
	var out Architectures
	found := false
	for _, w := range c.workloads {
		if !runsImage(w.spec, ref) {
			continue
		}
		found = true
		archs, reason, err := c.workloadArchitectures(w)
		if err != nil {
			return Architectures{}, err
		}
		out.Architectures = union(out.Architectures, archs)
		out.Reasons = append(out.Reasons, reason)
	}
	if !found {
		return Architectures{}, fmt.Errorf("no workload in the synthesized manifests runs %s: is dist/ stale (run `go tool task synth`)?", ref)
	}
	return out, nil
}

func (c *Cluster) workloadArchitectures(w workload) ([]string, string, error) {
	if a := w.spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		return nil, "", fmt.Errorf("%s has a required node affinity, which internal/images does not read: extend workloadArchitectures before building its image", w.id)
	}
	var candidates []pool
	if name, ok := w.spec.NodeSelector[labelNodePool]; ok {
		p, ok := c.pools[name]
		if !ok {
			return nil, "", fmt.Errorf("%s selects NodePool %q, which is neither in the manifests nor an enabled built-in pool (%v)", w.id, name, sortedKeys(c.pools))
		}
		candidates = []pool{p}
	} else {
		for _, name := range sortedKeys(c.pools) {
			candidates = append(candidates, c.pools[name])
		}
	}
	var archs []string
	var via []string
	for _, p := range candidates {
		if !tolerates(w.spec.Tolerations, p.taints) {
			continue
		}
		a := p.architectures
		if want, ok := w.spec.NodeSelector[labelArch]; ok {
			a = intersect(a, []string{want})
		}
		if len(a) == 0 {
			continue
		}
		archs = union(archs, a)
		via = append(via, fmt.Sprintf("NodePool %s (%s)", p.name, p.archRule))
	}
	if len(archs) == 0 {
		return nil, "", fmt.Errorf("%s can be scheduled on no node pool (pools %v, its nodeSelector %v, its tolerations %v)", w.id, sortedKeys(c.pools), w.spec.NodeSelector, w.spec.Tolerations)
	}
	how := "no " + labelNodePool + " selector, so any pool it tolerates"
	if name, ok := w.spec.NodeSelector[labelNodePool]; ok {
		how = "nodeSelector " + labelNodePool + "=" + name
	}
	if want, ok := w.spec.NodeSelector[labelArch]; ok {
		how += ", " + labelArch + "=" + want
	}
	return archs, fmt.Sprintf("%s: %s: %s -> %s", w.id, how, strings.Join(via, ", "), strings.Join(archs, ", ")), nil
}

func runsImage(spec corev1.PodSpec, ref string) bool {
	for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for _, c := range cs {
			if c.Image == ref {
				return true
			}
		}
	}
	return false
}

// tolerates reports whether the pod may be scheduled on nodes with these
// taints: every NoSchedule or NoExecute taint needs a matching toleration
// (PreferNoSchedule only discourages).
func tolerates(tols []corev1.Toleration, taints []corev1.Taint) bool {
	for _, taint := range taints {
		if taint.Effect == corev1.TaintEffectPreferNoSchedule {
			continue
		}
		ok := false
		for _, t := range tols {
			if t.ToleratesTaint(klog.Background(), &taint, false) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// splitYAML splits a multi-document YAML file on "---" lines and drops
// empty documents.
func splitYAML(data []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	flush := func() {
		if len(bytes.TrimSpace(cur.Bytes())) > 0 {
			docs = append(docs, slices.Clone(cur.Bytes()))
		}
		cur.Reset()
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if t := bytes.TrimRight(line, "\r\n"); bytes.Equal(t, []byte("---")) {
			flush()
			continue
		}
		cur.Write(line)
	}
	flush()
	return docs
}
