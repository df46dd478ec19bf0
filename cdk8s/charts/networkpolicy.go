package charts

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// PodIdentityAgentCIDR is the EKS Pod Identity agent's link-local address;
// pods fetch their AWS credentials from it over HTTP (port 80)
// (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html).
const (
	PodIdentityAgentCIDR = "169.254.170.23/32"
	PodIdentityAgentPort = 80
)

// NewNetworkPolicyController turns on EKS Auto Mode's network policy
// controller, without which NetworkPolicies are stored but not enforced
// (https://docs.aws.amazon.com/eks/latest/userguide/auto-net-pol.html,
// "Step 1: Enable Network Policy Controller").
func NewNetworkPolicyController(scope constructs.Construct, id string) k8s.KubeConfigMap {
	return k8s.NewKubeConfigMap(scope, str(id), &k8s.KubeConfigMapProps{
		Metadata: &k8s.ObjectMeta{Name: str("amazon-vpc-cni"), Namespace: str("kube-system")},
		Data:     stringMap(map[string]string{"enable-network-policy-controller": "true"}),
	})
}

// PrometheusName is the name of monitoring's Prometheus: its StatefulSet,
// Service and the LabelName of its pods (monitoring.Prometheus is this
// constant; monitoring imports charts, not the other way round).
const PrometheusName = "prometheus"

// PrometheusPodLabels select the Prometheus pods of the monitoring namespace.
var PrometheusPodLabels = map[string]string{LabelName: PrometheusName}

func tcp(port int) *k8s.NetworkPolicyPort {
	return &k8s.NetworkPolicyPort{Protocol: str("TCP"), Port: intOrNum(port)}
}

func udp(port int) *k8s.NetworkPolicyPort {
	return &k8s.NetworkPolicyPort{Protocol: str("UDP"), Port: intOrNum(port)}
}

func ipBlock(cidr string) *k8s.NetworkPolicyPeer {
	return &k8s.NetworkPolicyPeer{IpBlock: &k8s.IpBlock{Cidr: str(cidr)}}
}

// podsIn selects pods with labels in the namespace called namespace (both
// selectors in one peer: AND).
func podsIn(namespace string, labels map[string]string) *k8s.NetworkPolicyPeer {
	return &k8s.NetworkPolicyPeer{
		NamespaceSelector: &k8s.LabelSelector{MatchLabels: stringMap(map[string]string{LabelNamespaceName: namespace})},
		PodSelector:       &k8s.LabelSelector{MatchLabels: stringMap(labels)},
	}
}

// NetworkPolicyProps is one NetworkPolicy. A nil Ingress (Egress) leaves
// that direction out of policyTypes; an empty, non-nil one denies it.
type NetworkPolicyProps struct {
	Name, Namespace string
	// PodSelector selects the pods the policy isolates; empty selects all.
	PodSelector *k8s.LabelSelector
	Ingress     []*k8s.NetworkPolicyIngressRule
	Egress      []*k8s.NetworkPolicyEgressRule
}

// NewNetworkPolicy adds one NetworkPolicy with an explicit name.
func NewNetworkPolicy(scope constructs.Construct, id string, p *NetworkPolicyProps) k8s.KubeNetworkPolicy {
	sel := p.PodSelector
	if sel == nil {
		sel = &k8s.LabelSelector{}
	}
	spec := &k8s.NetworkPolicySpec{PodSelector: sel}
	var types []string
	if p.Ingress != nil {
		types = append(types, "Ingress")
		in := p.Ingress
		spec.Ingress = &in
	}
	if p.Egress != nil {
		types = append(types, "Egress")
		out := p.Egress
		spec.Egress = &out
	}
	spec.PolicyTypes = strs(types...)
	return k8s.NewKubeNetworkPolicy(scope, str(id), &k8s.KubeNetworkPolicyProps{
		Metadata: &k8s.ObjectMeta{Name: str(p.Name), Namespace: str(p.Namespace), Labels: stringMap(map[string]string{LabelPartOf: PartOf})},
		Spec:     spec,
	})
}

// newDefaultDeny denies all ingress and egress of every pod in namespace,
// and lets them resolve names: DNS is the one flow every pod needs. The DNS
// rule names ports only, no peer: on EKS Auto Mode the cluster DNS is a
// service on each node rather than CoreDNS pods in kube-system, so a
// kube-system pod selector alone would cut it off.
func newDefaultDeny(scope constructs.Construct, namespace string) {
	NewNetworkPolicy(scope, "default-deny", &NetworkPolicyProps{
		Name: "default-deny", Namespace: namespace,
		Ingress: []*k8s.NetworkPolicyIngressRule{},
		Egress:  []*k8s.NetworkPolicyEgressRule{},
	})
	NewNetworkPolicy(scope, "allow-dns", &NetworkPolicyProps{
		Name: "allow-dns", Namespace: namespace,
		Egress: []*k8s.NetworkPolicyEgressRule{{Ports: &[]*k8s.NetworkPolicyPort{udp(53), tcp(53)}}},
	})
}

// StorefrontNetworkPoliciesProps describes the storefront's data path.
type StorefrontNetworkPoliciesProps struct {
	// Namespace of the storefront. Required.
	Namespace string
	// VPCCIDR is where the ALB (target-type ip) and the kubelets' probes
	// come from, and where the database lives. Required.
	VPCCIDR string
	// Backend, Frontend are the workloads; BackendNames are the
	// app.kubernetes.io/name values that reach the database and AWS APIs
	// (the server and its migration Job). Required.
	Backend, Frontend *HTTPWorkload
	BackendNames      []string
	// DatabasePort is the PostgreSQL port. Required.
	DatabasePort int
	// SMTPPort is the port of the SES SMTP endpoint the backend's serving
	// pods (not the migration Job) send mail to.
	// Default: 0 (no mail egress).
	SMTPPort int
	// MonitoringNamespace is where Prometheus runs; its pods labelled
	// PrometheusPodLabels may scrape both workloads on their metrics ports
	// (HTTPWorkloadProps.MetricsPortName). Required.
	MonitoringNamespace string
}

// NewStorefrontNetworkPolicies adds default deny plus the flows the data
// path needs (see docs/kubernetes.md, "Network flows").
func NewStorefrontNetworkPolicies(scope constructs.Construct, id string, p *StorefrontNetworkPoliciesProps) {
	c := constructs.NewConstruct(scope, str(id))
	newDefaultDeny(c, p.Namespace)
	prometheus := podsIn(p.MonitoringNamespace, PrometheusPodLabels)
	for _, w := range []*HTTPWorkload{p.Frontend, p.Backend} {
		wp := w.Props
		// The ALB's nodes and the kubelet are VPC addresses: the ALB sends
		// to the server's port, the kubelet probes it and every sidecar's.
		fromVPC := []*k8s.NetworkPolicyPort{tcp(wp.Port)}
		for _, s := range wp.Sidecars {
			fromVPC = append(fromVPC, tcp(s.Port))
		}
		NewNetworkPolicy(c, wp.Name+"-ingress", &NetworkPolicyProps{
			Name: wp.Name + "-ingress", Namespace: p.Namespace,
			PodSelector: &k8s.LabelSelector{MatchLabels: stringMap(w.SelectorLabels)},
			Ingress: []*k8s.NetworkPolicyIngressRule{
				{From: &[]*k8s.NetworkPolicyPeer{ipBlock(p.VPCCIDR)}, Ports: &fromVPC},
				// Prometheus scrapes the workload's metrics port only: the
				// server's own on the backend (/metrics), the exporter
				// sidecar's on the frontend.
				{From: &[]*k8s.NetworkPolicyPeer{prometheus}, Ports: &[]*k8s.NetworkPolicyPort{tcp(wp.MetricsPort())}},
			},
		})
	}
	NewNetworkPolicy(c, "backend-egress", &NetworkPolicyProps{
		Name: p.Backend.Props.Name + "-egress", Namespace: p.Namespace,
		PodSelector: &k8s.LabelSelector{MatchExpressions: &[]*k8s.LabelSelectorRequirement{{
			Key: str(LabelName), Operator: str("In"), Values: strs(p.BackendNames...),
		}}},
		Egress: []*k8s.NetworkPolicyEgressRule{
			// PostgreSQL (RDS or RDS Proxy) inside the VPC.
			{To: &[]*k8s.NetworkPolicyPeer{ipBlock(p.VPCCIDR)}, Ports: &[]*k8s.NetworkPolicyPort{tcp(p.DatabasePort)}},
			// AWS APIs over HTTPS (Secrets Manager, SSM, STS), through the NAT
			// gateway or VPC endpoints.
			{To: &[]*k8s.NetworkPolicyPeer{ipBlock("0.0.0.0/0")}, Ports: &[]*k8s.NetworkPolicyPort{tcp(443)}},
			// The Pod Identity agent hands out the credentials.
			{To: &[]*k8s.NetworkPolicyPeer{ipBlock(PodIdentityAgentCIDR)}, Ports: &[]*k8s.NetworkPolicyPort{tcp(PodIdentityAgentPort)}},
		},
	})
	if p.SMTPPort != 0 {
		// The SES SMTP endpoint (email-smtp.<region>.amazonaws.com) is a
		// public name without published address ranges, reached through the
		// NAT gateway: any address, on the SMTP port only.
		NewNetworkPolicy(c, "backend-smtp-egress", &NetworkPolicyProps{
			Name: p.Backend.Props.Name + "-smtp-egress", Namespace: p.Namespace,
			PodSelector: &k8s.LabelSelector{MatchLabels: stringMap(p.Backend.SelectorLabels)},
			Egress: []*k8s.NetworkPolicyEgressRule{
				{To: &[]*k8s.NetworkPolicyPeer{ipBlock("0.0.0.0/0")}, Ports: &[]*k8s.NetworkPolicyPort{tcp(p.SMTPPort)}},
			},
		})
	}
}
