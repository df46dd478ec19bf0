// Package infra holds shopstack's AWS CDK constructs and the stacks of one
// environment:
//
//	network   VPC, subnets, NAT, flow logs
//	edge      hosted zone (imported), certificate, ECR repositories, pull-through cache rules,
//	          SES identity (DKIM, MAIL FROM) with its sending user and SMTP secret
//	cluster   EKS Auto Mode cluster, roles, KMS key, access entries, add-ons, ExternalDNS Pod Identity
//	database  RDS PostgreSQL, its secret, the backend's Pod Identity
//
// Deploy order: network and edge (independent), then cluster, then database.
// The cluster stack imports the private subnets from network; the database
// stack imports the VPC and isolated subnets from network, the cluster
// name and security group from cluster, and the SMTP secret's ARN from edge
// (the backend's Pod Identity reads it).
package infra

import (
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/shopstack/shopstack/platform"
)

// Stack name parts: env.StackName(part) is the CloudFormation stack name.
const (
	NetworkStack  = "network"
	EdgeStack     = "edge"
	ClusterStack  = "cluster"
	DatabaseStack = "database"
)

// Stacks are the CloudFormation stacks of one environment and the constructs
// in them.
type Stacks struct {
	Network  awscdk.Stack
	Edge     awscdk.Stack
	Cluster  awscdk.Stack
	Database awscdk.Stack

	NetworkConstruct  *Network
	EdgeConstruct     *Edge
	ClusterConstruct  *Cluster
	DatabaseConstruct *Database
	// DatabaseReplica and DatabaseProxy are nil unless Database.ReadReplica
	// and Database.RDSProxy.
	DatabaseReplica awsrds.DatabaseInstanceReadReplica
	DatabaseProxy   *DatabaseProxy
	// ExternalDNS and Backend are the Pod Identity roles and associations.
	ExternalDNS *PodIdentity
	Backend     *PodIdentity
	// Registry caches the third-party images (edge stack).
	Registry *PullThroughCache
	// Mail is the storefront's SES identity and sending user (edge stack).
	Mail *Mail
}

// All returns the stacks in deploy order.
func (s *Stacks) All() []awscdk.Stack {
	return []awscdk.Stack{s.Network, s.Edge, s.Cluster, s.Database}
}

// Build adds the stacks of env to app. Every stack (the CloudFormation stack
// itself and every taggable resource in it) is tagged with env.Tags and checked by cdk-nag's AwsSolutions pack; findings are error annotations
// (which make `cdk synth` fail) unless suppressed with a reason in nag.go.
//
// Build is the one place that reads the environment: the functions below it
// map env to each construct's flat props (the constructs never see a
// platform type).
func Build(app awscdk.App, env platform.Environment) *Stacks {
	s := &Stacks{
		Network:  newStack(app, env, NetworkStack, "VPC, subnets, NAT gateways, flow logs"),
		Edge:     newStack(app, env, EdgeStack, "hosted zone, TLS certificate, ECR repositories, SES identity"),
		Cluster:  newStack(app, env, ClusterStack, "EKS Auto Mode cluster"),
		Database: newStack(app, env, DatabaseStack, "RDS PostgreSQL"),
	}
	removal, dbRemoval := removalPolicies(env)

	s.NetworkConstruct = NewNetwork(s.Network, "Network", networkProps(env, removal))
	vpc := s.NetworkConstruct.Vpc

	s.EdgeConstruct = NewEdge(s.Edge, "Edge", edgeProps(env, removal))
	s.Registry = NewPullThroughCache(s.Edge, "Registry", pullThroughCacheProps(env, removal))
	s.Mail = NewMail(s.Edge, "Mail", mailProps(env, s.EdgeConstruct.Zone))

	// The nodes pull third-party images through the cache rules.
	s.ClusterConstruct = NewCluster(s.Cluster, "Eks", clusterProps(env, vpc, s.Registry.Prefixes(), removal))
	s.ExternalDNS = NewPodIdentity(s.Cluster, "ExternalDns", externalDNSIdentityProps(env, s.ClusterConstruct.Name()))

	clients := s.ClusterConstruct.SecurityGroupID()
	s.DatabaseConstruct = NewDatabase(s.Database, "Postgres", databaseProps(env, vpc, clients, dbRemoval))
	// The optional replica and proxy are constructs of their own, inside
	// the database's (their construct paths sit under "Postgres").
	if env.Database.ReadReplica {
		s.DatabaseReplica = NewDatabaseReadReplica(s.DatabaseConstruct.Construct, "Replica", databaseReadReplicaProps(env, s.DatabaseConstruct, vpc, dbRemoval))
	}
	if env.Database.RDSProxy {
		s.DatabaseProxy = NewDatabaseProxy(s.DatabaseConstruct.Construct, "Proxy", databaseProxyProps(env, s.DatabaseConstruct, vpc, clients))
	}
	// The backend's association lives beside the secret it grants, so the
	// policy names the secret's real ARN and the stacks stay acyclic
	// (cluster -> database only).
	s.Backend = NewPodIdentity(s.Database, "BackendIdentity", backendIdentityProps(env, s))

	s.Cluster.AddDependency(s.Network, jsii.String("the cluster runs in the VPC's private subnets"))
	s.Database.AddDependency(s.Network, jsii.String("the database runs in the VPC's isolated subnets"))
	s.Database.AddDependency(s.Cluster, jsii.String("the database admits the cluster security group; the backend association names the cluster"))
	s.Database.AddDependency(s.Edge, jsii.String("the backend association reads the SMTP secret of the edge stack"))

	keys := make([]string, 0, len(env.Tags))
	for k := range env.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, st := range s.All() {
		for _, k := range keys {
			awscdk.Tags_Of(st).Add(jsii.String(k), jsii.String(env.Tags[k]), nil)
		}
	}

	suppress(s, env.Name)
	for _, st := range s.All() {
		awscdk.Aspects_Of(st).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{
			Verbose: jsii.Bool(true),
			// The findings are annotations (tests and `cdk synth` read them);
			// no CSV reports in the cloud assembly.
			Reports: jsii.Bool(false),
		}), nil)
	}
	return s
}

// newStack adds the stack env.StackName(part) to app.
func newStack(app awscdk.App, env platform.Environment, part, description string) awscdk.Stack {
	stackTags := map[string]*string{}
	for k, v := range env.Tags {
		stackTags[k] = jsii.String(v)
	}
	st := awscdk.NewStack(app, jsii.String(env.StackName(part)), &awscdk.StackProps{
		Env:         &awscdk.Environment{Account: jsii.String(env.Account), Region: jsii.String(env.Region)},
		Description: jsii.String("shopstack " + env.Name + ": " + description),
		// The CloudFormation stack's own tags (cdk deploy sets them; they
		// are not in the template). With @aws-cdk/core:explicitStackTags
		// the Tags_Of(stack) in Build reaches the resources only.
		Tags: &stackTags,
	})
	// The VPC checks its AZs against Stack.AvailabilityZones, which is a
	// context look-up (AWS credentials under the cdk CLI). The AZs come
	// from the config instead: synthesis never calls AWS.
	st.Node().SetContext(jsii.String(availabilityZonesContextKey(env.Account, env.Region)), jsii.Strings(env.AZNames()...))
	return st
}

// removalPolicies: dev may be torn down completely; prod keeps data and
// logs (removal for logs, keys and repositories; dbRemoval for the
// database, which leaves a final snapshot).
func removalPolicies(env platform.Environment) (removal, dbRemoval awscdk.RemovalPolicy) {
	if env.Name == platform.EnvProd {
		return awscdk.RemovalPolicy_RETAIN, awscdk.RemovalPolicy_SNAPSHOT
	}
	return awscdk.RemovalPolicy_DESTROY, awscdk.RemovalPolicy_DESTROY
}

func networkProps(env platform.Environment, removal awscdk.RemovalPolicy) *NetworkProps {
	return &NetworkProps{
		Cidr:                 env.Network.CIDR,
		AvailabilityZones:    env.AZNames(),
		NatGateways:          env.Network.NATGateways,
		FlowLogRetentionDays: env.Network.FlowLogRetentionDays,
		RemovalPolicy:        removal,
	}
}

func edgeProps(env platform.Environment, removal awscdk.RemovalPolicy) *EdgeProps {
	return &EdgeProps{
		HostedZoneID:       env.DNS.HostedZoneID,
		ZoneName:           env.DNS.ZoneName,
		Host:               env.DNS.Host,
		BackendRepository:  env.Images.BackendRepository,
		FrontendRepository: env.Images.FrontendRepository,
		RemovalPolicy:      removal,
	}
}

// pullThroughCacheProps: one rule per platform.Upstreams entry, under
// env.MirrorPrefix, the prefix the manifests' images name.
func pullThroughCacheProps(env platform.Environment, removal awscdk.RemovalPolicy) *PullThroughCacheProps {
	upstreams := make([]PullThroughCacheUpstream, len(platform.Upstreams))
	for i, u := range platform.Upstreams {
		upstreams[i] = PullThroughCacheUpstream{Prefix: env.MirrorPrefix(u), Registry: u.Registry, URL: u.URL}
	}
	return &PullThroughCacheProps{Upstreams: upstreams, RemovalPolicy: removal}
}

func mailProps(env platform.Environment, zone awsroute53.IHostedZone) *MailProps {
	return &MailProps{
		Zone:           zone,
		Domain:         env.DNS.Host,
		FromAddress:    env.SMTPFrom(),
		MailFromDomain: env.MailFromDomain(),
		SecretName:     env.Names.SMTPSecretName,
	}
}

func clusterProps(env platform.Environment, vpc awsec2.IVpc, cachePrefixes []string, removal awscdk.RemovalPolicy) *ClusterProps {
	return &ClusterProps{
		Vpc:               vpc,
		ClusterName:       env.Cluster.Name,
		KubernetesVersion: env.Cluster.KubernetesVersion,
		SupportType:       env.Cluster.SupportType,
		AdminRoleArns:     env.Cluster.AdminRoleARNs,
		PublicAccessCidrs: env.Cluster.PublicAccessCIDRs,
		LogRetentionDays:  env.Cluster.LogRetentionDays,
		// prod's cluster is protected like its database.
		DeletionProtection: env.Database.DeletionProtection,
		RemovalPolicy:      removal,
		// The storefront's IngressClassParams carry env.Tags (cdk8s/charts),
		// which Auto Mode may put on the ALB only with this permission.
		PropagateLoadBalancerTags: len(env.Tags) > 0,
		PullThroughCachePrefixes:  cachePrefixes,
	}
}

func externalDNSIdentityProps(env platform.Environment, clusterName *string) *PodIdentityProps {
	return &PodIdentityProps{
		ClusterName:    clusterName,
		Namespace:      env.Names.ExternalDNSNamespace,
		ServiceAccount: env.Names.ExternalDNSServiceAccount,
		Description:    "ExternalDNS: records in the storefront zone " + env.DNS.ZoneName + " only",
		Statements:     ExternalDNSStatements(env.DNS.HostedZoneID),
	}
}

func databaseProps(env platform.Environment, vpc awsec2.IVpc, clientSecurityGroupID *string, removal awscdk.RemovalPolicy) *DatabaseProps {
	d := env.Database
	return &DatabaseProps{
		Vpc:                    vpc,
		ClientSecurityGroupID:  clientSecurityGroupID,
		EngineVersion:          d.EngineVersion,
		InstanceClass:          d.InstanceClass,
		AllocatedStorageGiB:    d.AllocatedStorageGiB,
		MaxAllocatedStorageGiB: d.MaxAllocatedStorageGiB,
		BackupRetentionDays:    d.BackupRetentionDays,
		MultiAz:                d.MultiAZ,
		DeletionProtection:     d.DeletionProtection,
		DatabaseName:           d.DatabaseName,
		Username:               d.Username,
		Port:                   d.Port,
		SlowStatementMillis:    d.SlowStatementMillis,
		SecretName:             env.Names.DatabaseSecretName,
		InstanceIdentifier:     "shopstack-" + env.Name,
		LogRetentionDays:       env.Cluster.LogRetentionDays,
		RemovalPolicy:          removal,
	}
}

func databaseReadReplicaProps(env platform.Environment, source *Database, vpc awsec2.IVpc, removal awscdk.RemovalPolicy) *DatabaseReadReplicaProps {
	return &DatabaseReadReplicaProps{
		Source:                 source,
		InstanceIdentifier:     "shopstack-" + env.Name + "-replica",
		InstanceClass:          env.Database.InstanceClass,
		Vpc:                    vpc,
		Port:                   env.Database.Port,
		MaxAllocatedStorageGiB: env.Database.MaxAllocatedStorageGiB,
		DeletionProtection:     env.Database.DeletionProtection,
		RemovalPolicy:          removal,
	}
}

func databaseProxyProps(env platform.Environment, target *Database, vpc awsec2.IVpc, clientSecurityGroupID *string) *DatabaseProxyProps {
	return &DatabaseProxyProps{
		Target:                target,
		Name:                  "shopstack-" + env.Name,
		Vpc:                   vpc,
		ClientSecurityGroupID: clientSecurityGroupID,
		Port:                  env.Database.Port,
		EndpointParameterName: env.Names.DatabaseProxyEndpointParameter,
	}
}

// backendIdentityProps: the backend reads the database secret, the proxy
// endpoint parameter when there is a proxy (it connects through the proxy,
// whose endpoint it reads there) and the SMTP secret (it sends mail with
// the SES access key in it).
func backendIdentityProps(env platform.Environment, s *Stacks) *PodIdentityProps {
	reads := "the database secret " + env.Names.DatabaseSecretName
	if s.DatabaseProxy != nil {
		reads += ", the proxy endpoint parameter " + env.Names.DatabaseProxyEndpointParameter
	}
	reads += " and the SMTP secret " + env.Names.SMTPSecretName
	return &PodIdentityProps{
		ClusterName:    s.ClusterConstruct.Name(),
		Namespace:      env.Names.Namespace,
		ServiceAccount: env.Names.BackendServiceAccount,
		Description:    "storefront backend: reads " + reads + " only",
		Statements: append(append(s.DatabaseConstruct.SecretReadStatements(), s.DatabaseProxy.EndpointReadStatements()...),
			s.Mail.SecretReadStatements()...),
	}
}

// availabilityZonesContextKey is the key under which the CDK's
// availability-zones context provider caches an account's AZs.
func availabilityZonesContextKey(account, region string) string {
	return "availability-zones:account=" + account + ":region=" + region
}
