package preflight

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/internal/synth"
	"github.com/shopstack/shopstack/platform"
)

// Plan is what one environment's stacks will ask AWS for, read from their
// synthesized CloudFormation templates: the same templates `cdk deploy`
// sends, so the pre-flight checks what is deployed, not a copy of it.
type Plan struct {
	// Stacks are the CloudFormation stack names, sorted.
	Stacks []string
	// Names are the physical names the stacks create (infra.PhysicalNames
	// classifies where each resource type keeps its name).
	Names []Name
	// Database is the primary RDS instance; nil when there is none.
	Database *DatabasePlan
	// Cluster is the EKS cluster; nil when there is none.
	Cluster *ClusterPlan
	// Bootstrap is the CDK bootstrap version the templates require.
	Bootstrap Bootstrap
}

// Name is one physical name a stack creates.
type Name struct {
	// Type is the CloudFormation resource type, e.g. "AWS::ECR::Repository".
	Type string
	// Value is the name, e.g. "shopstack/dev/backend".
	Value string
	// Stack and LogicalID say which resource creates it.
	Stack, LogicalID string
}

// DatabasePlan is the AWS::RDS::DBInstance of the database stack.
type DatabasePlan struct {
	Engine        string // "postgres"
	EngineVersion string // "17" or "17.6"
	InstanceClass string // "db.t4g.medium"
	StorageType   string // "gp3"
	MultiAZ       bool
	// PerformanceInsights is EnablePerformanceInsights.
	PerformanceInsights bool
	// ReadReplica is true when a replica (an instance with
	// SourceDBInstanceIdentifier) of the same class is created too.
	ReadReplica bool
}

// ClusterPlan is the AWS::EKS::Cluster and its AWS::EKS::Addon resources.
type ClusterPlan struct {
	Version string
	Addons  []Addon
}

// Addon is one AWS::EKS::Addon; Version is "" when EKS picks the default.
type Addon struct {
	Name, Version string
}

// Bootstrap is what the templates' CheckBootstrapVersion rule demands: the
// SSM parameter the BootstrapVersion template parameter resolves from and the
// lowest version the rule accepts. The CDK's default synthesizer writes both
// into every template (dist/*/cloudformation: the parameter's default is
// /cdk-bootstrap/hnb659fds/version, the rule refuses "1" to "5" with "CDK
// bootstrap stack version 6 required"), and CloudFormation evaluates the
// rule before it creates anything. The bootstrap stack itself is "usually
// named CDKToolkit" (AWS CDK v2 Developer Guide, "Bootstrapping",
// https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping.html).
type Bootstrap struct {
	Parameter  string
	MinVersion int
}

// Synthesize synthesizes env's CloudFormation templates in-process, exactly
// as `go tool task synth` does (internal/synth.CloudFormation), into a
// temporary directory and reads the Plan from them.
func Synthesize(env platform.Environment) (Plan, error) {
	dir, err := os.MkdirTemp("", "shopstack-preflight-")
	if err != nil {
		return Plan{}, err
	}
	defer os.RemoveAll(dir)
	if err := synth.CloudFormation(dir, env); err != nil {
		return Plan{}, err
	}
	return ReadPlan(dir)
}

// cfnTemplate is the part of a CloudFormation template the plan reads.
type cfnTemplate struct {
	Parameters map[string]struct {
		Type    string
		Default any
	}
	Rules map[string]struct {
		Assertions []struct {
			Assert            any
			AssertDescription string
		}
	}
	Resources map[string]struct {
		Type       string
		Properties map[string]any
	}
}

// ReadPlan reads every <stack>.template.json in dir.
func ReadPlan(dir string) (Plan, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.template.json"))
	if err != nil {
		return Plan{}, err
	}
	if len(files) == 0 {
		return Plan{}, fmt.Errorf("preflight: no *.template.json in %s", dir)
	}
	sort.Strings(files)
	var p Plan
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return Plan{}, err
		}
		var tpl cfnTemplate
		if err := json.Unmarshal(data, &tpl); err != nil {
			return Plan{}, fmt.Errorf("preflight: %s: %w", f, err)
		}
		stack := strings.TrimSuffix(filepath.Base(f), ".template.json")
		p.Stacks = append(p.Stacks, stack)
		if err := p.add(stack, &tpl); err != nil {
			return Plan{}, fmt.Errorf("preflight: %s: %w", f, err)
		}
	}
	sort.Slice(p.Names, func(i, j int) bool {
		a, b := p.Names[i], p.Names[j]
		if a.Stack != b.Stack {
			return a.Stack < b.Stack
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Value < b.Value
	})
	return p, nil
}

func (p *Plan) add(stack string, tpl *cfnTemplate) error {
	if err := p.addBootstrap(tpl); err != nil {
		return err
	}
	ids := make([]string, 0, len(tpl.Resources))
	for id := range tpl.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var addons []Addon
	for _, id := range ids {
		r := tpl.Resources[id]
		pn, ok := infra.PhysicalNames[r.Type]
		if !ok {
			return fmt.Errorf("%s: resource type %s is not classified in infra.PhysicalNames (cdk/infra/physicalnames.go)", id, r.Type)
		}
		if pn.Property != "" {
			if v, set := r.Properties[pn.Property]; set {
				name, ok := v.(string)
				if !ok {
					return fmt.Errorf("%s: %s.%s is not a literal name: %v", id, r.Type, pn.Property, v)
				}
				p.Names = append(p.Names, Name{Type: r.Type, Value: name, Stack: stack, LogicalID: id})
			}
		}
		var err error
		switch r.Type {
		case "AWS::RDS::DBInstance":
			err = p.addDatabase(id, r.Properties)
		case "AWS::EKS::Cluster":
			if p.Cluster == nil {
				p.Cluster = &ClusterPlan{}
			}
			p.Cluster.Version, err = literal(r.Properties, "Version")
		case "AWS::EKS::Addon":
			var a Addon
			if a.Name, err = literal(r.Properties, "AddonName"); err == nil {
				a.Version, _ = r.Properties["AddonVersion"].(string)
				addons = append(addons, a)
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
	}
	if len(addons) > 0 {
		if p.Cluster == nil {
			p.Cluster = &ClusterPlan{}
		}
		p.Cluster.Addons = append(p.Cluster.Addons, addons...)
	}
	return nil
}

func (p *Plan) addDatabase(id string, props map[string]any) error {
	if _, replica := props["SourceDBInstanceIdentifier"]; replica {
		if p.Database == nil {
			p.Database = &DatabasePlan{}
		}
		p.Database.ReadReplica = true
		return nil
	}
	d := DatabasePlan{}
	var err error
	for field, dst := range map[string]*string{"Engine": &d.Engine, "EngineVersion": &d.EngineVersion, "DBInstanceClass": &d.InstanceClass} {
		if *dst, err = literal(props, field); err != nil {
			return err
		}
	}
	d.StorageType, _ = props["StorageType"].(string)
	d.MultiAZ, _ = props["MultiAZ"].(bool)
	d.PerformanceInsights, _ = props["EnablePerformanceInsights"].(bool)
	if p.Database != nil {
		if p.Database.Engine != "" {
			return fmt.Errorf("a second primary AWS::RDS::DBInstance: the pre-flight checks one")
		}
		d.ReadReplica = p.Database.ReadReplica
	}
	p.Database = &d
	return nil
}

// addBootstrap reads the CDK's CheckBootstrapVersion rule:
//
//	"Assert": {"Fn::Not": [{"Fn::Contains": [["1", ..., "5"], {"Ref": "BootstrapVersion"}]}]}
//
// refuses the listed versions, so the lowest accepted one is the largest
// listed plus one.
func (p *Plan) addBootstrap(tpl *cfnTemplate) error {
	rule, ok := tpl.Rules["CheckBootstrapVersion"]
	if !ok {
		return nil
	}
	param, ok := tpl.Parameters["BootstrapVersion"].Default.(string)
	if !ok {
		return fmt.Errorf("rule CheckBootstrapVersion without a BootstrapVersion parameter default")
	}
	for _, a := range rule.Assertions {
		refused, err := refusedBootstrapVersions(a.Assert)
		if err != nil {
			return fmt.Errorf("rule CheckBootstrapVersion (%q): %w", a.AssertDescription, err)
		}
		for _, v := range refused {
			if v+1 > p.Bootstrap.MinVersion {
				p.Bootstrap.MinVersion = v + 1
			}
		}
	}
	if p.Bootstrap.Parameter != "" && p.Bootstrap.Parameter != param {
		return fmt.Errorf("BootstrapVersion parameter %q differs from another template's %q", param, p.Bootstrap.Parameter)
	}
	p.Bootstrap.Parameter = param
	return nil
}

func refusedBootstrapVersions(assert any) ([]int, error) {
	bad := fmt.Errorf("not the CDK's Fn::Not/Fn::Contains form: %v", assert)
	outer, _ := assert.(map[string]any)
	not, ok := outer["Fn::Not"].([]any)
	if !ok || len(not) != 1 {
		return nil, bad
	}
	inner, _ := not[0].(map[string]any)
	contains, ok := inner["Fn::Contains"].([]any)
	if !ok || len(contains) != 2 {
		return nil, bad
	}
	list, ok := contains[0].([]any)
	if !ok {
		return nil, bad
	}
	var out []int
	for _, v := range list {
		s, _ := v.(string)
		var n int
		if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
			return nil, bad
		}
		out = append(out, n)
	}
	return out, nil
}

func literal(props map[string]any, field string) (string, error) {
	v, ok := props[field].(string)
	if !ok {
		return "", fmt.Errorf("%s is not a literal string: %v", field, props[field])
	}
	return v, nil
}
