package deploy

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// changeSetJSON builds the JSON that `aws cloudformation describe-change-set
// --output json` prints (the shape of the AWS CLI reference's example
// output), around the given changes.
func changeSetJSON(status, execStatus, reason string, changes ...string) []byte {
	return []byte(`{
  "Changes": [` + strings.Join(changes, ",") + `],
  "ChangeSetName": "shopstack-deploy",
  "ChangeSetId": "arn:aws:cloudformation:eu-west-1:111122223333:changeSet/shopstack-deploy/bc9555ba-a949-xmpl-bfb8-f41d04ec5784",
  "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/shopstack-prod-database/d0a825a0-e4cd-xmpl-b9fb-061c69e99204",
  "StackName": "shopstack-prod-database",
  "CreationTime": "2026-12-01T10:00:00.000Z",
  "ExecutionStatus": "` + execStatus + `",
  "Status": "` + status + `",
  "StatusReason": "` + reason + `",
  "NotificationARNs": [],
  "RollbackConfiguration": {},
  "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
  "IncludeNestedStacks": true
}`)
}

func resourceChange(action, id, typ, replacement, policyAction string, details ...string) string {
	return `{
      "Type": "Resource",
      "ResourceChange": {
        "Action": "` + action + `",
        "LogicalResourceId": "` + id + `",
        "PhysicalResourceId": "physical-` + id + `",
        "ResourceType": "` + typ + `",
        "Replacement": "` + replacement + `",
        "PolicyAction": "` + policyAction + `",
        "Scope": ["Properties"],
        "Details": [` + strings.Join(details, ",") + `]
      }
    }`
}

func detail(name, recreation string) string {
	return `{"Target": {"Attribute": "Properties", "Name": "` + name + `", "RequiresRecreation": "` + recreation + `"}, "Evaluation": "Static", "ChangeSource": "DirectModification"}`
}

func TestReviewChangeSet(t *testing.T) {
	for _, tc := range []struct {
		name        string
		cs          []byte
		empty       bool
		destructive []string
		err         string
	}{
		{
			name: "in-place updates and additions need no confirmation",
			cs: changeSetJSON("CREATE_COMPLETE", "AVAILABLE", "",
				resourceChange("Modify", "PostgresInstance", "AWS::RDS::DBInstance", "False", "", detail("AllocatedStorage", "Never")),
				resourceChange("Add", "ProxyEndpoint", "AWS::SSM::Parameter", "", ""),
				resourceChange("Import", "Imported", "AWS::S3::Bucket", "", "")),
		},
		{
			name: "a replacement",
			cs: changeSetJSON("CREATE_COMPLETE", "AVAILABLE", "",
				resourceChange("Modify", "PostgresInstance", "AWS::RDS::DBInstance", "True", "ReplaceAndSnapshot", detail("DBName", "Always"), detail("AllocatedStorage", "Never"))),
			destructive: []string{"PostgresInstance (AWS::RDS::DBInstance): replaced (Replacement True) by Properties.DBName"},
		},
		{
			name: "a conditional replacement",
			cs: changeSetJSON("CREATE_COMPLETE", "AVAILABLE", "",
				resourceChange("Modify", "Cluster", "AWS::EKS::Cluster", "Conditional", "", detail("ResourcesVpcConfig", "Conditionally"))),
			destructive: []string{"Cluster (AWS::EKS::Cluster): may be replaced (Replacement Conditional) by Properties.ResourcesVpcConfig"},
		},
		{
			name: "a removal names its policy action",
			cs: changeSetJSON("CREATE_COMPLETE", "AVAILABLE", "",
				resourceChange("Remove", "FlowLogGroup", "AWS::Logs::LogGroup", "", "Delete")),
			destructive: []string{"FlowLogGroup (AWS::Logs::LogGroup): removed from the stack (policy action Delete)"},
		},
		{
			name: "a retained removal still needs confirmation",
			cs: changeSetJSON("CREATE_COMPLETE", "AVAILABLE", "",
				resourceChange("Remove", "Repository", "AWS::ECR::Repository", "", "Retain")),
			destructive: []string{"Repository (AWS::ECR::Repository): removed from the stack (policy action Retain)"},
		},
		{
			name: "an undeterminable action",
			cs: changeSetJSON("CREATE_COMPLETE", "AVAILABLE", "",
				resourceChange("Dynamic", "Thing", "AWS::CloudFormation::Stack", "", "")),
			destructive: []string{"Thing (AWS::CloudFormation::Stack): action Dynamic: CloudFormation cannot tell yet what happens to it"},
		},
		{
			name:  "an empty change set",
			cs:    changeSetJSON("FAILED", "UNAVAILABLE", "The submitted information didn't contain changes. Submit different information to create a change set."),
			empty: true,
		},
		{
			name: "a failed change set",
			cs:   changeSetJSON("FAILED", "UNAVAILABLE", "Template error: instance of Fn::GetAtt references undefined resource Nope"),
			err:  "change set shopstack-deploy of shopstack-prod-database failed: Template error",
		},
		{
			name: "a change set still being created",
			cs:   changeSetJSON("CREATE_IN_PROGRESS", "UNAVAILABLE", ""),
			err:  "is CREATE_IN_PROGRESS",
		},
		{
			name: "an obsolete change set",
			cs:   changeSetJSON("CREATE_COMPLETE", "OBSOLETE", ""),
			err:  "cannot be executed: ExecutionStatus OBSOLETE",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := ParseChangeSet(tc.cs)
			if err != nil {
				t.Fatal(err)
			}
			r, err := ReviewChangeSet(cs, nil, nil)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Empty != tc.empty {
				t.Errorf("Empty = %v, want %v", r.Empty, tc.empty)
			}
			var got []string
			for _, f := range r.Destructive {
				got = append(got, f.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.destructive, "\n") {
				t.Errorf("destructive:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.destructive, "\n"))
			}
			var out bytes.Buffer
			r.Print(&out)
			if !strings.Contains(out.String(), "shopstack-prod-database") {
				t.Errorf("the printed review does not name the stack:\n%s", out.String())
			}
			for _, d := range tc.destructive {
				if !strings.Contains(out.String(), d) {
					t.Errorf("the printed review lacks %q:\n%s", d, out.String())
				}
			}
		})
	}
}

func template(resources map[string]TemplateResource) Template {
	return Template{Resources: resources}
}

func TestPolicyWeakenings(t *testing.T) {
	db := func(deletion, replace any) TemplateResource {
		return TemplateResource{Type: "AWS::RDS::DBInstance", DeletionPolicy: deletion, UpdateReplacePolicy: replace, Properties: map[string]any{"DBInstanceIdentifier": "shopstack-prod"}}
	}
	secret := func(deletion, replace any) TemplateResource {
		return TemplateResource{Type: "AWS::SecretsManager::Secret", DeletionPolicy: deletion, UpdateReplacePolicy: replace}
	}
	fnIf := map[string]any{"Fn::If": []any{"IsProd", "Retain", "Delete"}}
	for _, tc := range []struct {
		name               string
		deployed, proposed TemplateResource
		want               string
	}{
		{name: "unchanged", deployed: secret("Retain", "Retain"), proposed: secret("Retain", "Retain")},
		{name: "stronger", deployed: secret("Delete", "Delete"), proposed: secret("Retain", "Retain")},
		{name: "Retain to Delete", deployed: secret("Retain", "Retain"), proposed: secret("Delete", "Retain"),
			want: "Secret (AWS::SecretsManager::Secret): DeletionPolicy weakened: Retain -> Delete"},
		{name: "UpdateReplacePolicy Retain to absent (Delete)", deployed: secret("Retain", "Retain"), proposed: secret("Retain", nil),
			want: "Secret (AWS::SecretsManager::Secret): UpdateReplacePolicy weakened: Retain -> Delete"},
		{name: "a DB instance without a policy defaults to Snapshot", deployed: db(nil, "Snapshot"), proposed: db("Delete", "Snapshot"),
			want: "Secret (AWS::RDS::DBInstance): DeletionPolicy weakened: Snapshot -> Delete"},
		{name: "Snapshot to the DB instance default is no change", deployed: db("Snapshot", "Snapshot"), proposed: db(nil, "Snapshot")},
		{name: "RetainExceptOnCreate is as strong as Retain for a deployed resource", deployed: secret("Retain", "Retain"), proposed: secret("RetainExceptOnCreate", "Retain")},
		{name: "a computed policy cannot be compared", deployed: secret("Retain", "Retain"), proposed: secret(fnIf, "Retain"),
			want: `Secret (AWS::SecretsManager::Secret): DeletionPolicy changed and cannot be compared: Retain -> {"Fn::If":["IsProd","Retain","Delete"]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PolicyWeakenings(
				template(map[string]TemplateResource{"Secret": tc.deployed, "OnlyDeployed": secret("Retain", "Retain")}),
				template(map[string]TemplateResource{"Secret": tc.proposed, "OnlyProposed": secret("Delete", "Delete")}))
			var s []string
			for _, f := range got {
				s = append(s, f.String())
			}
			if strings.Join(s, "\n") != tc.want {
				t.Errorf("got %q, want %q", s, tc.want)
			}
		})
	}
}

// A weakened policy makes a change set destructive even when every
// resource change is in place; an empty change set executes nothing, so
// the weakening is only a note there.
func TestReviewChangeSetWithTemplates(t *testing.T) {
	deployed := template(map[string]TemplateResource{"Secret": {Type: "AWS::SecretsManager::Secret", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain"}})
	proposed := template(map[string]TemplateResource{"Secret": {Type: "AWS::SecretsManager::Secret", DeletionPolicy: "Delete", UpdateReplacePolicy: "Delete"}})
	cs, _ := ParseChangeSet(changeSetJSON("CREATE_COMPLETE", "AVAILABLE", "", resourceChange("Modify", "Secret", "AWS::SecretsManager::Secret", "False", "", detail("Description", "Never"))))
	r, err := ReviewChangeSet(cs, &deployed, &proposed)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Destructive) != 2 {
		t.Errorf("destructive = %v, want both policies", r.Destructive)
	}
	cs, _ = ParseChangeSet(changeSetJSON("FAILED", "UNAVAILABLE", "No updates are to be performed."))
	r, err = ReviewChangeSet(cs, &deployed, &proposed)
	if err != nil || !r.Empty || len(r.Destructive) != 0 || len(r.Notes) != 2 {
		t.Errorf("empty change set: %+v, %v", r, err)
	}
}

func TestParseDeployedTemplate(t *testing.T) {
	body := `{"Resources":{"Repo":{"Type":"AWS::ECR::Repository","DeletionPolicy":"Retain"}}}`
	quoted, _ := json.Marshal(body)
	for name, data := range map[string]string{
		"decoded by the AWS CLI": `{"TemplateBody": ` + body + `, "StagesAvailable": ["Original", "Processed"]}`,
		"as the API returns it":  `{"TemplateBody": ` + string(quoted) + `, "StagesAvailable": ["Original", "Processed"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			tpl, err := ParseDeployedTemplate([]byte(data))
			if err != nil {
				t.Fatal(err)
			}
			if tpl.Resources["Repo"].DeletionPolicy != "Retain" {
				t.Errorf("resources = %+v", tpl.Resources)
			}
		})
	}
	yamlBody, _ := json.Marshal("Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n")
	if _, err := ParseDeployedTemplate([]byte(`{"TemplateBody": ` + string(yamlBody) + `}`)); err == nil {
		t.Error("a YAML TemplateBody was accepted")
	}
}
