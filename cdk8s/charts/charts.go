// Package charts holds shopstack's cdk8s charts: everything the storefront
// runs on the EKS cluster except monitoring (cdk8s/monitoring).
//
// Objects are written with the typed L1 classes of cdk8s-plus-30
// (cdk8splus30/v2/k8s) rather than its L2 constructs: the storefront needs
// fields the L2 API does not expose (the preStop sleep action, HPA scaling
// policies, topology spread with matchLabelKeys, PDB eviction policy), and
// the L1 objects render exactly the fields written here, with no generated
// labels or names. Every chart disables name hashes: every name is explicit.
//
// Build writes one file per chart (see docs/kubernetes.md for the order in
// which to apply them):
//
//	cluster.k8s.yaml       cluster-wide: the storefront's Auto Mode NodePool, the network policy controller switch
//	shop-base.k8s.yaml     namespace, LimitRange, ResourceQuota, backend ServiceAccount, NetworkPolicies (the purge pods' too)
//	shop-migrate.k8s.yaml  the migration Job of this release
//	shop.k8s.yaml          backend and frontend workloads, the ALB ingress, the purge CronJob
//	external-dns.k8s.yaml  ExternalDNS in its own namespace
package charts

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// Chart ids, which are also the file names (<id>.k8s.yaml).
const (
	ChartCluster     = "cluster"
	ChartBase        = "shop-base"
	ChartMigrate     = "shop-migrate"
	ChartStorefront  = "shop"
	ChartExternalDNS = "external-dns"
)

// Names of cluster objects that only this package refers to.
const (
	// NodePoolName is the storefront's NodePool; its pods select it.
	NodePoolName = "storefront"
	// IngressClassName names the IngressClass and its IngressClassParams.
	IngressClassName = "storefront-alb"
	// IngressName is the storefront's Ingress.
	IngressName = "storefront"
)

// Build adds the charts of env to app. It panics, before adding anything,
// when the NodePool limits cannot hold the storefront at its peak (see
// CheckCapacity): such a config would deploy and then fail to scale.
func Build(app cdk8s.App, env platform.Environment) {
	if err := CheckCapacity(env); err != nil {
		panic(err)
	}
	chart := func(id string) cdk8s.Chart {
		return cdk8s.NewChart(app, jsii.String(id), &cdk8s.ChartProps{DisableResourceNameHashes: jsii.Bool(true)})
	}
	onPool := storefrontPool()

	cluster := chart(ChartCluster)
	NewNodePool(cluster, "nodepool", &NodePoolProps{Name: NodePoolName, Config: env.NodePool})
	NewNetworkPolicyController(cluster, "network-policy-controller")

	// The storefront's workloads are built first (into their chart) so that
	// the NetworkPolicies of the base chart can select exactly their pods.
	shop := chart(ChartStorefront)
	backend := NewBackend(shop, "backend", &BackendProps{Env: env, NodeSelector: onPool})
	frontend := NewFrontend(shop, "frontend", &FrontendProps{Env: env, NodeSelector: onPool})
	NewStorefrontIngress(shop, "ingress", &StorefrontIngressProps{
		ClassName: IngressClassName, IngressName: IngressName,
		Namespace: env.Names.Namespace,
		Host:      env.DNS.Host,
		Routes: []IngressRoute{
			// The crawler files are the backend's (generated from the
			// catalog); exact paths, so the frontend keeps everything else.
			{PathPrefix: contract.PathRobots, Exact: true, ServiceName: env.Names.Backend, ServicePort: backend.Props.PortName},
			{PathPrefix: contract.PathSitemap, Exact: true, ServiceName: env.Names.Backend, ServicePort: backend.Props.PortName},
			{PathPrefix: contract.APIPrefix, ServiceName: env.Names.Backend, ServicePort: backend.Props.PortName},
			{PathPrefix: "/", ServiceName: env.Names.Frontend, ServicePort: frontend.Props.PortName},
		},
		DeregistrationDelaySeconds: BackendPreStopSleepSeconds + BackendShutdownTimeoutSeconds,
		Tags:                       env.Tags,
	})

	base := chart(ChartBase)
	NewNamespace(base, "namespace", &NamespaceProps{
		Name:       env.Names.Namespace,
		Containers: containerDefaults(env),
		Quota:      storefrontQuota(env),
	})
	NewStorefrontNetworkPolicies(base, "network-policies", &StorefrontNetworkPoliciesProps{
		Namespace: env.Names.Namespace, VPCCIDR: env.Network.CIDR,
		Backend: backend, Frontend: frontend,
		BackendNames:        []string{env.Names.Backend, MigrationName(env)},
		DatabasePort:        env.Database.Port,
		SMTPPort:            platform.SMTPPort,
		MonitoringNamespace: env.Names.MonitoringNamespace,
	})
	// The backend's ServiceAccount lives with the namespace so that it
	// exists before the migration Job, which runs under it too.
	NewServiceAccount(base, "backend-service-account", &ServiceAccountProps{
		Name: env.Names.BackendServiceAccount, Namespace: env.Names.Namespace,
	})

	// The purge pods' own egress (the same flows as the migration Job's).
	NewPurgeNetworkPolicy(base, "purge-network-policy", &PurgeNetworkPolicyProps{
		Env: env, VPCCIDR: env.Network.CIDR, DatabasePort: env.Database.Port,
	})

	NewMigrationJob(chart(ChartMigrate), "migration", &MigrationJobProps{Env: env, NodeSelector: onPool})

	// The daily `server purge`, applied with the release it belongs to
	// (after the migration Job, like the backend).
	NewPurgeCronJob(shop, "purge", &PurgeCronJobProps{Env: env, NodeSelector: onPool})

	NewExternalDNS(chart(ChartExternalDNS), "external-dns", &ExternalDNSProps{
		Namespace:           env.Names.ExternalDNSNamespace,
		ServiceAccount:      env.Names.ExternalDNSServiceAccount,
		ZoneName:            env.DNS.ZoneName,
		HostedZoneID:        env.DNS.HostedZoneID,
		OwnerID:             env.Cluster.Name,
		Region:              env.Region,
		VPCCIDR:             env.Network.CIDR,
		MonitoringNamespace: env.Names.MonitoringNamespace,
		Image:               env.MirroredImage(ExternalDNSImage),
	})
}
