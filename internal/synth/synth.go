// Package synth writes the whole platform into dist/: for every environment
// the CloudFormation templates of the AWS CDK app and the Kubernetes
// manifests of the cdk8s app, from one process and one jsii runtime.
package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/cdk8s/monitoring"
	"github.com/shopstack/shopstack/platform"
)

// Layout of dist/.
const (
	CloudFormationDir = "cloudformation"
	KubernetesDir     = "k8s"
)

// Run synthesizes envs into distDir/<env>/. The new tree is built next to
// distDir and swapped in only when every environment synthesized, so a
// failure never leaves a half-written dist/.
func Run(distDir string, envs []platform.Environment) error {
	parent := filepath.Dir(filepath.Clean(distDir))
	staging, err := os.MkdirTemp(parent, ".dist-staging-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	for _, env := range envs {
		if err := env.Validate(); err != nil {
			return err
		}
		if err := Environment(filepath.Join(staging, env.Name), env); err != nil {
			return fmt.Errorf("synth %s: %w", env.Name, err)
		}
	}
	old := distDir + ".old"
	_ = os.RemoveAll(old)
	if _, err := os.Stat(distDir); err == nil {
		if err := os.Rename(distDir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(staging, distDir); err != nil {
		return err
	}
	return os.RemoveAll(old)
}

// Environment synthesizes one environment into dir/cloudformation and dir/k8s.
func Environment(dir string, env platform.Environment) error {
	if err := CloudFormation(filepath.Join(dir, CloudFormationDir), env); err != nil {
		return err
	}
	return Kubernetes(filepath.Join(dir, KubernetesDir), env)
}

// CloudFormation synthesizes the CDK stacks of env and copies their
// templates (only the templates: the cloud assembly's manifest and tree hold
// absolute paths and are not for review) into dir.
func CloudFormation(dir string, env platform.Environment) error {
	assembly, err := os.MkdirTemp("", "shopstack-cdk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(assembly)
	app := infra.NewApp(assembly)
	infra.Build(app, env)
	app.Synth(nil)

	templates, err := filepath.Glob(filepath.Join(assembly, "*.template.json"))
	if err != nil {
		return err
	}
	if len(templates) == 0 {
		return fmt.Errorf("the CDK app produced no templates in %s", assembly)
	}
	sort.Strings(templates)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, t := range templates {
		data, err := os.ReadFile(t)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(t)), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Kubernetes synthesizes the cdk8s charts of env into dir, one file per chart.
func Kubernetes(dir string, env platform.Environment) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	app := cdk8s.NewApp(&cdk8s.AppProps{
		Outdir:         jsii.String(dir),
		YamlOutputType: cdk8s.YamlOutputType_FILE_PER_CHART,
	})
	charts.Build(app, env)
	monitoring.Build(app, env)
	app.Synth()
	return nil
}
