package charts_test

import (
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// endpoint is one side of a flow: a pod (namespace + labels) or an address.
type endpoint struct {
	namespace string
	labels    map[string]string
	ip        string // for addresses outside the cluster's pods
}

// policySet evaluates the NetworkPolicies of the manifests the way the
// Kubernetes API defines them (additive allow rules over isolated pods), for
// the selectors and peers the charts use.
type policySet struct {
	t        *testing.T
	policies []networkingv1.NetworkPolicy
}

func loadPolicies(t *testing.T, docs []doc) policySet {
	ps := policySet{t: t}
	for _, d := range docs {
		if d.Kind == "NetworkPolicy" {
			var np networkingv1.NetworkPolicy
			find(t, docs, d.Kind, d.Namespace, d.Name, &np)
			ps.policies = append(ps.policies, np)
		}
	}
	return ps
}

func (ps policySet) matches(sel *metav1.LabelSelector, l map[string]string) bool {
	if sel == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		ps.t.Fatalf("selector %+v: %v", sel, err)
	}
	return s.Matches(labels.Set(l))
}

func (ps policySet) peerMatches(peers []networkingv1.NetworkPolicyPeer, policyNS string, e endpoint) bool {
	if len(peers) == 0 {
		return true
	}
	for _, p := range peers {
		switch {
		case p.IPBlock != nil:
			if e.ip == "" {
				continue
			}
			prefix := netip.MustParsePrefix(p.IPBlock.CIDR)
			ok := prefix.Contains(netip.MustParseAddr(e.ip))
			for _, ex := range p.IPBlock.Except {
				ok = ok && !netip.MustParsePrefix(ex).Contains(netip.MustParseAddr(e.ip))
			}
			if ok {
				return true
			}
		case e.ip != "":
			continue
		default:
			nsOK := e.namespace == policyNS
			if p.NamespaceSelector != nil {
				nsOK = ps.matches(p.NamespaceSelector, map[string]string{"kubernetes.io/metadata.name": e.namespace})
			}
			podOK := p.PodSelector == nil || ps.matches(p.PodSelector, e.labels)
			if nsOK && podOK {
				return true
			}
		}
	}
	return false
}

func portMatches(ports []networkingv1.NetworkPolicyPort, port int, proto corev1.Protocol) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		pr := corev1.ProtocolTCP
		if p.Protocol != nil {
			pr = *p.Protocol
		}
		if pr == proto && (p.Port == nil || p.Port.IntValue() == port) {
			return true
		}
	}
	return false
}

func hasType(np networkingv1.NetworkPolicy, t networkingv1.PolicyType) bool {
	for _, pt := range np.Spec.PolicyTypes {
		if pt == t {
			return true
		}
	}
	return false
}

// allowed reports whether the flow from -> to:port/proto is allowed by both
// the egress policies of from (if it is a pod) and the ingress policies of
// to (if it is a pod).
func (ps policySet) allowed(from, to endpoint, port int, proto corev1.Protocol) bool {
	if from.ip == "" && !ps.direction(networkingv1.PolicyTypeEgress, from, to, port, proto) {
		return false
	}
	if to.ip == "" && !ps.direction(networkingv1.PolicyTypeIngress, to, from, port, proto) {
		return false
	}
	return true
}

func (ps policySet) direction(dir networkingv1.PolicyType, pod, peer endpoint, port int, proto corev1.Protocol) bool {
	isolated := false
	for _, np := range ps.policies {
		if np.Namespace != pod.namespace || !hasType(np, dir) || !ps.matches(&np.Spec.PodSelector, pod.labels) {
			continue
		}
		isolated = true
		if dir == networkingv1.PolicyTypeIngress {
			for _, r := range np.Spec.Ingress {
				if portMatches(r.Ports, port, proto) && ps.peerMatches(r.From, np.Namespace, peer) {
					return true
				}
			}
		} else {
			for _, r := range np.Spec.Egress {
				if portMatches(r.Ports, port, proto) && ps.peerMatches(r.To, np.Namespace, peer) {
					return true
				}
			}
		}
	}
	return !isolated
}

// TestNetworkFlows: the data path is open, everything else is closed.
func TestNetworkFlows(t *testing.T) {
	forEachEnv(t, func(t *testing.T, env platform.Environment, docs []doc) {
		ps := loadPolicies(t, docs)
		shop := env.Names.Namespace
		pods := func(kind, ns, name string) endpoint {
			var obj struct {
				Spec struct {
					Template corev1.PodTemplateSpec `json:"template"`
				} `json:"spec"`
			}
			d := find(t, docs, kind, ns, name, nil)
			if err := yaml.Unmarshal(d.Raw, &obj); err != nil {
				t.Fatal(err)
			}
			return endpoint{namespace: ns, labels: obj.Spec.Template.Labels}
		}
		backend := pods("Deployment", shop, env.Names.Backend)
		frontend := pods("Deployment", shop, env.Names.Frontend)
		migrate := pods("Job", shop, charts.MigrationJobName(env))
		externalDNS := pods("Deployment", env.Names.ExternalDNSNamespace, "external-dns")
		prometheus := endpoint{namespace: env.Names.MonitoringNamespace, labels: charts.PrometheusPodLabels}
		grafana := endpoint{namespace: env.Names.MonitoringNamespace, labels: map[string]string{"app.kubernetes.io/name": "grafana"}}
		otherNS := endpoint{namespace: "default", labels: charts.PrometheusPodLabels}

		vpc := netip.MustParsePrefix(env.Network.CIDR)
		inVPC := func(offset int) endpoint { // an address inside the VPC (ALB node, kubelet, RDS)
			a := vpc.Addr().As4()
			a[2], a[3] = byte(offset>>8), byte(offset)
			return endpoint{ip: netip.AddrFrom4(a).String()}
		}
		alb, database := inVPC(0x0117), inVPC(0x6405)
		internet := endpoint{ip: "203.0.113.7"}
		awsAPI := endpoint{ip: "52.94.1.10"}
		sesSMTP := endpoint{ip: "54.240.1.20"} // email-smtp.<region>.amazonaws.com resolves to public AWS addresses
		podIdentity := endpoint{ip: "169.254.170.23"}
		imds := endpoint{ip: "169.254.169.254"}
		clusterDNS := endpoint{ip: "172.20.0.10"}
		dbPort := env.Database.Port
		tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
		const exporterPort = 9113 // the nginx-prometheus-exporter sidecar (docs/monitoring.md)

		flows := []struct {
			name     string
			from, to endpoint
			port     int
			proto    corev1.Protocol
			want     bool
		}{
			{"ALB -> backend", alb, backend, contract.Port, tcp, true},
			{"ALB -> frontend", alb, frontend, contract.FrontendPort, tcp, true},
			{"internet -> backend (only through the ALB)", internet, backend, contract.Port, tcp, false},
			{"ALB -> frontend on another port", alb, frontend, 9000, tcp, false},
			{"prometheus -> backend metrics", prometheus, backend, contract.Port, tcp, true},
			{"prometheus -> frontend exporter sidecar", prometheus, frontend, exporterPort, tcp, true},
			{"prometheus -> frontend nginx (it scrapes the sidecar only)", prometheus, frontend, contract.FrontendPort, tcp, false},
			{"prometheus -> frontend stub_status (loopback only)", prometheus, frontend, contract.FrontendStatusPort, tcp, false},
			{"kubelet -> frontend exporter probes", alb, frontend, exporterPort, tcp, true},
			{"VPC -> frontend stub_status (loopback only)", alb, frontend, contract.FrontendStatusPort, tcp, false},
			{"grafana -> frontend exporter", grafana, frontend, exporterPort, tcp, false},
			{"prometheus-labelled pod elsewhere -> frontend exporter", otherNS, frontend, exporterPort, tcp, false},
			{"backend -> frontend exporter", backend, frontend, exporterPort, tcp, false},
			{"prometheus -> external-dns metrics", prometheus, externalDNS, charts.ExternalDNSPort, tcp, true},
			{"grafana -> backend", grafana, backend, contract.Port, tcp, false},
			{"prometheus-labelled pod elsewhere -> backend", otherNS, backend, contract.Port, tcp, false},
			{"frontend -> backend (the ALB routes /api)", frontend, backend, contract.Port, tcp, false},
			{"backend -> database", backend, database, dbPort, tcp, true},
			{"migration -> database", migrate, database, dbPort, tcp, true},
			{"backend -> other VPC port", backend, database, 6379, tcp, false},
			{"backend -> AWS APIs", backend, awsAPI, 443, tcp, true},
			{"migration -> AWS APIs", migrate, awsAPI, 443, tcp, true},
			{"backend -> Pod Identity agent", backend, podIdentity, 80, tcp, true},
			{"migration -> Pod Identity agent", migrate, podIdentity, 80, tcp, true},
			{"backend -> instance metadata", backend, imds, 80, tcp, false},
			{"backend -> internet HTTP", backend, internet, 80, tcp, false},
			{"backend -> SES SMTP endpoint (STARTTLS)", backend, sesSMTP, platform.SMTPPort, tcp, true},
			{"backend -> SMTP port 25", backend, sesSMTP, 25, tcp, false},
			{"migration -> SES SMTP endpoint (it sends no mail)", migrate, sesSMTP, platform.SMTPPort, tcp, false},
			{"frontend -> SES SMTP endpoint", frontend, sesSMTP, platform.SMTPPort, tcp, false},
			{"backend -> DNS/UDP", backend, clusterDNS, 53, udp, true},
			{"backend -> DNS/TCP", backend, clusterDNS, 53, tcp, true},
			{"frontend -> DNS", frontend, clusterDNS, 53, udp, true},
			{"frontend -> database", frontend, database, dbPort, tcp, false},
			{"frontend -> AWS APIs", frontend, awsAPI, 443, tcp, false},
			{"external-dns -> Route53", externalDNS, awsAPI, 443, tcp, true},
			{"external-dns -> Pod Identity agent", externalDNS, podIdentity, 80, tcp, true},
			{"external-dns -> DNS", externalDNS, clusterDNS, 53, udp, true},
			{"external-dns -> database", externalDNS, database, dbPort, tcp, false},
			{"kubelet -> external-dns probes", alb, externalDNS, charts.ExternalDNSPort, tcp, true},
			{"backend -> external-dns", backend, externalDNS, charts.ExternalDNSPort, tcp, false},
		}
		for _, f := range flows {
			if got := ps.allowed(f.from, f.to, f.port, f.proto); got != f.want {
				t.Errorf("%s (:%d/%s): allowed = %v, want %v", f.name, f.port, f.proto, got, f.want)
			}
		}

		// Auto Mode enforces none of this unless its controller is on.
		var cm corev1.ConfigMap
		find(t, docs, "ConfigMap", "kube-system", "amazon-vpc-cni", &cm)
		if cm.Data["enable-network-policy-controller"] != "true" {
			t.Errorf("amazon-vpc-cni data %v: the network policy controller is off", cm.Data)
		}

		// Default deny both ways in both namespaces.
		for _, ns := range []string{shop, env.Names.ExternalDNSNamespace} {
			ok := false
			for _, np := range ps.policies {
				ok = ok || (np.Namespace == ns && len(np.Spec.PodSelector.MatchLabels) == 0 && len(np.Spec.PodSelector.MatchExpressions) == 0 &&
					hasType(np, networkingv1.PolicyTypeIngress) && hasType(np, networkingv1.PolicyTypeEgress) &&
					len(np.Spec.Ingress) == 0 && len(np.Spec.Egress) == 0)
			}
			if !ok {
				t.Errorf("namespace %s: no default-deny policy", ns)
			}
		}
	})
}
