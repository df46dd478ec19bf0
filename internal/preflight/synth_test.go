package preflight_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/internal/preflight"
	"github.com/shopstack/shopstack/platform"
)

// TestSynthesizedPlanWithProxyAndReplica synthesizes prod with the read
// replica and RDS Proxy on (Synthesize, as cmd/preflight does): the plan
// names the proxy, the endpoint parameter and the replica, and the healthy
// account finds every name free, so each type has a lookup.
func TestSynthesizedPlanWithProxyAndReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes the CDK app")
	}
	defer jsii.Close()
	env := platform.Prod()
	env.Database.ReadReplica, env.Database.RDSProxy = true, true
	p, err := preflight.Synthesize(env)
	if err != nil {
		t.Fatal(err)
	}
	if p.Database == nil || !p.Database.ReadReplica || p.Database.InstanceClass != "db."+env.Database.InstanceClass {
		t.Errorf("Database = %+v, want the primary with ReadReplica", p.Database)
	}
	var names []string
	for _, n := range p.Names {
		names = append(names, n.Type+" "+n.Value)
	}
	for _, want := range []string{
		"AWS::RDS::DBProxy shopstack-prod",
		"AWS::SSM::Parameter " + env.Names.DatabaseProxyEndpointParameter,
		"AWS::RDS::DBInstance shopstack-prod",
		"AWS::RDS::DBInstance shopstack-prod-replica",
	} {
		if !slices.Contains(names, want) {
			t.Errorf("the plan lacks %s: %v", want, names)
		}
	}
	_, cfg := newFakeAWS(t, env.Region, healthy(t, env))
	c := &preflight.Checker{Env: env, Plan: p, AWS: preflight.NewClients(cfg), Now: func() time.Time { return now }}
	for _, r := range c.Infra(context.Background()) {
		if !r.OK {
			t.Errorf("%s", r)
		}
	}
}
