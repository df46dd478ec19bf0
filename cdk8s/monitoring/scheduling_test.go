package monitoring

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// TestAlertmanagerReplicasOnDifferentNodes: the AlertManager replicas may
// never share a node (a hard podAntiAffinity on kubernetes.io/hostname over
// their own pods), so one node loss never takes the whole gossip cluster,
// its silences and notification log with it.
func TestAlertmanagerReplicasOnDifferentNodes(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			_, docs := synthesize(t, env)
			found := false
			for _, doc := range docs {
				var s appsv1.StatefulSet
				if err := sigsyaml.Unmarshal(doc, &s); err != nil {
					t.Fatal(err)
				}
				if s.Kind != "StatefulSet" || s.Name != alertmanager {
					continue
				}
				found = true
				if s.Spec.Replicas == nil || *s.Spec.Replicas < 2 {
					t.Errorf("replicas %v, want at least 2", s.Spec.Replicas)
				}
				pod := s.Spec.Template
				a := pod.Spec.Affinity
				if a == nil || a.PodAntiAffinity == nil || len(a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution) == 0 {
					t.Fatalf("affinity %+v: want a required podAntiAffinity", a)
				}
				ok := false
				for _, term := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
					sel := term.LabelSelector
					ok = ok || (term.TopologyKey == corev1.LabelHostname && sel != nil && len(sel.MatchExpressions) == 0 &&
						len(sel.MatchLabels) > 0 && selectsAll(sel.MatchLabels, pod.Labels) && len(term.Namespaces) == 0 && term.NamespaceSelector == nil)
				}
				if !ok {
					t.Errorf("no required anti-affinity on %s selecting the StatefulSet's own pods: %+v", corev1.LabelHostname, a.PodAntiAffinity)
				}
			}
			if !found {
				t.Fatal("no AlertManager StatefulSet")
			}
		})
	}
}

func selectsAll(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}
