package monitoring

import (
	"github.com/aws/constructs-go/constructs/v10"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// Network policies of namespace monitoring: everything is denied, then
// each flow the monitoring data path needs is allowed.
func addNetworkPolicies(scope constructs.Construct, env platform.Environment) {
	ns := env.Names.MonitoringNamespace
	policy := func(id, name string, spec networkingv1.NetworkPolicySpec) {
		addObject(scope, id, &networkingv1.NetworkPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{charts.LabelPartOf: partOf}},
			Spec:       spec,
		})
	}
	both := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	egress := []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	all := metav1.LabelSelector{}
	app := func(name string) metav1.LabelSelector { return *v1Selector(name) }
	tcp := func(p int) networkingv1.NetworkPolicyPort {
		return networkingv1.NetworkPolicyPort{Protocol: ptr(corev1.ProtocolTCP), Port: ptr(intstr.FromInt(p))}
	}
	udp := func(p int) networkingv1.NetworkPolicyPort {
		return networkingv1.NetworkPolicyPort{Protocol: ptr(corev1.ProtocolUDP), Port: ptr(intstr.FromInt(p))}
	}
	inNamespace := func(name string) networkingv1.NetworkPolicyPeer {
		return networkingv1.NetworkPolicyPeer{PodSelector: ptr(app(name))}
	}
	// The API server's ENIs, the kubelets and RDS all live in the VPC.
	vpc := networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: env.Network.CIDR}}

	policy("netpol-default-deny", "default-deny", networkingv1.NetworkPolicySpec{PodSelector: all, PolicyTypes: both})
	policy("netpol-ingress-from-namespace", "allow-ingress-from-namespace", networkingv1.NetworkPolicySpec{
		PodSelector: all,
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
		Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}}},
	})
	// DNS to any destination: on EKS Auto Mode the resolver is not
	// necessarily a CoreDNS pod in kube-system.
	policy("netpol-dns", "allow-dns-egress", networkingv1.NetworkPolicySpec{
		PodSelector: all, PolicyTypes: egress,
		Egress: []networkingv1.NetworkPolicyEgressRule{{Ports: []networkingv1.NetworkPolicyPort{udp(53), tcp(53)}}},
	})
	shop := func(name string) networkingv1.NetworkPolicyPeer {
		return networkingv1.NetworkPolicyPeer{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: env.Names.Namespace}},
			PodSelector:       ptr(app(name)),
		}
	}
	policy("netpol-prometheus-egress", "prometheus-egress", networkingv1.NetworkPolicySpec{
		PodSelector: app(prometheusName), PolicyTypes: egress,
		Egress: []networkingv1.NetworkPolicyEgressRule{
			{To: []networkingv1.NetworkPolicyPeer{shop(env.Names.Backend)}, Ports: []networkingv1.NetworkPolicyPort{tcp(contract.Port)}},
			{To: []networkingv1.NetworkPolicyPeer{shop(env.Names.Frontend)}, Ports: []networkingv1.NetworkPolicyPort{tcp(charts.NginxExporterPort)}},
			{To: []networkingv1.NetworkPolicyPeer{inNamespace(kubeStateMetrics)}, Ports: []networkingv1.NetworkPolicyPort{tcp(kubeStateMetricsPort)}},
			{To: []networkingv1.NetworkPolicyPeer{inNamespace(postgresExporter), inNamespace(postgresReplicaExporter)}, Ports: []networkingv1.NetworkPolicyPort{tcp(postgresExporterPort)}},
			{To: []networkingv1.NetworkPolicyPeer{inNamespace(alertmanager)}, Ports: []networkingv1.NetworkPolicyPort{tcp(alertmanagerPort)}},
			{To: []networkingv1.NetworkPolicyPeer{inNamespace(grafana)}, Ports: []networkingv1.NetworkPolicyPort{tcp(grafanaPort)}},
			{To: []networkingv1.NetworkPolicyPeer{{
				NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: env.Names.ExternalDNSNamespace}},
			}}, Ports: []networkingv1.NetworkPolicyPort{tcp(charts.ExternalDNSPort)}},
			// The API server (discovery) and the kubelets (kubeletJob).
			{To: []networkingv1.NetworkPolicyPeer{vpc}, Ports: []networkingv1.NetworkPolicyPort{tcp(443), tcp(kubeletPort)}},
		},
	})
	policy("netpol-kube-state-metrics-egress", "kube-state-metrics-egress", networkingv1.NetworkPolicySpec{
		PodSelector: app(kubeStateMetrics), PolicyTypes: egress,
		Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{vpc}, Ports: []networkingv1.NetworkPolicyPort{tcp(443)}}},
	})
	policy("netpol-postgres-exporter-egress", "postgres-exporter-egress", networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
			Key: appNameLabel, Operator: metav1.LabelSelectorOpIn, Values: []string{postgresExporter, postgresReplicaExporter},
		}}},
		PolicyTypes: egress,
		Egress:      []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{vpc}, Ports: []networkingv1.NetworkPolicyPort{tcp(env.Database.Port)}}},
	})
	policy("netpol-alertmanager-egress", "alertmanager-egress", networkingv1.NetworkPolicySpec{
		PodSelector: app(alertmanager), PolicyTypes: egress,
		Egress: []networkingv1.NetworkPolicyEgressRule{
			// PagerDuty and Slack, through the NAT gateway.
			{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0"}}}, Ports: []networkingv1.NetworkPolicyPort{tcp(443)}},
			{To: []networkingv1.NetworkPolicyPeer{inNamespace(alertmanager)}, Ports: []networkingv1.NetworkPolicyPort{tcp(alertmanagerClusterPort), udp(alertmanagerClusterPort)}},
		},
	})
	policy("netpol-grafana-egress", "grafana-egress", networkingv1.NetworkPolicySpec{
		PodSelector: app(grafana), PolicyTypes: egress,
		Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{inNamespace(prometheusName)}, Ports: []networkingv1.NetworkPolicyPort{tcp(prometheusPort)}}},
	})
}
