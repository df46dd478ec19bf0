package charts

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// ExternalDNSImage is the pinned ExternalDNS release, as published
// upstream; Build passes its pull-through cache copy
// (platform.Environment.MirroredImage) as ExternalDNSProps.Image.
const ExternalDNSImage = "registry.k8s.io/external-dns/external-dns:v0.19.0"

// ExternalDNS's metrics and health endpoint (--metrics-address default).
const (
	ExternalDNSPort       = 7979
	ExternalDNSHealthPath = "/healthz"
	// ExternalDNSUID is the distroless "nonroot" user of its image.
	ExternalDNSUID = 65532
)

// ExternalDNSProps configures ExternalDNS for one Route53 public zone.
type ExternalDNSProps struct {
	// Namespace and ServiceAccount are named by the Pod Identity association
	// that lets ExternalDNS change the zone's records. Required.
	Namespace, ServiceAccount string
	// ZoneName and HostedZoneID restrict ExternalDNS to the storefront's
	// zone. Required.
	ZoneName, HostedZoneID string
	// OwnerID marks the records this cluster owns (TXT registry). Required.
	OwnerID string
	// Region is the AWS region of the SDK calls. Required.
	Region string
	// VPCCIDR is where kubelet probes come from. Required.
	VPCCIDR string
	// MonitoringNamespace is where Prometheus runs. Required.
	MonitoringNamespace string
	// Image is the ExternalDNS image. Default: ExternalDNSImage.
	Image string
	// Interval between two synchronisations. Default: "1m".
	Interval string
}

// ExternalDNS is ExternalDNS and everything it needs in its own namespace.
type ExternalDNS struct {
	Namespace      *Namespace
	ServiceAccount k8s.KubeServiceAccount
	ClusterRole    k8s.KubeClusterRole
	Binding        k8s.KubeClusterRoleBinding
	Deployment     k8s.KubeDeployment
}

// NewExternalDNS adds ExternalDNS, which writes the storefront host's
// Route53 alias record from the Ingress' load balancer address. It may only
// create and update records (--policy=upsert-only) in one zone. It builds
// in named steps: the namespace and identity, addRBAC, the Deployment
// (deployment, container), addNetworkPolicies.
func NewExternalDNS(scope constructs.Construct, id string, props *ExternalDNSProps) *ExternalDNS {
	p := propsOf(scope, id, props)
	if err := required("ExternalDNSProps",
		field{"Namespace", p.Namespace == ""}, field{"ServiceAccount", p.ServiceAccount == ""}, field{"ZoneName", p.ZoneName == ""},
		field{"HostedZoneID", p.HostedZoneID == ""}, field{"OwnerID", p.OwnerID == ""}, field{"Region", p.Region == ""},
		field{"VPCCIDR", p.VPCCIDR == ""}, field{"MonitoringNamespace", p.MonitoringNamespace == ""},
	); err != nil {
		failAt(scope, id, err)
	}
	defaultTo(&p.Image, ExternalDNSImage)
	defaultTo(&p.Interval, "1m")
	c := constructs.NewConstruct(scope, str(id))
	e := &ExternalDNS{}
	e.Namespace = NewNamespace(c, "namespace", &NamespaceProps{Name: p.Namespace})
	e.ServiceAccount = NewServiceAccount(c, "service-account", &ServiceAccountProps{Name: p.ServiceAccount, Namespace: p.Namespace, AutomountToken: true})
	e.addRBAC(c, p)
	e.Deployment = k8s.NewKubeDeployment(c, str("deployment"), p.deployment())
	p.addNetworkPolicies(c)
	return e
}

// externalDNSSelector selects the ExternalDNS pod; externalDNSLabels are
// the labels of its objects.
var (
	externalDNSSelector = storefrontLabels(map[string]string{LabelName: "external-dns"})
	externalDNSLabels   = merge(externalDNSSelector, map[string]string{LabelComponent: "dns"})
)

// addRBAC lets ExternalDNS read the objects it takes host names and
// addresses from, cluster-wide.
func (e *ExternalDNS) addRBAC(c constructs.Construct, p ExternalDNSProps) {
	read := strs("get", "watch", "list")
	e.ClusterRole = k8s.NewKubeClusterRole(c, str("cluster-role"), &k8s.KubeClusterRoleProps{
		Metadata: &k8s.ObjectMeta{Name: str("external-dns"), Labels: stringMap(externalDNSLabels)},
		Rules: &[]*k8s.PolicyRule{
			{ApiGroups: strs(""), Resources: strs("services", "endpoints", "pods", "nodes"), Verbs: read},
			{ApiGroups: strs("networking.k8s.io"), Resources: strs("ingresses"), Verbs: read},
			{ApiGroups: strs("discovery.k8s.io"), Resources: strs("endpointslices"), Verbs: read},
		},
	})
	e.Binding = k8s.NewKubeClusterRoleBinding(c, str("cluster-role-binding"), &k8s.KubeClusterRoleBindingProps{
		Metadata: &k8s.ObjectMeta{Name: str("external-dns"), Labels: stringMap(externalDNSLabels)},
		RoleRef:  &k8s.RoleRef{ApiGroup: str("rbac.authorization.k8s.io"), Kind: str("ClusterRole"), Name: str("external-dns")},
		Subjects: &[]*k8s.Subject{{Kind: str("ServiceAccount"), Name: str(p.ServiceAccount), Namespace: str(p.Namespace)}},
	})
}

// deployment runs one ExternalDNS pod under the ServiceAccount, with an API
// token (it watches the API) and the restricted security context.
func (p ExternalDNSProps) deployment() *k8s.KubeDeploymentProps {
	vols, mounts := writableDirs(16, "/tmp")
	return &k8s.KubeDeploymentProps{
		Metadata: &k8s.ObjectMeta{Name: str("external-dns"), Namespace: str(p.Namespace), Labels: stringMap(externalDNSLabels)},
		Spec: &k8s.DeploymentSpec{
			// One writer: two instances would race on the TXT ownership records.
			Replicas:             num(1),
			Strategy:             &k8s.DeploymentStrategy{Type: str("Recreate")},
			RevisionHistoryLimit: num(3),
			Selector:             matchLabels(externalDNSSelector),
			Template: &k8s.PodTemplateSpec{
				Metadata: &k8s.ObjectMeta{
					Labels: stringMap(externalDNSLabels),
					Annotations: stringMap(map[string]string{
						"prometheus.io/scrape": "true",
						"prometheus.io/port":   fmt.Sprint(ExternalDNSPort),
						"prometheus.io/path":   "/metrics",
					}),
				},
				Spec: &k8s.PodSpec{
					ServiceAccountName:           str(p.ServiceAccount),
					AutomountServiceAccountToken: jsii.Bool(true), // it watches the API
					EnableServiceLinks:           jsii.Bool(false),
					SecurityContext:              restrictedPodSecurityContext(ExternalDNSUID),
					Volumes:                      &vols,
					Containers:                   &[]*k8s.Container{p.container(mounts)},
				},
			},
		},
	}
}

// container is ExternalDNS itself: one zone, upsert only, its health and
// metrics port probed.
func (p ExternalDNSProps) container(mounts []*k8s.VolumeMount) *k8s.Container {
	probe := func(period, failures int) *k8s.Probe {
		return httpGetProbe(ExternalDNSHealthPath, "http", ProbeTiming{PeriodSeconds: period, TimeoutSeconds: 2, FailureThreshold: failures})
	}
	c := restrictedContainer("external-dns", p.Image, ExternalDNSUID, Resources{CPURequestMilli: 50, MemoryRequestMiB: 64, CPULimitMilli: 100, MemoryLimitMiB: 128})
	c.Args = strs(
		"--source=ingress",
		"--provider=aws",
		"--registry=txt",
		"--txt-owner-id="+p.OwnerID,
		"--domain-filter="+p.ZoneName,
		"--zone-id-filter="+p.HostedZoneID,
		"--aws-zone-type=public",
		"--policy=upsert-only",
		"--interval="+p.Interval,
		"--log-format=json",
	)
	c.Env = envVars([]EnvVar{{Name: "AWS_REGION", Value: p.Region}, {Name: "AWS_DEFAULT_REGION", Value: p.Region}})
	c.Ports = tcpPort("http", ExternalDNSPort)
	c.StartupProbe = probe(2, 30)
	c.LivenessProbe = probe(10, 3)
	c.ReadinessProbe = probe(5, 2)
	c.VolumeMounts = &mounts
	return c
}

// addNetworkPolicies: default deny in its namespace; probes from the VPC
// and scrapes from Prometheus on its port; out to AWS and the API.
func (p ExternalDNSProps) addNetworkPolicies(c constructs.Construct) {
	newDefaultDeny(c, p.Namespace)
	NewNetworkPolicy(c, "external-dns", &NetworkPolicyProps{
		Name: "external-dns", Namespace: p.Namespace,
		PodSelector: matchLabels(map[string]string{LabelName: "external-dns"}),
		Ingress: []*k8s.NetworkPolicyIngressRule{
			{From: &[]*k8s.NetworkPolicyPeer{ipBlock(p.VPCCIDR), podsIn(p.MonitoringNamespace, PrometheusPodLabels)}, Ports: &[]*k8s.NetworkPolicyPort{tcp(ExternalDNSPort)}},
		},
		// Route53 and STS, and the Kubernetes API (its endpoints are ENIs in
		// the VPC, port 443).
		Egress: awsAPIEgress(),
	})
}
