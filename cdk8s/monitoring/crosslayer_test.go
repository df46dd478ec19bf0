package monitoring

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/internal/k8stest"
)

// TestStorefrontPoliciesAdmitThePrometheusPods reads both synthesized
// layers: the pods of the StatefulSet running PrometheusImage (this chart)
// must be selected by every peer of the storefront's NetworkPolicies (the
// charts) that comes from the monitoring namespace, and the backend,
// frontend and external-dns policies must have such a peer. A Prometheus
// renamed on one side only stops the storefront from being scraped; this
// test is what notices.
func TestStorefrontPoliciesAdmitThePrometheusPods(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			// The Prometheus pods, found by image, not by name.
			_, docs := synthesize(t, env)
			var podLabels k8slabels.Set
			nsLabels := k8slabels.Set{charts.LabelNamespaceName: env.Names.MonitoringNamespace}
			for _, doc := range docs {
				var o object
				if err := sigsyaml.Unmarshal(doc, &o); err != nil {
					t.Fatal(err)
				}
				if o.Kind != "StatefulSet" {
					continue
				}
				var ss appsv1.StatefulSet
				if err := sigsyaml.Unmarshal(doc, &ss); err != nil {
					t.Fatal(err)
				}
				for _, c := range ss.Spec.Template.Spec.Containers {
					if strings.HasSuffix(c.Image, strings.TrimPrefix(prometheusImage, "quay.io")) {
						podLabels = ss.Spec.Template.Labels
					}
				}
			}
			if podLabels == nil {
				t.Fatalf("no StatefulSet runs %s", prometheusImage)
			}

			dir := t.TempDir()
			app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(dir), YamlOutputType: cdk8s.YamlOutputType_FILE_PER_CHART})
			charts.Build(app, env)
			app.Synth()
			files, err := filepath.Glob(filepath.Join(dir, "*.k8s.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			admits := map[string]bool{}
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for _, doc := range k8stest.SplitYAML(data) {
					var np networkingv1.NetworkPolicy
					if err := sigsyaml.Unmarshal(doc, &np); err != nil {
						t.Fatal(err)
					}
					if np.Kind != "NetworkPolicy" {
						continue
					}
					for _, r := range np.Spec.Ingress {
						for _, from := range r.From {
							if from.NamespaceSelector == nil || !selects(t, from.NamespaceSelector, nsLabels) {
								continue
							}
							if from.PodSelector == nil || !selects(t, from.PodSelector, podLabels) {
								t.Errorf("%s/%s admits pods %v of namespace %s, not the Prometheus pods (labels %v)",
									np.Namespace, np.Name, from.PodSelector, env.Names.MonitoringNamespace, podLabels)
								continue
							}
							admits[np.Name] = true
						}
					}
				}
			}
			for _, name := range []string{env.Names.Backend + "-ingress", env.Names.Frontend + "-ingress", "external-dns"} {
				if !admits[name] {
					t.Errorf("NetworkPolicy %s does not admit the Prometheus pods (labels %v)", name, podLabels)
				}
			}
		})
	}
}

func selects(t *testing.T, sel *metav1.LabelSelector, set k8slabels.Set) bool {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Fatal(err)
	}
	return s.Matches(set)
}

// TestRunbookHeadings reads the generated rules of every environment and
// docs/runbooks.md: each alert's runbook_url must point at the anchor of a
// "## <AlertName>" heading, and each such heading must belong to an alert.
// A renamed alert (or heading) otherwise links nowhere and no test notices.
func TestRunbookHeadings(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "runbooks.md"))
	if err != nil {
		t.Fatal(err)
	}
	headings := map[string]string{} // GitHub anchor -> heading
	for _, line := range strings.Split(string(data), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			headings[githubAnchor(h)] = h
		}
	}
	alerts := map[string]bool{}
	for _, env := range environments(t) {
		f, err := generate(env)
		if err != nil {
			t.Fatal(err)
		}
		groups, errs := rulefmt.Parse(f.Rules, false, model.UTF8Validation, promqlParser, nil)
		for _, e := range errs {
			t.Fatalf("%s: rulefmt: %v", env.Name, e)
		}
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				alerts[r.Alert] = true
				url := r.Annotations["runbook_url"]
				anchor, ok := strings.CutPrefix(url, runbooksURL+"#")
				switch {
				case !ok:
					t.Errorf("%s: alert %s: runbook_url %q is not a section of %s", env.Name, r.Alert, url, runbooksURL)
				case headings[anchor] != r.Alert:
					t.Errorf("%s: alert %s: runbook_url %q points at %q, not a heading \"## %s\" of docs/runbooks.md", env.Name, r.Alert, url, headings[anchor], r.Alert)
				}
			}
		}
	}
	for _, h := range headings {
		if !alerts[h] {
			t.Errorf("docs/runbooks.md: heading \"## %s\" is no alert of the generated rules", h)
		}
	}
}

// githubAnchor is the id GitHub gives a Markdown heading: lower case,
// spaces to hyphens, other punctuation dropped.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
