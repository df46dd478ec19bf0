package charts_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	"github.com/shopstack/shopstack/cdk8s/charts"
)

// TestIngressRouteOrder: the Routes are validated so that the manifest
// reads in the order the ALB matches (exact paths, then prefixes, the
// catch-all last).
func TestIngressRouteOrder(t *testing.T) {
	exact := func(p string) charts.IngressRoute {
		return charts.IngressRoute{PathPrefix: p, Exact: true, ServiceName: "backend", ServicePort: "http"}
	}
	prefix := func(p, svc string) charts.IngressRoute {
		return charts.IngressRoute{PathPrefix: p, ServiceName: svc, ServicePort: "http"}
	}
	tests := []struct {
		name   string
		routes []charts.IngressRoute
		wants  []string // empty: accepted
	}{
		{"exact, prefix, catch-all", []charts.IngressRoute{exact("/robots.txt"), prefix("/api", "backend"), prefix("/", "frontend")}, nil},
		{"exact after a prefix", []charts.IngressRoute{prefix("/api", "backend"), exact("/robots.txt"), prefix("/", "frontend")}, []string{"Routes[1]", `"/robots.txt"`, "before the prefixes"}},
		{"catch-all not last", []charts.IngressRoute{prefix("/", "frontend"), prefix("/api", "backend")}, []string{"Routes[0]", "must be the last"}},
		{"relative path", []charts.IngressRoute{exact("robots.txt")}, []string{"Routes[0]", "must start with /"}},
		{"no service", []charts.IngressRoute{{PathPrefix: "/", ServicePort: "http"}}, []string{"Routes[0]", "ServiceName"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got any
			var ing *charts.StorefrontIngress
			func() {
				defer func() { got = recover() }()
				app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(t.TempDir())})
				ing = charts.NewStorefrontIngress(cdk8s.NewChart(app, jsii.String("c"), nil), "i", &charts.StorefrontIngressProps{
					ClassName: "alb", IngressName: "shop", Namespace: "shop", Host: "shop.example.com", Routes: tc.routes,
				})
			}()
			if len(tc.wants) == 0 {
				if got != nil {
					t.Fatalf("rejected: %v", got)
				}
				paths := ing.Ingress.ToJson()
				s := fmt.Sprint(paths)
				for _, w := range []string{"pathType:Exact", "pathType:Prefix"} {
					if !strings.Contains(s, w) {
						t.Errorf("manifest lacks %s: %s", w, s)
					}
				}
				return
			}
			if got == nil {
				t.Fatalf("accepted %+v", tc.routes)
			}
			for _, w := range tc.wants {
				if !strings.Contains(fmt.Sprint(got), w) {
					t.Errorf("error %q does not say %q", got, w)
				}
			}
		})
	}
}
