package charts

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// EKS Auto Mode's load balancing: the IngressClass controller name and the
// API group of its IngressClassParams
// (https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html).
const (
	AutoModeALBController = "eks.amazonaws.com/alb"
	AutoModeAPIGroup      = "eks.amazonaws.com"
)

// albHealthCheck are the Service annotations that set the ALB target
// group's health check for the Service's pods (the AWS Load Balancer
// Controller reads healthcheck-* from the Service as well as the Ingress).
func albHealthCheck(path string) map[string]string {
	return map[string]string{
		"alb.ingress.kubernetes.io/healthcheck-path":     path,
		"alb.ingress.kubernetes.io/healthcheck-port":     "traffic-port",
		"alb.ingress.kubernetes.io/healthcheck-protocol": "HTTP",
		"alb.ingress.kubernetes.io/success-codes":        "200",
	}
}

// IngressRoute sends a path prefix (or, with Exact, one path) to a Service port.
type IngressRoute struct {
	PathPrefix  string
	ServiceName string
	ServicePort string // the Service port's name
	// Exact matches PathPrefix only, not the paths below it (pathType
	// Exact). Default: false (pathType Prefix).
	Exact bool
}

// Path types of an Ingress path.
const (
	PathTypeExact  = "Exact"
	PathTypePrefix = "Prefix"
)

// StorefrontIngressProps configures the storefront's ALB.
type StorefrontIngressProps struct {
	// Name of the IngressClass and IngressClassParams (cluster-scoped) and
	// of the Ingress. Required.
	ClassName, IngressName string
	// Namespace of the Ingress; the IngressClassParams admit only it. Required.
	Namespace string
	// Host is the TLS host; the ALB discovers its ACM certificate by it.
	// Required.
	Host string
	// Routes in order: exact paths first, then prefixes from the most
	// specific; a catch-all "/" prefix, if any, must be last. The ALB
	// orders its rules the same way whatever the order here ("pathType:
	// Exact paths are always ordered first, followed by pathType: Prefix
	// paths, with the longest prefix first", AWS Load Balancer Controller
	// v2.4.3+, https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/spec);
	// the validation keeps the manifest reading the way the ALB routes.
	// Required.
	Routes []IngressRoute
	// SSLPolicy is the HTTPS listener's security policy.
	// Default: "ELBSecurityPolicy-TLS13-1-2-2021-06".
	SSLPolicy string
	// DeregistrationDelaySeconds is how long the ALB lets in-flight requests
	// of a deregistered pod finish; keep it within the pods' termination
	// grace period. Default: 30.
	DeregistrationDelaySeconds int
	// Tags are put on the load balancer. Default: none.
	Tags map[string]string
}

// StorefrontIngress is an internet-facing ALB in EKS Auto Mode.
type StorefrontIngress struct {
	Params  cdk8s.ApiObject
	Class   k8s.KubeIngressClass
	Ingress k8s.KubeIngress
}

// NewStorefrontIngress adds the IngressClassParams, IngressClass and Ingress.
//
// No certificate ARN is configured: the ARN exists only after the CDK stack
// deployed, and the controller discovers an ACM certificate from the
// Ingress' TLS host when none is given
// (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/cert_discovery/).
func NewStorefrontIngress(scope constructs.Construct, id string, props *StorefrontIngressProps) *StorefrontIngress {
	p := propsOf(scope, id, props).withDefaults()
	if err := p.validate(); err != nil {
		failAt(scope, id, err)
	}
	c := constructs.NewConstruct(scope, str(id))
	s := &StorefrontIngress{}
	s.Params = p.addParams(c)
	s.Class = p.addClass(c)
	s.Ingress = p.addIngress(c)
	return s
}

func (p StorefrontIngressProps) withDefaults() StorefrontIngressProps {
	defaultTo(&p.SSLPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06")
	defaultTo(&p.DeregistrationDelaySeconds, 30)
	return p
}

func (p StorefrontIngressProps) validate() error {
	if p.ClassName == "" || p.IngressName == "" || p.Namespace == "" || p.Host == "" || len(p.Routes) == 0 {
		return fmt.Errorf("StorefrontIngressProps: ClassName, IngressName, Namespace, Host and Routes are required (got %+v)", p)
	}
	for i, r := range p.Routes {
		if !strings.HasPrefix(r.PathPrefix, "/") || r.ServiceName == "" || r.ServicePort == "" {
			return fmt.Errorf("StorefrontIngressProps.Routes[%d]: PathPrefix must start with / and ServiceName and ServicePort are required (got %+v)", i, r)
		}
		if r.Exact && i > 0 && !p.Routes[i-1].Exact {
			return fmt.Errorf("StorefrontIngressProps.Routes[%d]: exact path %q must come before the prefixes (the ALB matches exact paths first)", i, r.PathPrefix)
		}
		if !r.Exact && r.PathPrefix == "/" && i != len(p.Routes)-1 {
			return fmt.Errorf("StorefrontIngressProps.Routes[%d]: the catch-all prefix \"/\" must be the last route, got %d after it", i, len(p.Routes)-1-i)
		}
	}
	return nil
}

// addParams: an internet-facing IPv4 ALB with the TLS policy and tags,
// for Ingresses of the storefront's namespace only.
func (p StorefrontIngressProps) addParams(c constructs.Construct) cdk8s.ApiObject {
	params := cdk8s.NewApiObject(c, str("params"), &cdk8s.ApiObjectProps{
		ApiVersion: str(AutoModeAPIGroup + "/v1"),
		Kind:       str("IngressClassParams"),
		Metadata:   &cdk8s.ApiObjectMetadata{Name: str(p.ClassName), Labels: stringMap(storefrontLabels(nil))},
	})
	spec := map[string]any{
		"scheme":        "internet-facing",
		"ipAddressType": "ipv4",
		"sslPolicy":     p.SSLPolicy,
		// Only the storefront's namespace may put Ingresses on this class.
		"namespaceSelector": map[string]any{
			"matchLabels": map[string]any{LabelNamespaceName: p.Namespace},
		},
	}
	if len(p.Tags) > 0 {
		var tags []any
		for _, k := range sortedKeys(p.Tags) {
			tags = append(tags, map[string]any{"key": k, "value": p.Tags[k]})
		}
		spec["tags"] = tags
	}
	params.AddJsonPatch(cdk8s.JsonPatch_Add(str("/spec"), spec))
	return params
}

// addClass: the IngressClass of Auto Mode's ALB controller, with the params.
func (p StorefrontIngressProps) addClass(c constructs.Construct) k8s.KubeIngressClass {
	return k8s.NewKubeIngressClass(c, str("class"), &k8s.KubeIngressClassProps{
		Metadata: &k8s.ObjectMeta{Name: str(p.ClassName), Labels: stringMap(storefrontLabels(nil))},
		Spec: &k8s.IngressClassSpec{
			Controller: str(AutoModeALBController),
			Parameters: &k8s.IngressClassParametersReference{
				ApiGroup: str(AutoModeAPIGroup), Kind: str("IngressClassParams"), Name: str(p.ClassName),
			},
		},
	})
}

// addIngress: HTTPS on Host with the routes in order, HTTP only to
// redirect, pod IPs as targets.
func (p StorefrontIngressProps) addIngress(c constructs.Construct) k8s.KubeIngress {
	listen, _ := json.Marshal([]map[string]int{{"HTTP": 80}, {"HTTPS": 443}})
	var paths []*k8s.HttpIngressPath
	for _, r := range p.Routes {
		pathType := PathTypePrefix
		if r.Exact {
			pathType = PathTypeExact
		}
		paths = append(paths, &k8s.HttpIngressPath{
			Path:     str(r.PathPrefix),
			PathType: str(pathType),
			Backend: &k8s.IngressBackend{Service: &k8s.IngressServiceBackend{
				Name: str(r.ServiceName), Port: &k8s.ServiceBackendPort{Name: str(r.ServicePort)},
			}},
		})
	}
	return k8s.NewKubeIngress(c, str("ingress"), &k8s.KubeIngressProps{
		Metadata: &k8s.ObjectMeta{
			Name: str(p.IngressName), Namespace: str(p.Namespace), Labels: stringMap(storefrontLabels(nil)),
			Annotations: stringMap(map[string]string{
				// HTTP only to redirect; HTTPS with the discovered certificate.
				"alb.ingress.kubernetes.io/listen-ports": string(listen),
				"alb.ingress.kubernetes.io/ssl-redirect": "443",
				// Pod IPs as targets: traffic reaches pods from the ALB's
				// VPC addresses, which the NetworkPolicies admit.
				"alb.ingress.kubernetes.io/target-type": "ip",
				"alb.ingress.kubernetes.io/target-group-attributes": "deregistration_delay.timeout_seconds=" +
					strconv.Itoa(p.DeregistrationDelaySeconds),
			}),
		},
		Spec: &k8s.IngressSpec{
			IngressClassName: str(p.ClassName),
			Tls:              &[]*k8s.IngressTls{{Hosts: strs(p.Host)}},
			Rules: &[]*k8s.IngressRule{{
				Host: str(p.Host),
				Http: &k8s.HttpIngressRuleValue{Paths: &paths},
			}},
		},
	})
}
