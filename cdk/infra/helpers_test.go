package infra_test

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/platform"
)

// built is one environment synthesized once and shared by the tests.
type built struct {
	env       platform.Environment
	stacks    *infra.Stacks
	templates map[string]assertions.Template // by stack part
}

// assemblies holds the cloud assemblies of the shared builds; they outlive
// single tests (t.TempDir would not).
var assemblies string

func TestMain(m *testing.M) {
	var err error
	if assemblies, err = os.MkdirTemp("", "shopstack-infra-test-"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(assemblies)
	os.Exit(code)
}

var (
	buildMu sync.Mutex
	cache   = map[string]*built{}
)

// environments returns dev and prod, validated.
func environments(t *testing.T) []platform.Environment {
	t.Helper()
	envs, err := platform.All()
	if err != nil {
		t.Fatal(err)
	}
	return envs
}

// build synthesizes env (once per env name and test binary).
func build(t *testing.T, env platform.Environment) *built {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	key := env.Name + fmt.Sprint(env.Database.ReadReplica, env.Database.RDSProxy)
	if b, ok := cache[key]; ok {
		return b
	}
	dir, err := os.MkdirTemp(assemblies, key+"-")
	if err != nil {
		t.Fatal(err)
	}
	app := infra.NewApp(dir)
	stacks := infra.Build(app, env)
	b := &built{env: env, stacks: stacks, templates: map[string]assertions.Template{}}
	for part, st := range map[string]awscdk.Stack{
		infra.NetworkStack: stacks.Network, infra.EdgeStack: stacks.Edge,
		infra.ClusterStack: stacks.Cluster, infra.DatabaseStack: stacks.Database,
	} {
		b.templates[part] = assertions.Template_FromStack(st, nil)
	}
	cache[key] = b
	return b
}

// resources returns the template's resources of a type, by logical id.
func resources(tpl assertions.Template, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	found := tpl.FindResources(jsii.String(typ), nil)
	for id, r := range *found {
		// round-trip through JSON to get plain maps
		data, _ := json.Marshal(r)
		var m map[string]any
		_ = json.Unmarshal(data, &m)
		out[id] = m
	}
	return out
}

// allResources returns every resource of the template, by logical id.
func allResources(tpl assertions.Template) map[string]map[string]any {
	data, _ := json.Marshal(tpl.ToJSON())
	var t struct{ Resources map[string]map[string]any }
	_ = json.Unmarshal(data, &t)
	return t.Resources
}

// nagErrors lists the unsuppressed AwsSolutions errors of a stack.
func nagErrors(st awscdk.Stack) []string {
	msgs := assertions.Annotations_FromStack(st).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
	var out []string
	for _, m := range *msgs {
		data := fmt.Sprint(m.Entry.Data)
		if i := strings.Index(data, "\n"); i > 0 {
			data = data[:i]
		}
		out = append(out, *m.Id+": "+data)
	}
	sort.Strings(out)
	return out
}

// panicOf runs f and returns what it panicked with, as text ("" when it
// did not panic).
func panicOf(f func()) (got string) {
	defer func() {
		if r := recover(); r != nil {
			got = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// failOnAssertion turns the panic of a failed CDK assertion (jsii raises
// them as panics) into a test failure with its message.
func failOnAssertion(t *testing.T) {
	t.Helper()
	if r := recover(); r != nil {
		t.Fatalf("%v", r)
	}
}
