// Package infra holds shopstack's AWS CDK constructs: one set of stacks per
// environment (network, cluster, database, edge).
package infra

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/platform"
)

// Stacks are the CloudFormation stacks of one environment.
type Stacks struct {
	Network awscdk.Stack
}

// Build adds the stacks of env to app.
func Build(app awscdk.App, env platform.Environment) *Stacks {
	stackEnv := &awscdk.Environment{Account: jsii.String(env.Account), Region: jsii.String(env.Region)}
	network := awscdk.NewStack(app, jsii.String(env.StackName("network")), &awscdk.StackProps{Env: stackEnv})
	awsec2.NewVpc(network, jsii.String("Vpc"), &awsec2.VpcProps{
		IpAddresses:                  awsec2.IpAddresses_Cidr(jsii.String(env.Network.CIDR)),
		AvailabilityZones:            jsii.Strings(env.AZNames()...),
		NatGateways:                  jsii.Number(float64(env.Network.NATGateways)),
		RestrictDefaultSecurityGroup: jsii.Bool(false),
	})
	return &Stacks{Network: network}
}
