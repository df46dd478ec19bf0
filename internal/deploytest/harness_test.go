package deploytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/internal/deploy"
)

// repo is the repository root; tools holds the real envinfo and
// deployplan, built once.
var repo, tools string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if repo, err = filepath.Abs("../.."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if tools, err = os.MkdirTemp("", "deploytest-tools"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tools)
	for _, tool := range []string{"envinfo", "deployplan"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(tools, tool), "./cmd/"+tool)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build ./cmd/%s: %v\n%s", tool, err, out)
			return 1
		}
	}
	return m.Run()
}

// harness is one run of deploy.sh with its stand-ins and canned answers.
type harness struct {
	t                        *testing.T
	env                      string
	dir, bin, tools, answers string
	log                      string
}

func newHarness(t *testing.T, env string) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{t: t, env: env, dir: dir,
		bin: filepath.Join(dir, "bin"), tools: filepath.Join(dir, "tools"),
		answers: filepath.Join(dir, "answers"), log: filepath.Join(dir, "calls.log")}
	for _, d := range []string{h.bin, h.tools, h.answers, filepath.Join(h.answers, "discovery"), filepath.Join(h.answers, "notserved"), filepath.Join(dir, "assembly"), filepath.Join(dir, "home"), filepath.Join(dir, "tmp")} {
		must(t, os.MkdirAll(d, 0o755))
	}
	for name, script := range map[string]string{"aws": standinAWS, "cdk": standinCDK, "kubectl": standinKubectl, "docker": standinDocker} {
		must(t, os.WriteFile(filepath.Join(h.bin, name), []byte(script), 0o755))
	}
	must(t, os.WriteFile(filepath.Join(h.tools, "preflight"), []byte(standinPreflight), 0o755))
	must(t, os.WriteFile(filepath.Join(h.tools, "images"), []byte(standinImages), 0o755))
	for _, tool := range []string{"envinfo", "deployplan"} {
		must(t, os.Symlink(filepath.Join(tools, tool), filepath.Join(h.tools, tool)))
	}

	// The cloud assembly `cdk synth` writes: the manifest.json synthesized
	// once for this app (internal/deploy/testdata) and today's templates.
	manifest, err := os.ReadFile(filepath.Join(repo, "internal/deploy/testdata/manifest.json"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, "assembly", "manifest.json"), manifest, 0o644))
	templates, _ := filepath.Glob(filepath.Join(repo, "dist/*/cloudformation/*.template.json"))
	for _, tpl := range templates {
		data, err := os.ReadFile(tpl)
		must(t, err)
		must(t, os.WriteFile(filepath.Join(dir, "assembly", filepath.Base(tpl)), data, 0o644))
	}

	// By default every stack is new: DescribeStacks says it does not exist
	// and its change set adds every resource of its template.
	for _, stack := range h.stacks() {
		h.answer(stack+".changes.json", changeSet(stack, "CREATE_COMPLETE", "AVAILABLE", "", addAll(h.template(stack))...))
	}

	// The API server serves every kind the manifests use.
	files, _ := filepath.Glob(filepath.Join(repo, "dist", env, "k8s", "*.yaml"))
	objects, err := deploy.ReadManifests(files...)
	must(t, err)
	for version, kinds := range deploy.Kinds(objects) {
		h.answer("discovery/"+discoveryKey(deploy.DiscoveryPath(version))+".json", apiResourceList(version, kinds))
	}
	return h
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// stacks are the environment's stack names (dist/<env>/cloudformation).
func (h *harness) stacks() []string {
	files, _ := filepath.Glob(filepath.Join(repo, "dist", h.env, "cloudformation", "*.template.json"))
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(filepath.Base(f), ".template.json"))
	}
	return out
}

func (h *harness) stack(part string) string { return "shopstack-" + h.env + "-" + part }

func (h *harness) template(stack string) []byte {
	data, err := os.ReadFile(filepath.Join(repo, "dist", h.env, "cloudformation", stack+".template.json"))
	must(h.t, err)
	return data
}

// answer writes a canned answer or a switch file.
func (h *harness) answer(name string, content []byte) {
	must(h.t, os.WriteFile(filepath.Join(h.answers, name), content, 0o644))
}

func (h *harness) flag(name string) { h.answer(name, nil) }

// deployed makes a stack exist with the given deployed template (as `aws
// cloudformation get-template --output json` prints it: the CLI decodes a
// JSON TemplateBody into an object) and an empty change set.
func (h *harness) deployed(stack string, template []byte) {
	h.answer(stack+".status", []byte("UPDATE_COMPLETE\n"))
	h.answer(stack+".deployed.json", []byte(`{"TemplateBody": `+string(template)+`, "StagesAvailable": ["Original", "Processed"]}`))
	h.answer(stack+".changes.json", changeSet(stack, "FAILED", "UNAVAILABLE", "The submitted information didn't contain changes. Submit different information to create a change set."))
}

// upToDate makes every stack exist as dist/ has it.
func (h *harness) upToDate() {
	for _, stack := range h.stacks() {
		h.deployed(stack, h.template(stack))
	}
}

type result struct {
	out   string
	code  int
	calls []string
}

func (h *harness) run(args ...string) result {
	h.t.Helper()
	return h.runCmd(exec.Command("bash", append([]string{filepath.Join(repo, "scripts", "deploy.sh")}, args...)...), "")
}

// runTTY runs deploy.sh on a terminal (util-linux script(1) gives it a
// pseudo-terminal) and types input into it.
func (h *harness) runTTY(input string, args ...string) result {
	h.t.Helper()
	if _, err := exec.LookPath("script"); err != nil {
		h.t.Skip("script(1) is not installed (util-linux)")
	}
	line := "bash " + filepath.Join(repo, "scripts", "deploy.sh")
	for _, a := range args {
		line += " " + a
	}
	return h.runCmd(exec.Command("script", "-qec", line, "/dev/null"), input)
}

func (h *harness) runCmd(cmd *exec.Cmd, input string) result {
	h.t.Helper()
	cmd.Dir = h.dir
	cmd.Env = []string{
		"PATH=" + h.bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + filepath.Join(h.dir, "home"),
		"TMPDIR=" + filepath.Join(h.dir, "tmp"),
		"SHOPSTACK_TOOLS=" + h.tools,
		"CDK=cdk",
		"SHOPSTACK_POLL_SECONDS=0",
		"STANDIN_LOG=" + h.log,
		"STANDIN_RESPONSES=" + h.answers,
		"STANDIN_ASSEMBLY=" + filepath.Join(h.dir, "assembly"),
	}
	// No stdin: not a terminal, as in automation (unless runTTY).
	if input != "" {
		cmd.Stdin = strings.NewReader(input)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		h.t.Fatal(err)
	}
	if os.Getenv("DEPLOYTEST_SHOW") != "" { // DEPLOYTEST_SHOW=1 go test -v: what deploy.sh printed
		h.t.Log(out.String())
	}
	data, _ := os.ReadFile(h.log)
	calls := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(data) == 0 {
		calls = nil
	}
	return result{out: out.String(), code: code, calls: calls}
}

// inOrder checks that each want matches a call, in this order. A want
// matches a call that contains each of its " && "-separated parts.
func (r result) inOrder(t *testing.T, want ...string) {
	t.Helper()
	i := 0
	for _, c := range r.calls {
		if i < len(want) && matches(c, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("calls lack %q (after %q) in this order; calls:\n%s\noutput:\n%s", want[i], want[:i], strings.Join(r.calls, "\n"), r.out)
	}
}

func matches(call, want string) bool {
	for _, part := range strings.Split(want, " && ") {
		if !strings.Contains(call, part) {
			return false
		}
	}
	return true
}

// never checks that no call contains any of these.
func (r result) never(t *testing.T, unwanted ...string) {
	t.Helper()
	for _, c := range r.calls {
		for _, u := range unwanted {
			if strings.Contains(c, u) {
				t.Errorf("unexpected call %q (contains %q); calls:\n%s", c, u, strings.Join(r.calls, "\n"))
			}
		}
	}
}

func (r result) says(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q:\n%s", w, r.out)
		}
	}
}

func (r result) exits(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d; output:\n%s", r.code, code, r.out)
	}
}

// changeSet is the JSON of `aws cloudformation describe-change-set
// --output json` (AWS CLI reference example; DescribeChangeSet response
// elements).
func changeSet(stack, status, execStatus, reason string, changes ...map[string]any) []byte {
	if changes == nil {
		changes = []map[string]any{}
	}
	data, _ := json.MarshalIndent(map[string]any{
		"Changes":         changes,
		"ChangeSetName":   "shopstack-deploy",
		"ChangeSetId":     "arn:aws:cloudformation:eu-west-1:111122223333:changeSet/shopstack-deploy/bc9555ba-a949-xmpl-bfb8-f41d04ec5784",
		"StackId":         "arn:aws:cloudformation:eu-west-1:111122223333:stack/" + stack + "/d0a825a0-e4cd-xmpl-b9fb-061c69e99204",
		"StackName":       stack,
		"CreationTime":    "2026-12-01T10:00:00.000Z",
		"ExecutionStatus": execStatus,
		"Status":          status,
		"StatusReason":    reason,
		"Capabilities":    []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"},
	}, "", "  ")
	return data
}

func resourceChange(action, id, typ, replacement, policyAction string, details ...map[string]any) map[string]any {
	rc := map[string]any{"Action": action, "LogicalResourceId": id, "ResourceType": typ}
	if action != "Add" {
		rc["PhysicalResourceId"] = "physical-" + id
	}
	if replacement != "" {
		rc["Replacement"] = replacement
	}
	if policyAction != "" {
		rc["PolicyAction"] = policyAction
	}
	if action == "Modify" {
		rc["Scope"] = []string{"Properties"}
		rc["Details"] = details
	}
	return map[string]any{"Type": "Resource", "ResourceChange": rc}
}

func detail(property, requiresRecreation string) map[string]any {
	return map[string]any{
		"Target":       map[string]any{"Attribute": "Properties", "Name": property, "RequiresRecreation": requiresRecreation},
		"Evaluation":   "Static",
		"ChangeSource": "DirectModification",
	}
}

// addAll is the change set of a new stack: Add for every resource.
func addAll(template []byte) []map[string]any {
	var t struct {
		Resources map[string]struct{ Type string }
	}
	if err := json.Unmarshal(template, &t); err != nil {
		panic(err)
	}
	ids := make([]string, 0, len(t.Resources))
	for id := range t.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []map[string]any
	for _, id := range ids {
		out = append(out, resourceChange("Add", id, t.Resources[id].Type, "", ""))
	}
	return out
}

func discoveryKey(path string) string { return strings.ReplaceAll(path, "/", "_") }

// apiResourceList is what the API server answers on its discovery path
// for an apiVersion (`kubectl get --raw /apis/<group>/<version>`).
func apiResourceList(version string, kinds []string) []byte {
	var resources []map[string]any
	for _, k := range kinds {
		plural := strings.ToLower(k) + "s"
		resources = append(resources,
			map[string]any{"name": plural, "singularName": strings.ToLower(k), "namespaced": true, "kind": k, "verbs": []string{"create", "delete", "get", "list", "patch", "update", "watch"}},
			map[string]any{"name": plural + "/status", "singularName": "", "namespaced": true, "kind": k, "verbs": []string{"get", "patch", "update"}})
	}
	data, _ := json.Marshal(map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": version, "resources": resources})
	return data
}
