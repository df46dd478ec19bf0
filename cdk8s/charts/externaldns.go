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
// create and update records (--policy=upsert-only) in one zone.
func NewExternalDNS(scope constructs.Construct, id string, props *ExternalDNSProps) *ExternalDNS {
	p := propsOf(scope, id, props)
	if err := required("ExternalDNSProps",
		field{"Namespace", p.Namespace == ""}, field{"ServiceAccount", p.ServiceAccount == ""}, field{"ZoneName", p.ZoneName == ""},
		field{"HostedZoneID", p.HostedZoneID == ""}, field{"OwnerID", p.OwnerID == ""}, field{"Region", p.Region == ""},
		field{"VPCCIDR", p.VPCCIDR == ""}, field{"MonitoringNamespace", p.MonitoringNamespace == ""},
	); err != nil {
		failAt(scope, id, err)
	}
	if p.Image == "" {
		p.Image = ExternalDNSImage
	}
	if p.Interval == "" {
		p.Interval = "1m"
	}
	c := constructs.NewConstruct(scope, str(id))
	e := &ExternalDNS{}
	e.Namespace = NewNamespace(c, "namespace", &NamespaceProps{Name: p.Namespace})
	e.ServiceAccount = NewServiceAccount(c, "service-account", &ServiceAccountProps{Name: p.ServiceAccount, Namespace: p.Namespace, AutomountToken: true})

	selector := storefrontLabels(map[string]string{LabelName: "external-dns"})
	labels := merge(selector, map[string]string{LabelComponent: "dns"})
	read := strs("get", "watch", "list")
	e.ClusterRole = k8s.NewKubeClusterRole(c, str("cluster-role"), &k8s.KubeClusterRoleProps{
		Metadata: &k8s.ObjectMeta{Name: str("external-dns"), Labels: stringMap(labels)},
		Rules: &[]*k8s.PolicyRule{
			{ApiGroups: strs(""), Resources: strs("services", "endpoints", "pods", "nodes"), Verbs: read},
			{ApiGroups: strs("networking.k8s.io"), Resources: strs("ingresses"), Verbs: read},
			{ApiGroups: strs("discovery.k8s.io"), Resources: strs("endpointslices"), Verbs: read},
		},
	})
	e.Binding = k8s.NewKubeClusterRoleBinding(c, str("cluster-role-binding"), &k8s.KubeClusterRoleBindingProps{
		Metadata: &k8s.ObjectMeta{Name: str("external-dns"), Labels: stringMap(labels)},
		RoleRef:  &k8s.RoleRef{ApiGroup: str("rbac.authorization.k8s.io"), Kind: str("ClusterRole"), Name: str("external-dns")},
		Subjects: &[]*k8s.Subject{{Kind: str("ServiceAccount"), Name: str(p.ServiceAccount), Namespace: str(p.Namespace)}},
	})

	probe := func(period, failures int) *k8s.Probe {
		return &k8s.Probe{
			HttpGet:       &k8s.HttpGetAction{Path: str(ExternalDNSHealthPath), Port: intOrStr("http"), Scheme: str("HTTP")},
			PeriodSeconds: num(period), TimeoutSeconds: num(2), FailureThreshold: num(failures), SuccessThreshold: num(1),
		}
	}
	vols, mounts := writableDirs(16, "/tmp")
	e.Deployment = k8s.NewKubeDeployment(c, str("deployment"), &k8s.KubeDeploymentProps{
		Metadata: &k8s.ObjectMeta{Name: str("external-dns"), Namespace: str(p.Namespace), Labels: stringMap(labels)},
		Spec: &k8s.DeploymentSpec{
			// One writer: two instances would race on the TXT ownership records.
			Replicas:             num(1),
			Strategy:             &k8s.DeploymentStrategy{Type: str("Recreate")},
			RevisionHistoryLimit: num(3),
			Selector:             matchLabels(selector),
			Template: &k8s.PodTemplateSpec{
				Metadata: &k8s.ObjectMeta{
					Labels: stringMap(labels),
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
					Containers: &[]*k8s.Container{{
						Name:            str("external-dns"),
						Image:           str(p.Image),
						ImagePullPolicy: str("IfNotPresent"),
						Args: strs(
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
						),
						Env: &[]*k8s.EnvVar{
							{Name: str("AWS_REGION"), Value: str(p.Region)},
							{Name: str("AWS_DEFAULT_REGION"), Value: str(p.Region)},
						},
						Ports:                    &[]*k8s.ContainerPort{{Name: str("http"), ContainerPort: num(ExternalDNSPort), Protocol: str("TCP")}},
						Resources:                resources(50, 64, 100, 128),
						StartupProbe:             probe(2, 30),
						LivenessProbe:            probe(10, 3),
						ReadinessProbe:           probe(5, 2),
						SecurityContext:          restrictedContainerSecurityContext(ExternalDNSUID),
						VolumeMounts:             &mounts,
						TerminationMessagePolicy: str("FallbackToLogsOnError"),
					}},
				},
			},
		},
	})

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
	return e
}
