package monitoring

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/contract"
)

// NetworkPoliciesProps describes the monitoring data path.
type NetworkPoliciesProps struct {
	// Namespace is the monitoring namespace. Required.
	Namespace string
	// VPCCIDR is where the API server's ENIs, the kubelets and the
	// database live. Required.
	VPCCIDR string
	// StorefrontNamespace, Backend and Frontend locate the storefront's
	// pods (their app.kubernetes.io/name) that Prometheus scrapes.
	// Required.
	StorefrontNamespace, Backend, Frontend string
	// ExternalDNSNamespace is where ExternalDNS runs; Prometheus scrapes
	// it. Required.
	ExternalDNSNamespace string
	// DatabasePort is the PostgreSQL port the exporters connect to.
	// Required.
	DatabasePort int
}

// NewNetworkPolicies adds the network policies of the monitoring namespace:
// everything is denied, then each flow the monitoring data path needs is
// allowed.
func NewNetworkPolicies(scope constructs.Construct, id string, props *NetworkPoliciesProps) constructs.Construct {
	c := newComponent(scope, id, props)
	p := *props
	check(c, "NetworkPoliciesProps", concat(
		required("Namespace", p.Namespace), required("VPCCIDR", p.VPCCIDR),
		required("StorefrontNamespace", p.StorefrontNamespace), required("Backend", p.Backend), required("Frontend", p.Frontend),
		required("ExternalDNSNamespace", p.ExternalDNSNamespace), positive("DatabasePort", p.DatabasePort),
	))
	policy := func(id, name string, pods *k8s.LabelSelector, ingress []*k8s.NetworkPolicyIngressRule, egress []*k8s.NetworkPolicyEgressRule) {
		np := charts.NewNetworkPolicy(c, id, &charts.NetworkPolicyProps{
			Name: name, Namespace: p.Namespace, PodSelector: pods, Ingress: ingress, Egress: egress,
		})
		np.Metadata().AddLabel(str(charts.LabelPartOf), str(partOf))
	}
	ports := func(ps ...*k8s.NetworkPolicyPort) *[]*k8s.NetworkPolicyPort { return &ps }
	peers := func(ps ...*k8s.NetworkPolicyPeer) *[]*k8s.NetworkPolicyPeer { return &ps }
	inNamespace := func(app string) *k8s.NetworkPolicyPeer { return &k8s.NetworkPolicyPeer{PodSelector: selector(app)} }
	shop := func(app string) *k8s.NetworkPolicyPeer {
		return charts.PodsIn(p.StorefrontNamespace, map[string]string{appNameLabel: app})
	}
	vpc := charts.IPBlock(p.VPCCIDR)

	// Both directions isolated, no rule: written without the empty rule
	// lists charts.NewNetworkPolicy adds, as the manifest always had it.
	k8s.NewKubeNetworkPolicy(c, str("default-deny"), &k8s.KubeNetworkPolicyProps{
		Metadata: &k8s.ObjectMeta{Name: str("default-deny"), Namespace: str(p.Namespace), Labels: charts.StringMap(map[string]string{charts.LabelPartOf: partOf})},
		Spec:     &k8s.NetworkPolicySpec{PodSelector: &k8s.LabelSelector{}, PolicyTypes: strs("Ingress", "Egress")},
	})
	policy("ingress-from-namespace", "allow-ingress-from-namespace", nil,
		[]*k8s.NetworkPolicyIngressRule{{From: peers(&k8s.NetworkPolicyPeer{PodSelector: &k8s.LabelSelector{}})}}, nil)
	// DNS to any destination: on EKS Auto Mode the resolver is not
	// necessarily a CoreDNS pod in kube-system.
	policy("dns", "allow-dns-egress", nil, nil,
		[]*k8s.NetworkPolicyEgressRule{{Ports: ports(charts.UDP(53), charts.TCP(53))}})
	policy("prometheus-egress", "prometheus-egress", selector(prometheusName), nil, []*k8s.NetworkPolicyEgressRule{
		{To: peers(shop(p.Backend)), Ports: ports(charts.TCP(contract.Port))},
		{To: peers(shop(p.Frontend)), Ports: ports(charts.TCP(charts.NginxExporterPort))},
		{To: peers(inNamespace(kubeStateMetrics)), Ports: ports(charts.TCP(kubeStateMetricsPort))},
		{To: peers(inNamespace(postgresExporter), inNamespace(postgresReplicaExporter)), Ports: ports(charts.TCP(postgresExporterPort))},
		{To: peers(inNamespace(alertmanager)), Ports: ports(charts.TCP(alertmanagerPort))},
		{To: peers(inNamespace(grafana)), Ports: ports(charts.TCP(grafanaPort))},
		{To: peers(&k8s.NetworkPolicyPeer{NamespaceSelector: &k8s.LabelSelector{
			MatchLabels: charts.StringMap(map[string]string{charts.LabelNamespaceName: p.ExternalDNSNamespace}),
		}}), Ports: ports(charts.TCP(charts.ExternalDNSPort))},
		// The API server (discovery) and the kubelets (kubeletJob).
		{To: peers(vpc), Ports: ports(charts.TCP(443), charts.TCP(kubeletPort))},
	})
	policy("kube-state-metrics-egress", "kube-state-metrics-egress", selector(kubeStateMetrics), nil,
		[]*k8s.NetworkPolicyEgressRule{{To: peers(vpc), Ports: ports(charts.TCP(443))}})
	exporters := &k8s.LabelSelector{MatchExpressions: &[]*k8s.LabelSelectorRequirement{{
		Key: str(appNameLabel), Operator: str("In"), Values: strs(postgresExporter, postgresReplicaExporter),
	}}}
	policy("postgres-exporter-egress", "postgres-exporter-egress", exporters, nil,
		[]*k8s.NetworkPolicyEgressRule{{To: peers(vpc), Ports: ports(charts.TCP(p.DatabasePort))}})
	policy("alertmanager-egress", "alertmanager-egress", selector(alertmanager), nil, []*k8s.NetworkPolicyEgressRule{
		// PagerDuty and Slack, through the NAT gateway.
		{To: peers(charts.IPBlock("0.0.0.0/0")), Ports: ports(charts.TCP(443))},
		{To: peers(inNamespace(alertmanager)), Ports: ports(charts.TCP(alertmanagerClusterPort), charts.UDP(alertmanagerClusterPort))},
	})
	policy("grafana-egress", "grafana-egress", selector(grafana), nil,
		[]*k8s.NetworkPolicyEgressRule{{To: peers(inNamespace(prometheusName)), Ports: ports(charts.TCP(prometheusPort))}})
	return c
}
