package infra_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/platform"
)

type nameOwner struct{ env, stack, logicalID string }

// TestPhysicalNamesUniqueAcrossEnvironments synthesizes every environment
// (and the optional read replica + RDS Proxy variant) and fails when two
// environments that deploy into the same account and region would create a
// resource with the same physical name: the second `cdk deploy` would fail
// with "already exists" (audit finding F2: the ECR repositories).
func TestPhysicalNamesUniqueAcrossEnvironments(t *testing.T) {
	var envs []platform.Environment
	for _, e := range environments(t) {
		envs = append(envs, e)
		variant := e
		variant.Database.ReadReplica, variant.Database.RDSProxy = true, true
		envs = append(envs, variant)
	}
	// names[scope][type/name] -> who creates it
	names := map[string]map[string][]nameOwner{}
	for _, e := range envs {
		b := build(t, e)
		seenInEnv := map[string]bool{}
		for part, tpl := range b.templates {
			for id, r := range allResources(tpl) {
				typ, _ := r["Type"].(string)
				pn, ok := infra.PhysicalNames[typ]
				if !ok {
					t.Errorf("%s/%s %s: resource type %s is not classified in infra.PhysicalNames (cdk/infra/physicalnames.go)", e.Name, part, id, typ)
					continue
				}
				if pn.Property == "" {
					continue
				}
				props, _ := r["Properties"].(map[string]any)
				v, ok := props[pn.Property]
				if !ok {
					continue // CloudFormation generates a unique name
				}
				name := literal(v)
				scope := "account " + e.Account + " region " + e.Region
				if pn.Global {
					scope = "account " + e.Account
				}
				key := typ + " " + name
				// The variant re-creates its environment's names; count an
				// environment once per name.
				if seenInEnv[key+"/"+id] {
					continue
				}
				seenInEnv[key+"/"+id] = true
				if names[scope] == nil {
					names[scope] = map[string][]nameOwner{}
				}
				names[scope][key] = append(names[scope][key], nameOwner{e.Name, part, id})
			}
		}
	}
	checked := 0
	for scope, byName := range names {
		for key, owners := range byName {
			checked++
			envsOf := map[string]bool{}
			ids := map[string]bool{}
			for _, o := range owners {
				envsOf[o.env] = true
				ids[o.env+"/"+o.stack+"/"+o.logicalID] = true
			}
			if len(envsOf) > 1 || len(ids) > 1 {
				var who []string
				for id := range ids {
					who = append(who, id)
				}
				sort.Strings(who)
				t.Errorf("%s: %s is created by %s", scope, key, strings.Join(who, ", "))
			}
		}
	}
	if checked == 0 {
		t.Fatal("no physical names found: the test would pass vacuously")
	}
	t.Logf("%d physical names checked", checked)
}

// literal renders a name property, which may be an intrinsic function
// (Fn::Join of the stack name, say), as a stable string.
func literal(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}
