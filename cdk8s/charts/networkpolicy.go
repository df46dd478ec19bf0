package charts

import (
	"fmt"

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
// Service and the LabelName of its pods (monitoring's prometheusName is this
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

// matchLabels selects the objects that carry all of labels.
func matchLabels(labels map[string]string) *k8s.LabelSelector {
	return &k8s.LabelSelector{MatchLabels: stringMap(labels)}
}

// podsIn selects pods with labels in the namespace called namespace (both
// selectors in one peer: AND).
func podsIn(namespace string, labels map[string]string) *k8s.NetworkPolicyPeer {
	return &k8s.NetworkPolicyPeer{
		NamespaceSelector: matchLabels(map[string]string{LabelNamespaceName: namespace}),
		PodSelector:       matchLabels(labels),
	}
}

// egressTo allows TCP to port at the addresses cidr.
func egressTo(cidr string, port int) *k8s.NetworkPolicyEgressRule {
	return &k8s.NetworkPolicyEgressRule{To: &[]*k8s.NetworkPolicyPeer{ipBlock(cidr)}, Ports: &[]*k8s.NetworkPolicyPort{tcp(port)}}
}

// awsAPIEgress are the flows of a pod that calls AWS APIs with EKS Pod
// Identity credentials: HTTPS to any address (Secrets Manager, SSM, STS,
// Route53, through the NAT gateway or VPC endpoints) and the Pod Identity
// agent, which hands out the credentials.
func awsAPIEgress() []*k8s.NetworkPolicyEgressRule {
	return []*k8s.NetworkPolicyEgressRule{
		egressTo("0.0.0.0/0", 443),
		egressTo(PodIdentityAgentCIDR, PodIdentityAgentPort),
	}
}

// databaseClientEgress are the flows of every pod of the backend binary
// (the server, the migration Job, the purge CronJob): PostgreSQL (RDS or
// RDS Proxy) inside the VPC at vpcCIDR on databasePort, and the AWS APIs
// that hand it the database secret (awsAPIEgress). DNS comes from the
// namespace's allow-dns policy.
func databaseClientEgress(vpcCIDR string, databasePort int) []*k8s.NetworkPolicyEgressRule {
	return append([]*k8s.NetworkPolicyEgressRule{egressTo(vpcCIDR, databasePort)}, awsAPIEgress()...)
}

// NetworkPolicyProps is one NetworkPolicy. A nil Ingress (Egress) leaves
// that direction out of policyTypes; an empty, non-nil one denies it.
type NetworkPolicyProps struct {
	// Name and Namespace of the policy. Required.
	Name, Namespace string
	// PodSelector selects the pods the policy isolates. Default: every pod
	// of the namespace.
	PodSelector *k8s.LabelSelector
	// Ingress and Egress are the allowed flows. Default: nil (that
	// direction is not isolated).
	Ingress []*k8s.NetworkPolicyIngressRule
	Egress  []*k8s.NetworkPolicyEgressRule
}

// NewNetworkPolicy adds one NetworkPolicy with an explicit name: the one
// builder of every NetworkPolicy of the charts (and of monitoring).
func NewNetworkPolicy(scope constructs.Construct, id string, props *NetworkPolicyProps) k8s.KubeNetworkPolicy {
	p := propsOf(scope, id, props)
	if p.Name == "" || p.Namespace == "" {
		failAt(scope, id, fmt.Errorf("NetworkPolicyProps: Name (%q) and Namespace (%q) are required", p.Name, p.Namespace))
	}
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
		Metadata: &k8s.ObjectMeta{Name: str(p.Name), Namespace: str(p.Namespace), Labels: stringMap(storefrontLabels(nil))},
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
	// (HTTPWorkload.MetricsPort). Required.
	MonitoringNamespace string
}

func (p StorefrontNetworkPoliciesProps) validate() error {
	switch {
	case p.Namespace == "" || p.VPCCIDR == "" || p.MonitoringNamespace == "":
		return fmt.Errorf("StorefrontNetworkPoliciesProps: Namespace (%q), VPCCIDR (%q) and MonitoringNamespace (%q) are required",
			p.Namespace, p.VPCCIDR, p.MonitoringNamespace)
	case p.Backend == nil || p.Frontend == nil || len(p.BackendNames) == 0:
		return fmt.Errorf("StorefrontNetworkPoliciesProps: Backend, Frontend and BackendNames are required")
	case p.DatabasePort <= 0:
		return fmt.Errorf("StorefrontNetworkPoliciesProps.DatabasePort = %d: want a port", p.DatabasePort)
	}
	return nil
}

// NewStorefrontNetworkPolicies adds default deny plus the flows the data
// path needs (see docs/kubernetes.md, "Network flows").
func NewStorefrontNetworkPolicies(scope constructs.Construct, id string, props *StorefrontNetworkPoliciesProps) {
	p := propsOf(scope, id, props)
	if err := p.validate(); err != nil {
		failAt(scope, id, err)
	}
	c := constructs.NewConstruct(scope, str(id))
	newDefaultDeny(c, p.Namespace)
	prometheus := podsIn(p.MonitoringNamespace, PrometheusPodLabels)
	for _, w := range []*HTTPWorkload{p.Frontend, p.Backend} {
		// The ALB's nodes and the kubelet are VPC addresses: the ALB sends
		// to the server's port, the kubelet probes it and every sidecar's.
		var fromVPC []*k8s.NetworkPolicyPort
		for _, port := range w.ContainerPorts() {
			fromVPC = append(fromVPC, tcp(port))
		}
		NewNetworkPolicy(c, w.Name()+"-ingress", &NetworkPolicyProps{
			Name: w.Name() + "-ingress", Namespace: p.Namespace,
			PodSelector: matchLabels(w.Selector()),
			Ingress: []*k8s.NetworkPolicyIngressRule{
				{From: &[]*k8s.NetworkPolicyPeer{ipBlock(p.VPCCIDR)}, Ports: &fromVPC},
				// Prometheus scrapes the workload's metrics port only: the
				// server's own on the backend (/metrics), the exporter
				// sidecar's on the frontend.
				{From: &[]*k8s.NetworkPolicyPeer{prometheus}, Ports: &[]*k8s.NetworkPolicyPort{tcp(w.MetricsPort())}},
			},
		})
	}
	NewNetworkPolicy(c, "backend-egress", &NetworkPolicyProps{
		Name: p.Backend.Name() + "-egress", Namespace: p.Namespace,
		PodSelector: &k8s.LabelSelector{MatchExpressions: &[]*k8s.LabelSelectorRequirement{{
			Key: str(LabelName), Operator: str("In"), Values: strs(p.BackendNames...),
		}}},
		Egress: databaseClientEgress(p.VPCCIDR, p.DatabasePort),
	})
	if p.SMTPPort != 0 {
		// The SES SMTP endpoint (email-smtp.<region>.amazonaws.com) is a
		// public name without published address ranges, reached through the
		// NAT gateway: any address, on the SMTP port only.
		NewNetworkPolicy(c, "backend-smtp-egress", &NetworkPolicyProps{
			Name: p.Backend.Name() + "-smtp-egress", Namespace: p.Namespace,
			PodSelector: matchLabels(p.Backend.Selector()),
			Egress:      []*k8s.NetworkPolicyEgressRule{egressTo("0.0.0.0/0", p.SMTPPort)},
		})
	}
}
