package distdiff

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleReview covers every case a renderer meets: each action and severity,
// tables, long and multi-line values, Markdown syntax inside values, two
// environments and both layers.
func sampleReview() Review {
	policy := "{\n  \"Statement\": [\n    {\n      \"Action\": \"s3:GetObject\",\n      \"Effect\": \"Allow\"\n    }\n  ]\n}"
	longLines := strings.TrimSuffix(strings.Repeat("- alert: HighErrorRate\n", 30), "\n")
	return Review{
		Base: "origin/main",
		Resources: []ResourceDiff{
			{
				Env: "dev", Layer: "cloudformation", File: "shopstack-dev-network.template.json", Stack: "shopstack-dev-network",
				ID: "FlowLogs", Type: "AWS::Logs::LogGroup", Action: Added,
				Fields: []FieldChange{{Path: "Properties.RetentionInDays", New: "30"}},
			},
			{
				Env: "dev", Layer: "k8s", File: "shop.k8s.yaml",
				ID: "Deployment/shop/backend", Type: "apps/v1/Deployment", Action: Changed,
				Fields: []FieldChange{
					{Path: "spec.replicas", Old: "1", New: "2"},
					{Path: "spec.template.spec.containers[backend].image", Old: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shopstack/backend:" + strings.Repeat("a", 64), New: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shopstack/backend:" + strings.Repeat("b", 64)},
					{Path: "metadata.annotations", Old: "note: `a|b` *bold* <b>html</b> [link](x)", New: ""},
				},
				Findings: []Finding{{Severity: Info, Code: "rollout", Message: "pods roll one by one (maxUnavailable 0)"}},
			},
			{
				Env: "dev", Layer: "k8s", File: "shop.k8s.yaml",
				ID: "NetworkPolicy/shop/backend", Type: "networking.k8s.io/v1/NetworkPolicy", Action: Changed,
				Findings: []Finding{{Severity: Warning, Code: CodeNetworkPolicyBroaden, Message: "ingress now admits every pod in namespace monitoring"}},
				Fields:   []FieldChange{{Path: "spec.ingress[0].from", Old: "- podSelector:\n    matchLabels:\n      app: web", New: "- namespaceSelector: {}"}},
			},
			{
				Env: "prod", Layer: "cloudformation", File: "shopstack-prod-database.template.json", Stack: "shopstack-prod-database",
				ID: "Database", Type: "AWS::RDS::DBInstance", Action: Changed,
				Findings: []Finding{
					{Severity: Info, Code: CodeStateful, Message: "stateful resource: holds the shop's data"},
					{Severity: Danger, Code: CodeReplace, Message: "will be REPLACED: DBName changes (causesReplacement: yes); the data is lost unless restored from a snapshot"},
					{Severity: Warning, Code: CodeDeletionPolicyWeakened, Message: "UpdateReplacePolicy Snapshot -> Delete"},
				},
				Fields: []FieldChange{
					{Path: "Properties.DBName", Old: "shop", New: "store"},
					{Path: "UpdateReplacePolicy", Old: "Snapshot", New: "Delete"},
				},
			},
			{
				Env: "prod", Layer: "cloudformation", File: "shopstack-prod-edge.template.json", Stack: "shopstack-prod-edge",
				ID: "ExportsOutputRefZone", Type: "Output", Action: Removed,
				Findings: []Finding{{Severity: Danger, Code: CodeExportInUse, Message: "export shopstack-prod-edge:ZoneId is imported by shopstack-prod-cluster"}},
			},
			{
				Env: "prod", Layer: "cloudformation", File: "shopstack-prod-network.template.json", Stack: "shopstack-prod-network",
				ID: "BackendRole", Type: "AWS::IAM::Role", Action: Changed,
				Findings: []Finding{{Severity: Warning, Code: CodeIAM, Message: "IAM statements change"}},
				Fields:   []FieldChange{{Path: "Properties.Policies[0].PolicyDocument", Old: policy, New: strings.Replace(policy, "s3:GetObject", "s3:*", 1)}},
				Tables: []Table{{
					Title:  "IAM Statement Changes",
					Header: []string{"", "Resource", "Effect", "Action", "Principal"},
					Rows: [][]string{
						{"-", "arn:aws:s3:::shop-assets/*", "Allow", "s3:GetObject", "AWS:${BackendRole}"},
						{"+", "*", "Allow", "s3:*", "AWS:${BackendRole}"},
					},
				}},
			},
			{
				Env: "prod", Layer: "k8s", File: "monitoring.k8s.yaml",
				ID: "ConfigMap/monitoring/rules", Type: "v1/ConfigMap", Action: Changed,
				Fields: []FieldChange{{Path: "data.rules.yaml", Old: longLines, New: longLines + "\n- alert: " + strings.Repeat("VeryLongAlertName", 20)}},
			},
			{
				Env: "prod", Layer: "k8s", File: "shop-base.k8s.yaml",
				ID: "Namespace/legacy", Type: "v1/Namespace", Action: Removed,
				Findings: []Finding{{Severity: Warning, Code: CodeNotPruned, Message: "kubectl apply does not prune: delete it by hand"}},
			},
		},
	}
}

func TestRenderers(t *testing.T) {
	renderers := []struct {
		name   string
		render func(*bytes.Buffer, Review) error
	}{
		{"terminal.txt", func(b *bytes.Buffer, r Review) error { return Terminal(b, r, false) }},
		{"terminal-color.txt", func(b *bytes.Buffer, r Review) error { return Terminal(b, r, true) }},
		{"markdown.md", func(b *bytes.Buffer, r Review) error { return Markdown(b, r) }},
		{"json.json", func(b *bytes.Buffer, r Review) error { return JSON(b, r) }},
	}
	reviews := []struct {
		name   string
		review Review
	}{
		{"sample", sampleReview()},
		{"empty", Review{Base: "HEAD"}},
	}
	for _, rv := range reviews {
		for _, rd := range renderers {
			name := rv.name + "-" + rd.name
			t.Run(name, func(t *testing.T) {
				var b bytes.Buffer
				if err := rd.render(&b, rv.review); err != nil {
					t.Fatal(err)
				}
				golden(t, name, b.Bytes())
			})
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", file, got)
	}
}

// The behaviour the golden files could hide: what a reviewer must not miss.
func TestTerminalShowsDangersLoudly(t *testing.T) {
	var b bytes.Buffer
	if err := Terminal(&b, sampleReview(), false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"!!! DANGER [replace] will be REPLACED",
		"! warning [iam] IAM statements change",
		"Properties.DBName: shop -> store",
		"-- prod / cloudformation: 0 added, 1 removed, 2 changed; 2 dangers, 2 warnings",
		"in all: 1 added, 2 removed, 5 changed; 2 dangers, 4 warnings",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, out)
		}
	}
	// Within a resource, the danger comes before the warning and the info.
	if d, w := strings.Index(out, "!!! DANGER [replace]"), strings.Index(out, "[deletion-policy-weakened]"); d > w {
		t.Error("the danger must be listed before the warning")
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("color false must print no escape sequences")
	}
}

func TestMarkdownEscapesValues(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"a|b", `a\|b`},
		{"`x`", "\\`x\\`"},
		{"<script>", "&lt;script&gt;"},
		{"*bold* _it_ [l](u)", `\*bold\* \_it\_ \[l\](u)`},
	} {
		if got := mdEscape(tt.in); got != tt.want {
			t.Errorf("mdEscape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"spec.x", "`spec.x`"},
		{"a`b", "`` a`b ``"},
		{"a|b", "`a\\|b`"},
	} {
		if got := mdCodeCell(tt.in); got != tt.want {
			t.Errorf("mdCodeCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarkdownFitsAGitHubComment(t *testing.T) {
	big := Review{Base: "HEAD"}
	for i := range 3000 {
		big.Resources = append(big.Resources, ResourceDiff{
			Env: "prod", Layer: "k8s", File: "shop.k8s.yaml", ID: "ConfigMap/shop/c" + strings.Repeat("x", i%7),
			Type: "v1/ConfigMap", Action: Changed,
			Fields: []FieldChange{{Path: "data.big", Old: strings.Repeat("o", 100), New: strings.Repeat("n", 100)}},
		})
	}
	big.Resources[2999].Findings = []Finding{{Severity: Danger, Code: CodeImmutableField, Message: "the last one is dangerous"}}
	var b bytes.Buffer
	if err := Markdown(&b, big); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if len(out) > 65536 {
		t.Fatalf("markdown is %d bytes, over GitHub's 65536", len(out))
	}
	for _, want := range []string{"not shown", "the last one is dangerous", "</details>\n\n> [!NOTE]"} {
		if !strings.Contains(out, want) {
			t.Errorf("a cut review must keep its dangers and say it was cut; lacks %q", want)
		}
	}
	if strings.Count(out, "<details") != strings.Count(out, "</details>") {
		t.Error("a cut review must close every <details>")
	}

	// A tiny limit keeps the head, cut, and the note.
	small := markdown(sampleReview(), 600)
	if len(small) > 600 || !strings.Contains(small, "8 of 8 resources are not shown") {
		t.Errorf("limit 600: got %d bytes:\n%s", len(small), small)
	}
}

func TestJSONIsTheModel(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, sampleReview()); err != nil {
		t.Fatal(err)
	}
	var back Review
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Resources) != 8 || len(back.Dangerous()) != 2 {
		t.Errorf("round trip lost resources or dangers: %+v", back)
	}
	b.Reset()
	if err := JSON(&b, Review{Base: "HEAD"}); err != nil || !strings.Contains(b.String(), `"resources": []`) {
		t.Errorf("an empty review must say resources: [], got %s (%v)", b.String(), err)
	}
}

func TestRenderersSortWhateverTheyGet(t *testing.T) {
	r := sampleReview()
	render := func(r Review) map[string]string {
		out := map[string]string{}
		var b bytes.Buffer
		_ = Terminal(&b, r, false)
		out["terminal"] = b.String()
		b.Reset()
		_ = Markdown(&b, r)
		out["markdown"] = b.String()
		b.Reset()
		_ = JSON(&b, r)
		out["json"] = b.String()
		return out
	}
	want := render(r)
	reversed := sampleReview()
	slices.Reverse(reversed.Resources)
	got := render(reversed)
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("%s: the order of Review.Resources changed the output", k)
		}
	}
	if reversed.Resources[0].ID != "Namespace/legacy" {
		t.Error("a renderer must not reorder the caller's review")
	}
}
