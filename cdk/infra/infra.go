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
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
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
func Build(app awscdk.App, env platform.Environment) *Stacks {
	stackEnv := &awscdk.Environment{Account: jsii.String(env.Account), Region: jsii.String(env.Region)}
	stackTags := map[string]*string{}
	for k, v := range env.Tags {
		stackTags[k] = jsii.String(v)
	}
	newStack := func(part, description string) awscdk.Stack {
		st := awscdk.NewStack(app, jsii.String(env.StackName(part)), &awscdk.StackProps{
			Env:         stackEnv,
			Description: jsii.String("shopstack " + env.Name + ": " + description),
			// The CloudFormation stack's own tags (cdk deploy sets them; they
			// are not in the template). With @aws-cdk/core:explicitStackTags
			// the Tags_Of(stack) below reaches the resources only.
			Tags: &stackTags,
		})
		// The VPC checks its AZs against Stack.AvailabilityZones, which is a
		// context look-up (AWS credentials under the cdk CLI). The AZs come
		// from the config instead: synthesis never calls AWS.
		st.Node().SetContext(jsii.String(availabilityZonesContextKey(env)), jsii.Strings(env.AZNames()...))
		return st
	}
	prod := env.Name == platform.EnvProd
	// Dev may be torn down completely; prod keeps data and logs.
	removal := awscdk.RemovalPolicy_DESTROY
	dbRemoval := awscdk.RemovalPolicy_DESTROY
	if prod {
		removal = awscdk.RemovalPolicy_RETAIN
		dbRemoval = awscdk.RemovalPolicy_SNAPSHOT
	}

	s := &Stacks{
		Network:  newStack(NetworkStack, "VPC, subnets, NAT gateways, flow logs"),
		Edge:     newStack(EdgeStack, "hosted zone, TLS certificate, ECR repositories, SES identity"),
		Cluster:  newStack(ClusterStack, "EKS Auto Mode cluster"),
		Database: newStack(DatabaseStack, "RDS PostgreSQL"),
	}

	s.NetworkConstruct = NewNetwork(s.Network, "Network", &NetworkProps{
		Cidr:                 env.Network.CIDR,
		AvailabilityZones:    env.AZNames(),
		NatGateways:          env.Network.NATGateways,
		FlowLogRetentionDays: env.Network.FlowLogRetentionDays,
		RemovalPolicy:        removal,
	})

	s.EdgeConstruct = NewEdge(s.Edge, "Edge", &EdgeProps{
		HostedZoneID:       env.DNS.HostedZoneID,
		ZoneName:           env.DNS.ZoneName,
		Host:               env.DNS.Host,
		BackendRepository:  env.Images.BackendRepository,
		FrontendRepository: env.Images.FrontendRepository,
		RemovalPolicy:      removal,
	})
	s.Registry = NewPullThroughCache(s.Edge, "Registry", &PullThroughCacheProps{Upstreams: MirrorUpstreams(env), RemovalPolicy: removal})
	s.Mail = NewMail(s.Edge, "Mail", &MailProps{
		Zone:           s.EdgeConstruct.Zone,
		Domain:         env.DNS.Host,
		FromAddress:    env.SMTPFrom(),
		MailFromDomain: env.MailFromDomain(),
		SecretName:     env.Names.SMTPSecretName,
	})

	s.ClusterConstruct = NewCluster(s.Cluster, "Eks", &ClusterProps{
		Vpc:               s.NetworkConstruct.Vpc,
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
		// The nodes pull third-party images through the cache rules.
		PullThroughCachePrefixes: MirrorPrefixes(env),
	})
	s.ExternalDNS = NewPodIdentity(s.Cluster, "ExternalDns", &PodIdentityProps{
		ClusterName:    s.ClusterConstruct.Name(),
		Namespace:      env.Names.ExternalDNSNamespace,
		ServiceAccount: env.Names.ExternalDNSServiceAccount,
		Description:    "ExternalDNS: records in the storefront zone " + env.DNS.ZoneName + " only",
		Statements:     ExternalDNSStatements(env.DNS.HostedZoneID),
	})

	s.DatabaseConstruct = NewDatabase(s.Database, "Postgres", &DatabaseProps{
		Vpc:                   s.NetworkConstruct.Vpc,
		ClientSecurityGroupID: s.ClusterConstruct.SecurityGroupID(),
		Settings:              env.Database,
		SecretName:            env.Names.DatabaseSecretName,
		InstanceIdentifier:    "shopstack-" + env.Name,
		LogRetentionDays:      env.Cluster.LogRetentionDays,
		RemovalPolicy:         dbRemoval,
	})
	// The optional replica and proxy are constructs of their own, inside
	// the database's (their construct paths sit under "Postgres").
	if env.Database.ReadReplica {
		s.DatabaseReplica = NewDatabaseReadReplica(s.DatabaseConstruct.Construct, "Replica", &DatabaseReadReplicaProps{
			Source:                 s.DatabaseConstruct,
			InstanceIdentifier:     "shopstack-" + env.Name + "-replica",
			InstanceClass:          env.Database.InstanceClass,
			Vpc:                    s.NetworkConstruct.Vpc,
			Port:                   env.Database.Port,
			MaxAllocatedStorageGiB: env.Database.MaxAllocatedStorageGiB,
			DeletionProtection:     env.Database.DeletionProtection,
			RemovalPolicy:          dbRemoval,
		})
	}
	if env.Database.RDSProxy {
		s.DatabaseProxy = NewDatabaseProxy(s.DatabaseConstruct.Construct, "Proxy", &DatabaseProxyProps{
			Target:                s.DatabaseConstruct,
			Name:                  "shopstack-" + env.Name,
			Vpc:                   s.NetworkConstruct.Vpc,
			ClientSecurityGroupID: s.ClusterConstruct.SecurityGroupID(),
			Port:                  env.Database.Port,
			EndpointParameterName: env.Names.DatabaseProxyEndpointParameter,
		})
	}
	// The backend's association lives beside the secret it grants, so the
	// policy names the secret's real ARN and the stacks stay acyclic
	// (cluster -> database only).
	backendReads := "the database secret " + env.Names.DatabaseSecretName
	if env.Database.RDSProxy {
		// The backend connects through the proxy, whose endpoint it reads
		// from this parameter.
		backendReads += ", the proxy endpoint parameter " + env.Names.DatabaseProxyEndpointParameter
	}
	// It sends mail with the SES access key in this secret.
	backendReads += " and the SMTP secret " + env.Names.SMTPSecretName
	s.Backend = NewPodIdentity(s.Database, "BackendIdentity", &PodIdentityProps{
		ClusterName:    s.ClusterConstruct.Name(),
		Namespace:      env.Names.Namespace,
		ServiceAccount: env.Names.BackendServiceAccount,
		Description:    "storefront backend: reads " + backendReads + " only",
		Statements: append(append(s.DatabaseConstruct.SecretReadStatements(), s.DatabaseProxy.EndpointReadStatements()...),
			s.Mail.SecretReadStatements()...),
	})

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

	suppress(s, env)
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

// availabilityZonesContextKey is the key under which the CDK's
// availability-zones context provider caches an account's AZs.
func availabilityZonesContextKey(env platform.Environment) string {
	return "availability-zones:account=" + env.Account + ":region=" + env.Region
}
