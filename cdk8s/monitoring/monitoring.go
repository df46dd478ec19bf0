// Package monitoring holds the observability charts: Prometheus,
// AlertManager, Grafana and the exporters their dashboards need.
package monitoring

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2"

	"github.com/shopstack/shopstack/platform"
)

// Build adds the monitoring charts of env to app.
func Build(app cdk8s.App, env platform.Environment) {
	chart := cdk8s.NewChart(app, jsii.String("monitoring"), &cdk8s.ChartProps{DisableResourceNameHashes: jsii.Bool(true)})
	cdk8splus30.NewNamespace(chart, jsii.String("namespace"), &cdk8splus30.NamespaceProps{
		Metadata: &cdk8s.ApiObjectMetadata{Name: jsii.String(env.Names.MonitoringNamespace)},
	})
}
