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
	"fmt"

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

// nodePoolID is the NodePool's construct id in the cluster chart.
const nodePoolID = "nodepool"

// Build adds the charts of env to app. It panics, before adding anything,
// when the NodePool limits cannot hold the storefront at its peak (see
// CheckCapacity): such a config would deploy and then fail to scale.
//
// Build (with its steps buildCluster, buildStorefront, buildBase and the
// xxxProps functions below them, all in this file) is the one place that
// maps the environment into props: every construct gets flat, typed values
// (names, namespace, images, sizes, env vars), never the
// platform.Environment. The capacity plan and MigrationJobName read the
// same xxxProps functions, so they count and name what Build renders.
func Build(app cdk8s.App, env platform.Environment) {
	if err := CheckCapacity(env); err != nil {
		// The NodePool's limits are short: name it, as every panic of the
		// package names its construct's path.
		panic(fmt.Errorf("%s/%s: %w", ChartCluster, nodePoolID, err))
	}
	chart := func(id string) cdk8s.Chart {
		return cdk8s.NewChart(app, jsii.String(id), &cdk8s.ChartProps{DisableResourceNameHashes: jsii.Bool(true)})
	}
	buildCluster(chart(ChartCluster), env)
	// The storefront's workloads are built first (into their chart) so that
	// the NetworkPolicies of the base chart can select exactly their pods.
	backend, frontend := buildStorefront(chart(ChartStorefront), env)
	buildBase(chart(ChartBase), env, backend, frontend)
	NewMigrationJob(chart(ChartMigrate), "migration", migrationJobProps(env))
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

// buildCluster: the storefront's NodePool and the network policy
// controller switch.
func buildCluster(cluster cdk8s.Chart, env platform.Environment) {
	NewNodePool(cluster, nodePoolID, &NodePoolProps{
		Name:          NodePoolName,
		CapacityTypes: env.NodePool.CapacityTypes,
		CPULimit:      env.NodePool.CPULimit, MemoryLimitGiB: env.NodePool.MemoryLimitGiB,
		ConsolidateAfter: env.NodePool.ConsolidateAfter,
	})
	NewNetworkPolicyController(cluster, "network-policy-controller")
}

// buildStorefront: the backend and frontend workloads, the ALB in front
// of them, and the daily `server purge`, applied with the release it
// belongs to (after the migration Job, like the backend).
func buildStorefront(shop cdk8s.Chart, env platform.Environment) (backend, frontend *HTTPWorkload) {
	backend = NewBackend(shop, "backend", backendProps(env))
	frontend = NewFrontend(shop, "frontend", frontendProps(env))
	NewStorefrontIngress(shop, "ingress", &StorefrontIngressProps{
		ClassName: IngressClassName, IngressName: IngressName,
		Namespace: env.Names.Namespace,
		Host:      env.DNS.Host,
		Routes: []IngressRoute{
			// The crawler files are the backend's (generated from the
			// catalog); exact paths, so the frontend keeps everything else.
			{PathPrefix: contract.PathRobots, Exact: true, ServiceName: backend.Name(), ServicePort: backend.PortName()},
			{PathPrefix: contract.PathSitemap, Exact: true, ServiceName: backend.Name(), ServicePort: backend.PortName()},
			{PathPrefix: contract.APIPrefix, ServiceName: backend.Name(), ServicePort: backend.PortName()},
			{PathPrefix: "/", ServiceName: frontend.Name(), ServicePort: frontend.PortName()},
		},
		DeregistrationDelaySeconds: BackendPreStopSleepSeconds + BackendShutdownTimeoutSeconds,
		Tags:                       env.Tags,
	})
	NewPurgeCronJob(shop, "purge", purgeCronJobProps(env))
	return backend, frontend
}

// buildBase: the namespace with its guard rails, the NetworkPolicies of
// the storefront's pods (backend and frontend, the migration Job's and the
// purge's), and the backend's ServiceAccount.
func buildBase(base cdk8s.Chart, env platform.Environment, backend, frontend *HTTPWorkload) {
	names := env.Names
	NewNamespace(base, "namespace", &NamespaceProps{
		Name:       names.Namespace,
		Containers: containerDefaults(env),
		Quota:      storefrontQuota(env),
	})
	NewStorefrontNetworkPolicies(base, "network-policies", &StorefrontNetworkPoliciesProps{
		Namespace: names.Namespace, VPCCIDR: env.Network.CIDR,
		Backend: backend, Frontend: frontend,
		BackendNames:        []string{backend.Name(), migrationJobProps(env).Name},
		DatabasePort:        env.Database.Port,
		SMTPPort:            platform.SMTPPort,
		MonitoringNamespace: names.MonitoringNamespace,
	})
	// The backend's ServiceAccount lives with the namespace so that it
	// exists before the migration Job, which runs under it too.
	NewServiceAccount(base, "backend-service-account", &ServiceAccountProps{
		Name: names.BackendServiceAccount, Namespace: names.Namespace,
	})
	// The purge pods reach what the migration Job reaches, and nothing
	// more; no ingress: the namespace's default deny keeps every connection
	// out, and the pods serve nothing.
	purge := purgeCronJobProps(env).Name
	NewNetworkPolicy(base, "purge-network-policy", &NetworkPolicyProps{
		Name: purge + "-egress", Namespace: names.Namespace,
		PodSelector: matchLabels(map[string]string{LabelName: purge}),
		Egress:      databaseClientEgress(env.Network.CIDR, env.Database.Port),
	})
}

// storefrontPool is the node selector of the storefront's pods.
func storefrontPool() map[string]string { return map[string]string{labelNodePool: NodePoolName} }

// backendPodProps are what every backend pod of env gets, its pods called
// name.
func backendPodProps(env platform.Environment, name string) BackendPodProps {
	p := BackendPodProps{
		Name:                 name,
		Namespace:            env.Names.Namespace,
		Image:                env.BackendImage(),
		Version:              env.Images.Tag,
		ServiceAccountName:   env.Names.BackendServiceAccount,
		Region:               env.Region,
		DatabaseSecretName:   env.Names.DatabaseSecretName,
		DatabasePoolMaxConns: env.Database.PoolMaxConns,
		NodeSelector:         storefrontPool(),
	}
	if env.Database.RDSProxy {
		p.DatabaseProxyEndpointParameter = env.Names.DatabaseProxyEndpointParameter
	}
	return p
}

// backendProps are the props of env's backend.
func backendProps(env platform.Environment) *BackendProps {
	return &BackendProps{
		BackendPodProps: backendPodProps(env, env.Names.Backend),
		Sizing:          env.Backend,
		SMTPHost:        env.SMTPHost(),
		SMTPPort:        platform.SMTPPort,
		SMTPFrom:        env.SMTPFrom(),
		SMTPSecretName:  env.Names.SMTPSecretName,
		PublicURL:       env.PublicURL(),
	}
}

// frontendProps are the props of env's frontend.
func frontendProps(env platform.Environment) *FrontendProps {
	return &FrontendProps{
		Name:          env.Names.Frontend,
		Namespace:     env.Names.Namespace,
		Image:         env.FrontendImage(),
		Version:       env.Images.Tag,
		Sizing:        env.Frontend,
		ExporterImage: env.MirroredImage(NginxExporterImage),
		NodeSelector:  storefrontPool(),
	}
}

// migrationJobProps are the props of env's migration Job: the backend's
// requests and limits, since it is the same binary with the same pool.
func migrationJobProps(env platform.Environment) *MigrationJobProps {
	return &MigrationJobProps{
		BackendPodProps: backendPodProps(env, MigrationName(env.Names.Backend)),
		Resources:       resourcesOf(env.Backend),
	}
}

// purgeCronJobProps are the props of env's purge CronJob (its resources
// are the default, the LimitRange's).
func purgeCronJobProps(env platform.Environment) *PurgeCronJobProps {
	return &PurgeCronJobProps{
		BackendPodProps: backendPodProps(env, PurgeName(env.Names.Backend)),
	}
}

// MigrationJobName is the name Build gives the migration Job of env (see
// MigrationJob.Name): "<backend>-migrate-<tag>-<hash>".
func MigrationJobName(env platform.Environment) string {
	// The name is a function of the rendered template, so render the Job
	// the way Build does, in a throwaway app that is never synthesized.
	chart := cdk8s.NewChart(cdk8s.NewApp(nil), str("migration-name"), nil)
	return NewMigrationJob(chart, "migration", migrationJobProps(env)).Name()
}
