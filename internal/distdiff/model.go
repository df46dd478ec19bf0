package distdiff

// The review report: what a change of dist/ does, per environment, layer and
// resource, with the findings a reviewer must not miss. The CloudFormation
// side is computed with the AWS CDK's own diff engine and resource database
// (cfn*.go), the Kubernetes side with a structural YAML diff (k8s*.go); the
// renderers (render*.go) turn one Review into a terminal view, Markdown for a
// pull request comment, or JSON.

// Severity ranks a finding.
type Severity string

const (
	// Info is context a reviewer may want (a note, a stateful banner).
	Info Severity = "info"
	// Warning needs a reviewer's attention but is not destructive by itself.
	Warning Severity = "warning"
	// Danger loses or replaces something, or cannot deploy: `task diff
	// STRICT=1` exits non-zero when a report holds one.
	Danger Severity = "danger"
)

// Finding codes. Each finding carries one, so tests and machines match on the
// code and people read the message.
const (
	// CloudFormation.
	CodeReplace                = "replace"                  // will be replaced (causesReplacement: yes)
	CodeMayReplace             = "may-replace"              // may be replaced (causesReplacement: maybe)
	CodeReplacedByReference    = "replaced-by-reference"    // replaced because a resource it references is
	CodeDelete                 = "delete"                   // removed and deleted
	CodeOrphan                 = "orphan"                   // removed but kept (Retain / Snapshot)
	CodeDeletionPolicyWeakened = "deletion-policy-weakened" // DeletionPolicy or UpdateReplacePolicy weaker
	CodeExportInUse            = "export-in-use"            // an Output/export another stack imports removed or changed
	CodeCustomNameReplace      = "custom-name-replace"      // a custom-named resource must be replaced: CloudFormation refuses
	CodeEngineMajor            = "engine-major"             // an engine major version change without AllowMajorVersionUpgrade
	CodeSecretRegenerated      = "secret-regenerated"       // a secret's GenerateSecretString changes: a new value, attachment keys lost
	CodeStateful               = "stateful"                 // a stateful resource changes (banner)
	CodeIAM                    = "iam"                      // IAM statements change (table)
	CodeSecurityGroup          = "security-group"           // security group rules change (table)
	// Kubernetes.
	CodeImmutableField       = "immutable-field"       // a field the API server refuses to change
	CodeNetworkPolicyBroaden = "networkpolicy-broaden" // a NetworkPolicy admits more than before
	CodeRBACBroaden          = "rbac-broaden"          // a Role/ClusterRole grants more than before
	CodePodSecurityWeakened  = "podsecurity-weakened"  // a namespace's pod-security label weakened
	CodeNotPruned            = "not-pruned"            // a removed object stays in the cluster (kubectl apply does not prune)
)

// Finding is one thing a reviewer must see about a resource.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
}

// FieldChange is one changed value, at a path inside the resource:
// "Properties.Port", "DeletionPolicy", "spec.maxReplicas",
// "data.rules.yaml: groups[name=shop].rules[alert=HighErrorRate].expr". Old and New are
// rendered for people ("" for absent); Old is "" for an added field and New
// for a removed one.
type FieldChange struct {
	Path string `json:"path"`
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
}

// Table is a tabular view of a change (IAM statements, security group
// rules), as `cdk diff` prints them.
type Table struct {
	Title  string     `json:"title"`
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
}

// ResourceDiff is one CloudFormation resource (or Output) or one Kubernetes
// object that differs between the two trees.
type ResourceDiff struct {
	Env   string `json:"env"`
	Layer string `json:"layer"` // "cloudformation" or "k8s"
	// File is the file under dist/<env>/<layer>/.
	File string `json:"file"`
	// Stack is the CloudFormation stack name (cloudformation only).
	Stack string `json:"stack,omitempty"`
	// ID is the logical id (cloudformation) or kind/namespace/name (k8s).
	ID string `json:"id"`
	// Type is the CloudFormation resource type or apiVersion/kind.
	Type     string        `json:"type"`
	Action   Action        `json:"action"`
	Fields   []FieldChange `json:"fields,omitempty"`
	Findings []Finding     `json:"findings,omitempty"`
	Tables   []Table       `json:"tables,omitempty"`
}

// Review is the whole report on one change.
type Review struct {
	// Base is the git revision compared against.
	Base      string         `json:"base"`
	Resources []ResourceDiff `json:"resources"`
}

// Dangerous lists the Danger findings, "env/layer/id: message" each.
func (r Review) Dangerous() []string {
	var out []string
	for _, res := range r.Resources {
		for _, f := range res.Findings {
			if f.Severity == Danger {
				out = append(out, res.Env+"/"+res.Layer+"/"+res.ID+": "+f.Message)
			}
		}
	}
	return out
}
