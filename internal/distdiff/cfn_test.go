package distdiff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// findings returns code -> messages of one resource.
func findingsOf(diffs []ResourceDiff, id string) map[string][]string {
	out := map[string][]string{}
	for _, d := range diffs {
		if d.ID == id {
			for _, f := range d.Findings {
				out[f.Code] = append(out[f.Code], string(f.Severity)+": "+f.Message)
			}
		}
	}
	return out
}

func TestCloudFormationSmallTemplates(t *testing.T) {
	oldTree := Tree{"prod/cloudformation/shop.template.json": []byte(oldTemplate)}
	newTree := Tree{"prod/cloudformation/shop.template.json": []byte(newTemplate)}
	diffs, err := CloudFormation(oldTree, newTree)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		if d.Layer != LayerCloudFormation || d.Stack != "shop" || d.Env != "prod" || d.File != "shop.template.json" {
			t.Errorf("%s: layer/stack/env/file = %s/%s/%s/%s", d.ID, d.Layer, d.Stack, d.Env, d.File)
		}
	}
	tests := []struct {
		id        string
		action    Action
		want, not []string
	}{
		// The resource database marks DBInstance MultiAZ causesReplacement:
		// maybe, so the engine (and `cdk diff`) says "may be replaced".
		{"Db", Changed, []string{CodeStateful, CodeMayReplace}, []string{CodeReplace}},
		{"Repo", Changed, []string{CodeReplace, CodeCustomNameReplace, CodeStateful}, nil},
		{"Gone", Removed, []string{CodeDelete, CodeStateful}, []string{CodeOrphan}},
		{"New", Added, nil, []string{CodeStateful, CodeReplace}},
	}
	if len(diffs) != len(tests) {
		t.Errorf("got %d diffs, want %d: %+v", len(diffs), len(tests), diffs)
	}
	for _, tt := range tests {
		f := findingsOf(diffs, tt.id)
		for _, code := range tt.want {
			if len(f[code]) == 0 {
				t.Errorf("%s: no %s finding; got %v", tt.id, code, f)
			}
		}
		for _, code := range tt.not {
			if len(f[code]) > 0 {
				t.Errorf("%s: unexpected %s finding %v", tt.id, code, f[code])
			}
		}
	}
	if f := findingsOf(diffs, "Repo")[CodeCustomNameReplace]; len(f) == 0 || !strings.Contains(f[0], "shop/backend -> shop/api") {
		t.Errorf("Repo rename: %v", f)
	}
}

func TestCloudFormationUnchangedIsEmpty(t *testing.T) {
	tree := Tree{"dev/cloudformation/a.template.json": []byte(oldTemplate)}
	diffs, err := CloudFormation(tree, tree)
	if err != nil || len(diffs) != 0 {
		t.Fatalf("got %v, %v; want nothing", diffs, err)
	}
}

func TestCfnScriptNeedsNodeModules(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "internal", "distdiff"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "internal", "distdiff", cfnScriptName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := cfnScriptIn([]string{root})
	if err == nil || !strings.Contains(err.Error(), "run `go tool task setup:cli`") {
		t.Fatalf("got %v, want the setup:cli hint", err)
	}
	if _, err := cfnScriptIn([]string{t.TempDir()}); err == nil {
		t.Fatal("no script anywhere must be an error")
	}
}

// The script and node_modules are found from any working directory inside
// the repository.
func TestCfnScriptFromSubdirectory(t *testing.T) {
	wd, _ := os.Getwd()
	t.Chdir(filepath.Join(wd, "..", "..", "platform"))
	script, err := cfnScript()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(script) != cfnScriptName {
		t.Fatalf("script = %s", script)
	}
}

func TestCloudFormationRenamedCustomNamedResource(t *testing.T) {
	oldTree := Tree{"prod/cloudformation/s.template.json": []byte(`{"Resources": {
  "RepoA": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "shop/api"}, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}}}`)}
	newTree := Tree{"prod/cloudformation/s.template.json": []byte(`{"Resources": {
  "RepoB": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "shop/api"}, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}}}`)}
	diffs, err := CloudFormation(oldTree, newTree)
	if err != nil {
		t.Fatal(err)
	}
	if f := findingsOf(diffs, "RepoA"); len(f[CodeOrphan]) == 0 || len(f[CodeDelete]) > 0 {
		t.Errorf("RepoA (Retain) should be orphaned, not deleted: %v", f)
	}
	if f := findingsOf(diffs, "RepoB")[CodeCustomNameReplace]; len(f) == 0 || !strings.Contains(f[0], "already exists") {
		t.Errorf("RepoB takes a name RepoA holds: %v", f)
	}
}

func TestCloudFormationIAMTable(t *testing.T) {
	role := `"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}}}`
	policy := func(action string) string {
		return `"Policy": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "Roles": [{"Ref": "Role"}], "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "` + action + `", "Resource": "*"}]}}}`
	}
	oldTree := Tree{"dev/cloudformation/s.template.json": []byte(`{"Resources": {` + role + `, ` + policy("secretsmanager:GetSecretValue") + `}}`)}
	newTree := Tree{"dev/cloudformation/s.template.json": []byte(`{"Resources": {` + role + `, ` + policy("secretsmanager:*") + `}}`)}
	diffs, err := CloudFormation(oldTree, newTree)
	if err != nil {
		t.Fatal(err)
	}
	iam := diffOfType(t, diffs, TypeIAMChanges)
	if len(iam.Findings) != 1 || iam.Findings[0].Code != CodeIAM || iam.Findings[0].Severity != Warning {
		t.Errorf("IAM findings = %+v, want one broadened warning", iam.Findings)
	}
	if len(iam.Tables) != 1 || len(iam.Tables[0].Rows) != 2 || strings.Join(iam.Tables[0].Header, "|") != "|Resource|Effect|Action|Principal|Condition" {
		t.Fatalf("IAM table = %+v", iam.Tables)
	}
	for _, row := range iam.Tables[0].Rows {
		if strings.Contains(strings.Join(row, ""), "\x1b[") {
			t.Errorf("colour codes left in %q", row)
		}
	}
	if got := iam.Tables[0].Rows[0][0] + iam.Tables[0].Rows[1][0]; got != "+-" {
		t.Errorf("rows = %q, want the addition then the removal", iam.Tables[0].Rows)
	}
}

func TestCloudFormationDeletionPolicyDefaults(t *testing.T) {
	tmpl := func(db, log string) []byte {
		return []byte(`{"Resources": {
  "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBInstanceClass": "db.t4g.micro"}` + db + `},
  "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}` + log + `}}}`)
	}
	tests := []struct {
		name            string
		oldDB, newDB    string
		oldLog, newLog  string
		dbWeak, logWeak bool
	}{
		// An RDS instance without DeletionPolicy is snapshotted anyway.
		{"db snapshot -> absent", `, "DeletionPolicy": "Snapshot"`, ``, ``, ``, false, false},
		{"db retain -> absent", `, "DeletionPolicy": "Retain"`, ``, ``, ``, true, false},
		{"db snapshot -> delete", `, "DeletionPolicy": "Snapshot"`, `, "DeletionPolicy": "Delete"`, ``, ``, true, false},
		{"log retain -> absent", ``, ``, `, "DeletionPolicy": "Retain"`, ``, false, true},
		{"log replace retain -> snapshot", ``, ``, `, "UpdateReplacePolicy": "Retain"`, `, "UpdateReplacePolicy": "Snapshot"`, false, true},
		{"log delete -> retain", ``, ``, `, "DeletionPolicy": "Delete"`, `, "DeletionPolicy": "Retain"`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diffs, err := CloudFormation(
				Tree{"dev/cloudformation/s.template.json": tmpl(tt.oldDB, tt.oldLog)},
				Tree{"dev/cloudformation/s.template.json": tmpl(tt.newDB, tt.newLog)})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(findingsOf(diffs, "Db")[CodeDeletionPolicyWeakened]) > 0; got != tt.dbWeak {
				t.Errorf("Db weakened = %v, want %v: %v", got, tt.dbWeak, findingsOf(diffs, "Db"))
			}
			if got := len(findingsOf(diffs, "Logs")[CodeDeletionPolicyWeakened]) > 0; got != tt.logWeak {
				t.Errorf("Logs weakened = %v, want %v: %v", got, tt.logWeak, findingsOf(diffs, "Logs"))
			}
		})
	}
}
