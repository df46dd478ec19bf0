package main

import (
	"strings"
	"testing"

	"github.com/shopstack/shopstack/platform"
)

func TestLookup(t *testing.T) {
	env, err := platform.For(platform.EnvProd)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, want, err string
	}{
		{path: "Region", want: env.Region},
		{path: "Cluster.Name", want: env.Cluster.Name},
		{path: "Cluster.AdminRoleARNs.0", want: env.Cluster.AdminRoleARNs[0]},
		{path: "Names.Namespace", want: env.Names.Namespace},
		{path: "Database.MultiAZ", want: "true"},
		{path: "Cluster.Nope", err: `no field "Cluster.Nope"`},
		{path: "Cluster.AdminRoleARNs.9", err: `no element "Cluster.AdminRoleARNs.9"`},
		{path: "Region.Name", err: `no field "Region.Name": Region is a plain value`},
	} {
		got, err := lookup(env, tc.path)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("lookup(%q) error = %v, want %q", tc.path, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("lookup(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}
}
