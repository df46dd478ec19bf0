package distdiff

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopstack/shopstack/internal/synth"
	"github.com/shopstack/shopstack/platform"
)

// The corpus: realistic changes of the real stacks. Each case synthesizes
// prod through internal/synth.CloudFormation, once as it is (old) and once
// changed (new), either through the platform config (a Go-level edit: what
// a developer would change) or, where the platform has no knob, by editing
// the synthesized JSON (documented per case), then asserts the findings
// that must and must not appear.
//
// CFNDIFF_CORPUS_DIR=<dir> also writes each case's old and new templates
// there (<dir>/<case>/{old,new}/), for running the pre-engine tool and
// `cdk diff` on them (docs/review.md, "CloudFormation corpus").

type corpusCase struct {
	name string
	// oldEnv/newEnv change the platform config (nil: platform.Prod()).
	oldEnv, newEnv func(*platform.Environment)
	// edit changes the synthesized new templates, keyed by stack suffix
	// ("database" for shopstack-prod-database), when no knob exists.
	edit func(t *testing.T, tmpl map[string]map[string]any)
	// want: resource type (or "Output") -> codes that must appear on some
	// resource of that type.
	want map[string][]string
	// not: codes that must appear nowhere.
	not []string
	// notFor: resource type -> codes that must not appear on it.
	notFor map[string][]string
	// empty: the diff must be empty.
	empty bool
	// check asserts more on the result.
	check func(t *testing.T, diffs []ResourceDiff)
}

func corpus() []corpusCase {
	return []corpusCase{
		{
			// No knob: Build always gives the instance RemovalPolicy SNAPSHOT.
			// The edit is what RemovalPolicy DESTROY synthesizes (both
			// policies "Delete").
			name: "a-db-deletion-policy-weakened",
			edit: func(t *testing.T, tmpl map[string]map[string]any) {
				r := resourceOfType(t, tmpl["database"], "AWS::RDS::DBInstance")
				r["DeletionPolicy"], r["UpdateReplacePolicy"] = "Delete", "Delete"
			},
			want: map[string][]string{"AWS::RDS::DBInstance": {CodeDeletionPolicyWeakened, CodeStateful}},
			not:  []string{CodeReplace, CodeDelete},
		},
		{
			name:   "b-db-port",
			newEnv: func(e *platform.Environment) { e.Database.Port = 5433 },
			want:   map[string][]string{"AWS::RDS::DBInstance": {CodeReplace, CodeCustomNameReplace, CodeStateful}},
			not:    []string{CodeDelete, CodeEngineMajor},
			check: func(t *testing.T, diffs []ResourceDiff) {
				db := diffOfType(t, diffs, "AWS::RDS::DBInstance")
				if len(db.Fields) != 1 || db.Fields[0] != (FieldChange{Path: "Properties.Port", Old: "5432", New: "5433"}) {
					t.Errorf("DBInstance fields = %+v", db.Fields)
				}
				sg := diffOfType(t, diffs, TypeSGChanges)
				if len(sg.Tables) != 1 || len(sg.Tables[0].Rows) != 2 || sg.Tables[0].Header[1] != "Group" {
					t.Errorf("security group table = %+v", sg.Tables)
				}
			},
		},
		{
			// No knob: the CDK names the subnet group itself. The edit sets
			// an explicit DBSubnetGroupName, a create-only property.
			name: "c-db-subnet-group-name",
			edit: func(t *testing.T, tmpl map[string]map[string]any) {
				r := resourceOfType(t, tmpl["database"], "AWS::RDS::DBSubnetGroup")
				r["Properties"].(map[string]any)["DBSubnetGroupName"] = "shopstack-prod-db"
			},
			want: map[string][]string{
				"AWS::RDS::DBSubnetGroup": {CodeReplace},
				// The instance's DBSubnetGroupName refers to it: replaced too.
				"AWS::RDS::DBInstance": {CodeReplacedByReference, CodeCustomNameReplace},
			},
			notFor: map[string][]string{"AWS::RDS::DBSubnetGroup": {CodeCustomNameReplace}},
		},
		{
			name:   "d-engine-major-17-18",
			newEnv: func(e *platform.Environment) { e.Database.EngineVersion = "18" },
			want: map[string][]string{
				// DBParameterGroupName refers to the replaced group; the
				// database says causesReplacement: maybe for it, so "may".
				"AWS::RDS::DBInstance":       {CodeEngineMajor, CodeReplacedByReference, CodeStateful},
				"AWS::RDS::DBParameterGroup": {CodeReplace}, // Family postgres17 -> postgres18
			},
			// Only a certain replacement makes the custom name fatal.
			notFor: map[string][]string{"AWS::RDS::DBInstance": {CodeReplace, CodeDelete, CodeCustomNameReplace}},
		},
		{
			name:   "e-eks-version-bump",
			oldEnv: func(e *platform.Environment) { e.Cluster.KubernetesVersion = "1.35" },
			want:   map[string][]string{"AWS::EKS::Cluster": {CodeStateful}},
			not:    []string{CodeReplace, CodeReplacedByReference, CodeMayReplace, CodeDelete, CodeCustomNameReplace},
		},
		{
			// No knob short of moving the VPC: the edit drops one private
			// subnet from the cluster (ResourcesVpcConfig.SubnetIds, nested
			// create-only in the resource database).
			name: "f-eks-subnets",
			edit: func(t *testing.T, tmpl map[string]map[string]any) {
				r := resourceOfType(t, tmpl["cluster"], "AWS::EKS::Cluster")
				vpc := r["Properties"].(map[string]any)["ResourcesVpcConfig"].(map[string]any)
				vpc["SubnetIds"] = vpc["SubnetIds"].([]any)[:2]
			},
			check: func(t *testing.T, diffs []ResourceDiff) {
				for _, f := range diffOfType(t, diffs, "AWS::EKS::Cluster").Findings {
					if f.Code == CodeReplace && !strings.Contains(f.Message, "Properties.ResourcesVpcConfig.SubnetIds") {
						t.Errorf("the replace finding should name the nested path: %s", f.Message)
					}
				}
			},
			want: map[string][]string{
				"AWS::EKS::Cluster":                {CodeReplace, CodeCustomNameReplace, CodeStateful},
				"AWS::EKS::AccessEntry":            {CodeReplacedByReference},
				"AWS::EKS::Addon":                  {CodeReplacedByReference},
				"AWS::EKS::PodIdentityAssociation": {CodeReplacedByReference},
				// The database imports the cluster security group id.
				TypeOutput: {CodeExportInUse},
			},
		},
		{
			name:   "g-ecr-rename",
			newEnv: func(e *platform.Environment) { e.Images.BackendRepository = "shopstack/prod/api" },
			want:   map[string][]string{"AWS::ECR::Repository": {CodeReplace, CodeCustomNameReplace, CodeStateful}},
			not:    []string{CodeDelete},
		},
		{
			// No knob: the values are constants that TestDatabase pins. The
			// edit lengthens the generated password.
			name: "h-secret-generate-string",
			edit: func(t *testing.T, tmpl map[string]map[string]any) {
				r := resourceOfType(t, tmpl["database"], "AWS::SecretsManager::Secret")
				r["Properties"].(map[string]any)["GenerateSecretString"].(map[string]any)["PasswordLength"] = 32
			},
			// In place for the engine, but the value is regenerated and the
			// attachment's host/port/dbname are lost (audit F11).
			want: map[string][]string{"AWS::SecretsManager::Secret": {CodeStateful, CodeSecretRegenerated}},
			not:  []string{CodeReplace, CodeDelete, CodeCustomNameReplace},
		},
		{
			// A construct id renamed in code (Postgres/Parameters ->
			// Postgres/ParameterGroup): the logical id changes, nothing else.
			name: "i-construct-id-rename",
			edit: func(t *testing.T, tmpl map[string]map[string]any) {
				renameLogicalID(t, tmpl, "database", "PostgresParameters116DB31A", "PostgresParameterGroup5E1A7C2B")
			},
			want: map[string][]string{
				"AWS::RDS::DBParameterGroup": {CodeDelete},
				// Its DBParameterGroupName now names the new group: maybe.
				"AWS::RDS::DBInstance": {CodeMayReplace},
			},
			not: []string{CodeOrphan, CodeReplace, CodeCustomNameReplace},
		},
		{
			name:   "j-nat-gateways-3-1",
			newEnv: func(e *platform.Environment) { e.Network.NATGateways = 1 },
			want:   map[string][]string{"AWS::EC2::NatGateway": {CodeDelete}, "AWS::EC2::EIP": {CodeDelete}},
			notFor: map[string][]string{"AWS::EC2::Subnet": {CodeReplace, CodeDelete}, "AWS::EC2::VPC": {CodeReplace}},
		},
		{
			// Reformatted JSON, keys reordered, DependsOn reversed: what a
			// refactor that changes nothing deployed looks like.
			name: "k-no-op-refactor",
			edit: func(t *testing.T, tmpl map[string]map[string]any) {
				for _, doc := range tmpl {
					for _, r := range doc["Resources"].(map[string]any) {
						if deps, ok := r.(map[string]any)["DependsOn"].([]any); ok {
							for i, j := 0, len(deps)-1; i < j; i, j = i+1, j-1 {
								deps[i], deps[j] = deps[j], deps[i]
							}
						}
					}
				}
			},
			empty: true,
		},
		{
			// No knob: the CDK adds and removes exports itself. The edit
			// removes the network's VPC export, which the database imports.
			name: "l-export-removed-while-imported",
			edit: func(t *testing.T, tmpl map[string]map[string]any) {
				outputs := tmpl["network"]["Outputs"].(map[string]any)
				for id := range outputs {
					if strings.HasPrefix(id, "ExportsOutputRefNetworkVpc") && !strings.Contains(id, "Subnet") {
						delete(outputs, id)
						return
					}
				}
				t.Fatal("no VPC export in the network template")
			},
			want: map[string][]string{TypeOutput: {CodeExportInUse}},
			not:  []string{CodeReplace, CodeDelete},
		},
	}
}

func TestCloudFormationCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes prod about a dozen times")
	}
	for _, c := range corpus() {
		t.Run(c.name, func(t *testing.T) {
			oldTree := synthProd(t, c.oldEnv, nil)
			newTree := synthProd(t, c.newEnv, c.edit)
			start := time.Now()
			diffs, err := CloudFormation(oldTree, newTree)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("CloudFormation() took %s, %d entries", time.Since(start).Round(time.Millisecond), len(diffs))
			writeCorpus(t, c.name, oldTree, newTree)
			got := map[string]map[string]bool{} // type -> codes
			all := map[string]bool{}
			for _, d := range diffs {
				if got[d.Type] == nil {
					got[d.Type] = map[string]bool{}
				}
				for _, f := range d.Findings {
					got[d.Type][f.Code] = true
					all[f.Code] = true
				}
			}
			if c.empty && len(diffs) > 0 {
				t.Errorf("want nothing at all, got %s", summarize(diffs))
			}
			for typ, codes := range c.want {
				for _, code := range codes {
					if !got[typ][code] {
						t.Errorf("%s: no %s finding\n%s", typ, code, summarize(diffs))
					}
				}
			}
			for _, code := range c.not {
				if all[code] {
					t.Errorf("unexpected %s finding\n%s", code, summarize(diffs))
				}
			}
			for typ, codes := range c.notFor {
				for _, code := range codes {
					if got[typ][code] {
						t.Errorf("%s: unexpected %s finding\n%s", typ, code, summarize(diffs))
					}
				}
			}
			if c.check != nil {
				c.check(t, diffs)
			}
			if testing.Verbose() {
				t.Logf("summary: %s", oneLine(diffs))
			}
		})
	}
}

// synthProd synthesizes prod (changed by env) into a Tree and applies edit
// to its templates. Unchanged configs are synthesized once.
func synthProd(t *testing.T, change func(*platform.Environment), edit func(*testing.T, map[string]map[string]any)) Tree {
	t.Helper()
	var tree Tree
	if change == nil {
		baseOnce.Do(func() { baseTree, baseErr = synthTree(t, platform.Prod()) })
		if baseErr != nil {
			t.Fatal(baseErr)
		}
		tree = Tree{}
		for k, v := range baseTree {
			tree[k] = v
		}
	} else {
		env := platform.Prod()
		change(&env)
		var err error
		if tree, err = synthTree(t, env); err != nil {
			t.Fatal(err)
		}
	}
	if edit == nil {
		return tree
	}
	docs := map[string]map[string]any{}
	for f, data := range tree {
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		docs[stackSuffix(f)] = doc
	}
	edit(t, docs)
	for f := range tree {
		data, err := json.MarshalIndent(docs[stackSuffix(f)], "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		tree[f] = data
	}
	return tree
}

var (
	baseOnce sync.Once
	baseTree Tree
	baseErr  error
)

func synthTree(t *testing.T, env platform.Environment) (Tree, error) {
	dir := t.TempDir()
	if err := synth.CloudFormation(dir, env); err != nil {
		return nil, err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.template.json"))
	tree := Tree{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		tree[env.Name+"/"+synth.CloudFormationDir+"/"+filepath.Base(f)] = data
	}
	return tree, nil
}

// stackSuffix maps "prod/cloudformation/shopstack-prod-database.template.json" to "database".
func stackSuffix(f string) string {
	base := strings.TrimSuffix(filepath.Base(f), cfnTemplateExt)
	return base[strings.LastIndex(base, "-")+1:]
}

func diffOfType(t *testing.T, diffs []ResourceDiff, typ string) ResourceDiff {
	t.Helper()
	for _, d := range diffs {
		if d.Type == typ {
			return d
		}
	}
	t.Fatalf("no %s in the diff", typ)
	return ResourceDiff{}
}

func resourceOfType(t *testing.T, doc map[string]any, typ string) map[string]any {
	t.Helper()
	var ids []string
	resources := doc["Resources"].(map[string]any)
	for id, r := range resources {
		if r.(map[string]any)["Type"] == typ {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		t.Fatalf("no %s", typ)
	}
	sort.Strings(ids)
	return resources[ids[0]].(map[string]any)
}

// renameLogicalID renames a resource and every reference to it (Ref,
// Fn::GetAtt, DependsOn) in one template, as a construct id rename does.
func renameLogicalID(t *testing.T, tmpl map[string]map[string]any, stack, from, to string) {
	t.Helper()
	data, err := json.Marshal(tmpl[stack])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"`+from+`"`) {
		t.Fatalf("no %s in %s", from, stack)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(data), `"`+from+`"`, `"`+to+`"`)), &doc); err != nil {
		t.Fatal(err)
	}
	tmpl[stack] = doc
}

func summarize(diffs []ResourceDiff) string {
	var b strings.Builder
	for _, d := range diffs {
		b.WriteString("  " + d.File + " " + d.ID + " " + d.Type + " " + string(d.Action) + "\n")
		for _, f := range d.Findings {
			b.WriteString("      " + string(f.Severity) + " " + f.Code + ": " + f.Message + "\n")
		}
	}
	return b.String()
}

// oneLine counts actions and finding codes: "3 changed, 1 removed; replace x2, stateful x1".
func oneLine(diffs []ResourceDiff) string {
	actions, codes := map[string]int{}, map[string]int{}
	for _, d := range diffs {
		actions[string(d.Action)]++
		for _, f := range d.Findings {
			codes[f.Code]++
		}
	}
	return tally(actions) + "; " + tally(codes)
}

func tally(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" x"+itoa(m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func writeCorpus(t *testing.T, name string, oldTree, newTree Tree) {
	dir := os.Getenv("CFNDIFF_CORPUS_DIR")
	if dir == "" {
		return
	}
	for side, tree := range map[string]Tree{"old": oldTree, "new": newTree} {
		for f, data := range tree {
			p := filepath.Join(dir, name, side, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
