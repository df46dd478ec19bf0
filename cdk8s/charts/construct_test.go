package charts_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	"github.com/shopstack/shopstack/cdk8s/charts"
)

// constructors are every exported construct of the package, each called
// with the props it is given (nil or empty in the tests below).
var constructors = []struct {
	props string // the props type a nil panic names
	build func(scope constructs.Construct, empty bool)
}{
	{"HTTPWorkloadProps", func(s constructs.Construct, empty bool) {
		charts.NewHTTPWorkload(s, "x", pick(empty, &charts.HTTPWorkloadProps{}))
	}},
	{"BackendProps", func(s constructs.Construct, empty bool) {
		charts.NewBackend(s, "x", pick(empty, &charts.BackendProps{}))
	}},
	{"FrontendProps", func(s constructs.Construct, empty bool) {
		charts.NewFrontend(s, "x", pick(empty, &charts.FrontendProps{}))
	}},
	{"MigrationJobProps", func(s constructs.Construct, empty bool) {
		charts.NewMigrationJob(s, "x", pick(empty, &charts.MigrationJobProps{}))
	}},
	{"PurgeCronJobProps", func(s constructs.Construct, empty bool) {
		charts.NewPurgeCronJob(s, "x", pick(empty, &charts.PurgeCronJobProps{}))
	}},
	{"NetworkPolicyProps", func(s constructs.Construct, empty bool) {
		charts.NewNetworkPolicy(s, "x", pick(empty, &charts.NetworkPolicyProps{}))
	}},
	{"StorefrontNetworkPoliciesProps", func(s constructs.Construct, empty bool) {
		charts.NewStorefrontNetworkPolicies(s, "x", pick(empty, &charts.StorefrontNetworkPoliciesProps{}))
	}},
	{"NamespaceProps", func(s constructs.Construct, empty bool) {
		charts.NewNamespace(s, "x", pick(empty, &charts.NamespaceProps{}))
	}},
	{"ServiceAccountProps", func(s constructs.Construct, empty bool) {
		charts.NewServiceAccount(s, "x", pick(empty, &charts.ServiceAccountProps{}))
	}},
	{"StorefrontIngressProps", func(s constructs.Construct, empty bool) {
		charts.NewStorefrontIngress(s, "x", pick(empty, &charts.StorefrontIngressProps{}))
	}},
	{"ExternalDNSProps", func(s constructs.Construct, empty bool) {
		charts.NewExternalDNS(s, "x", pick(empty, &charts.ExternalDNSProps{}))
	}},
	{"NodePoolProps", func(s constructs.Construct, empty bool) {
		charts.NewNodePool(s, "x", pick(empty, &charts.NodePoolProps{}))
	}},
}

// pick is p for the empty-props case, else a nil of p's type.
func pick[T any](empty bool, p *T) *T {
	if empty {
		return p
	}
	return nil
}

// panicOf runs build under a chart "c" and returns what it panicked with.
func panicOf(t *testing.T, build func(constructs.Construct, bool), empty bool) (got any) {
	t.Helper()
	defer func() { got = recover() }()
	app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(t.TempDir())})
	build(cdk8s.NewChart(app, jsii.String("c"), nil), empty)
	return nil
}

// TestConstructsNameTheirPath: nil props get a message that names the
// props type, and every panic (nil props, a missing required field) starts
// with the path of the construct being added (scope path + "/" + id), as
// aws-cdk's ValidationError names the construct, so that a failed
// synthesis says which construct of which chart to look at.
func TestConstructsNameTheirPath(t *testing.T) {
	for _, c := range constructors {
		t.Run(c.props, func(t *testing.T) {
			got := panicOf(t, c.build, false)
			msg := fmt.Sprint(got)
			if got == nil || !strings.HasPrefix(msg, "c/x: ") || !strings.Contains(msg, c.props) || !strings.Contains(msg, "nil") {
				t.Errorf("nil props: panic %q, want one starting with the path %q that names %s and nil", msg, "c/x: ", c.props)
			}
			got = panicOf(t, c.build, true)
			if msg := fmt.Sprint(got); got == nil || !strings.HasPrefix(msg, "c/x: ") || !strings.Contains(msg, c.props) {
				t.Errorf("empty props: panic %q, want one starting with the path %q that names %s", msg, "c/x: ", c.props)
			}
		})
	}
}

// TestPropsAreFlat reads the package's source: no props type has a field
// of type platform.Environment (Build maps the environment into props),
// and no type exposes its props as a public field (callers read what a
// construct exposes through methods).
func TestPropsAreFlat(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := spec.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, fld := range st.Fields.List {
				typ := types.ExprString(fld.Type)
				if strings.HasSuffix(spec.Name.Name, "Props") && strings.Contains(typ, "platform.Environment") {
					t.Errorf("%s: %s has a field of type %s: give it the values it needs", fset.Position(fld.Pos()), spec.Name.Name, typ)
				}
				for _, id := range fld.Names {
					if id.IsExported() && strings.HasSuffix(typ, "Props") {
						t.Errorf("%s: %s.%s exposes its props (%s): expose what callers need as methods", fset.Position(fld.Pos()), spec.Name.Name, id.Name, typ)
					}
				}
			}
			return true
		})
	}
}
