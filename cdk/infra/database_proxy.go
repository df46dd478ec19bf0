package infra

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// rdsProxyPostgresPort is the port RDS Proxy listens on for PostgreSQL.
const rdsProxyPostgresPort = 5432

// DatabaseProxyProps configure an RDS Proxy in front of a Database.
type DatabaseProxyProps struct {
	// Target is the database the proxy connects to, with its secret.
	// Required.
	Target *Database
	// Name is the proxy's name (DBProxyName). Required.
	Name string
	// Vpc holds the proxy in its isolated subnets. Required.
	Vpc awsec2.IVpc
	// ClientSecurityGroupID is the one security group allowed to connect
	// (the EKS cluster security group). Required.
	ClientSecurityGroupID *string
	// Port is the database's port; it must be 5432, the only port RDS
	// Proxy listens on for PostgreSQL. Required.
	Port int
	// EndpointParameterName is the SSM Parameter Store parameter (a fully
	// qualified name, "/...") the proxy's endpoint is written into; the
	// backend reads it by this name. Required.
	EndpointParameterName string
}

// DatabaseProxy is an RDS Proxy that requires TLS, its security group
// (reachable from the client security group only) and the parameter that
// tells the backend its endpoint.
type DatabaseProxy struct {
	constructs.Construct
	Proxy             awsrds.DatabaseProxy
	SecurityGroup     awsec2.SecurityGroup
	EndpointParameter awsssm.StringParameter

	endpointParameterName string
}

// NewDatabaseProxy creates a DatabaseProxy. Construct ids: "SecurityGroup",
// "Proxy", "Endpoint". It panics on nil or invalid props, naming its
// path and the field.
func NewDatabaseProxy(scope constructs.Construct, id string, props *DatabaseProxyProps) *DatabaseProxy {
	p := resolveProps(scope, id, props)
	c := constructs.NewConstruct(scope, jsii.String(id))
	port := awsec2.Port_Tcp(jsii.Number(float64(p.Port)))
	sg := awsec2.NewSecurityGroup(c, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              p.Vpc,
		Description:      jsii.String("RDS Proxy of " + p.Name + ": reachable from the EKS cluster security group only"),
		AllowAllOutbound: jsii.Bool(true),
	})
	sg.AddIngressRule(awsec2.Peer_SecurityGroupId(p.ClientSecurityGroupID, nil), port, jsii.String("PostgreSQL from the EKS cluster security group"), nil)
	// The proxy target opens the database's port to sg itself.
	proxy := awsrds.NewDatabaseProxy(c, jsii.String("Proxy"), &awsrds.DatabaseProxyProps{
		DbProxyName:    jsii.String(p.Name),
		ProxyTarget:    awsrds.ProxyTarget_FromInstance(p.Target.Instance),
		Secrets:        &[]awssecretsmanager.ISecret{p.Target.Instance.Secret()},
		Vpc:            p.Vpc,
		VpcSubnets:     &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		SecurityGroups: &[]awsec2.ISecurityGroup{sg},
		RequireTLS:     jsii.Bool(true),
		IamAuth:        jsii.Bool(false),
	})
	// The proxy's endpoint exists only after deploy, and nothing deployed
	// may need such a value: the stack writes it into a parameter whose
	// name platform fixes, and the backend reads it there
	// (EndpointReadStatements) and connects to it instead of the secret's
	// host, which is the instance's. Value: the DBProxy's Endpoint
	// attribute, "The endpoint that you can use to connect to the DB proxy"
	// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbproxy.html#aws-resource-rds-dbproxy-return-values).
	param := awsssm.NewStringParameter(c, jsii.String("Endpoint"), &awsssm.StringParameterProps{
		ParameterName: jsii.String(p.EndpointParameterName),
		StringValue:   proxy.Endpoint(),
		Description:   jsii.String("RDS Proxy endpoint of " + p.Name + ": the backend connects here"),
		Tier:          awsssm.ParameterTier_STANDARD,
	})
	return &DatabaseProxy{Construct: c, Proxy: proxy, SecurityGroup: sg, EndpointParameter: param, endpointParameterName: p.EndpointParameterName}
}

// withDefaults: DatabaseProxyProps has no optional field.
func (p DatabaseProxyProps) withDefaults() DatabaseProxyProps { return p }

func (p DatabaseProxyProps) validate() error {
	switch {
	case p.Target == nil:
		return fmt.Errorf("DatabaseProxyProps.Target = nil: want the Database the proxy connects to")
	case p.Name == "":
		return fmt.Errorf("DatabaseProxyProps.Name = %q: want the proxy's name", p.Name)
	case p.Vpc == nil:
		return fmt.Errorf("DatabaseProxyProps.Vpc = nil: want the database's VPC")
	case p.ClientSecurityGroupID == nil:
		return fmt.Errorf("DatabaseProxyProps.ClientSecurityGroupID = nil: want the EKS cluster security group id")
	case !strings.HasPrefix(p.EndpointParameterName, "/"):
		return fmt.Errorf("DatabaseProxyProps.EndpointParameterName = %q: want a fully qualified SSM parameter name (\"/...\")", p.EndpointParameterName)
	case p.Port != rdsProxyPostgresPort:
		// "Currently, all proxies listen on port 5432 for PostgreSQL"
		// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.html,
		// additional limitations for RDS for PostgreSQL). The backend
		// connects to the proxy on the secret's port, and the proxy's
		// security group and the NetworkPolicies open that port.
		return fmt.Errorf("DatabaseProxyProps.Port = %d: want %d, the only port RDS Proxy listens on for PostgreSQL", p.Port, rdsProxyPostgresPort)
	}
	return nil
}

// EndpointReadStatements let a principal read the endpoint parameter and
// nothing else: ssm:GetParameter on that parameter's ARN,
// "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}"
// (Service Authorization Reference, AWS Systems Manager, resource type
// parameter: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html).
// None on a nil proxy (the app built none).
func (d *DatabaseProxy) EndpointReadStatements() []awsiam.PolicyStatement {
	if d == nil {
		return nil
	}
	arn := awscdk.Stack_Of(d.Construct).FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("ssm"),
		Resource:     jsii.String("parameter"),
		ResourceName: jsii.String(strings.TrimPrefix(d.endpointParameterName, "/")),
		ArnFormat:    awscdk.ArnFormat_SLASH_RESOURCE_NAME,
	})
	return []awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadDatabaseProxyEndpoint"),
		Actions:   jsii.Strings("ssm:GetParameter"),
		Resources: jsii.Strings(*arn),
	})}
}
