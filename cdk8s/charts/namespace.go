package charts

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// ContainerDefaults are the LimitRange's per-container values.
type ContainerDefaults struct {
	// DefaultCPUMilli/DefaultMemoryMiB are the limits of a container that
	// sets none; DefaultRequest* its requests.
	DefaultCPUMilli, DefaultMemoryMiB               int
	DefaultRequestCPUMilli, DefaultRequestMemoryMiB int
	// MaxCPUMilli/MaxMemoryMiB cap any one container's limits.
	MaxCPUMilli, MaxMemoryMiB int
}

// Quota is the namespace's ResourceQuota.
type Quota struct {
	Pods                               int
	RequestsCPUMilli, LimitsCPUMilli   int
	RequestsMemoryMiB, LimitsMemoryMiB int
}

// NamespaceProps configures a Namespace with PodSecurity admission, a
// LimitRange and a ResourceQuota.
type NamespaceProps struct {
	// Name of the namespace. Required.
	Name string
	// PodSecurityLevel is enforced, audited and warned.
	// Default: "restricted".
	PodSecurityLevel string
	// Labels are added to the namespace. Default: none.
	Labels map[string]string
	// Containers sets the LimitRange. Default: no LimitRange.
	Containers *ContainerDefaults
	// Quota sets the ResourceQuota. Default: no ResourceQuota.
	Quota *Quota
}

// Namespace is a namespace and its admission guard rails.
type Namespace struct {
	constructs.Construct
	Name       string
	Namespace  k8s.KubeNamespace
	LimitRange k8s.KubeLimitRange    // nil without Containers
	Quota      k8s.KubeResourceQuota // nil without Quota
}

// NewNamespace adds a namespace to scope.
func NewNamespace(scope constructs.Construct, id string, props *NamespaceProps) *Namespace {
	p := propsOf(scope, id, props)
	if p.Name == "" {
		failAt(scope, id, fmt.Errorf("NamespaceProps.Name is required"))
	}
	defaultTo(&p.PodSecurityLevel, PodSecurityRestricted)
	switch p.PodSecurityLevel {
	case PodSecurityRestricted, PodSecurityBaseline, PodSecurityPrivileged:
	default:
		failAt(scope, id, fmt.Errorf("NamespaceProps.PodSecurityLevel of %s = %q: want restricted, baseline or privileged", p.Name, p.PodSecurityLevel))
	}
	c := constructs.NewConstruct(scope, str(id))
	n := &Namespace{Construct: c, Name: p.Name}
	labels := merge(storefrontLabels(p.Labels), PodSecurityLabels(p.PodSecurityLevel))
	n.Namespace = k8s.NewKubeNamespace(c, str("namespace"), &k8s.KubeNamespaceProps{
		Metadata: &k8s.ObjectMeta{Name: str(p.Name), Labels: stringMap(labels)},
	})
	meta := func(name string) *k8s.ObjectMeta {
		return &k8s.ObjectMeta{Name: str(name), Namespace: str(p.Name), Labels: stringMap(storefrontLabels(nil))}
	}
	if d := p.Containers; d != nil {
		cpuMem := func(cpu, mem int) *map[string]k8s.Quantity {
			return &map[string]k8s.Quantity{"cpu": qty(milliCPU(cpu)), "memory": qty(mebibytes(mem))}
		}
		n.LimitRange = k8s.NewKubeLimitRange(c, str("limits"), &k8s.KubeLimitRangeProps{
			Metadata: meta("container-defaults"),
			Spec: &k8s.LimitRangeSpec{Limits: &[]*k8s.LimitRangeItem{{
				Type:           str("Container"),
				Default:        cpuMem(d.DefaultCPUMilli, d.DefaultMemoryMiB),
				DefaultRequest: cpuMem(d.DefaultRequestCPUMilli, d.DefaultRequestMemoryMiB),
				Max:            cpuMem(d.MaxCPUMilli, d.MaxMemoryMiB),
			}}},
		})
	}
	if q := p.Quota; q != nil {
		n.Quota = k8s.NewKubeResourceQuota(c, str("quota"), &k8s.KubeResourceQuotaProps{
			Metadata: meta("storefront"),
			Spec: &k8s.ResourceQuotaSpec{Hard: &map[string]k8s.Quantity{
				"pods":            qty(fmt.Sprint(q.Pods)),
				"requests.cpu":    qty(milliCPU(q.RequestsCPUMilli)),
				"requests.memory": qty(mebibytes(q.RequestsMemoryMiB)),
				"limits.cpu":      qty(milliCPU(q.LimitsCPUMilli)),
				"limits.memory":   qty(mebibytes(q.LimitsMemoryMiB)),
				// Traffic enters through the ALB only.
				"services.loadbalancers": qty("0"),
				"services.nodeports":     qty("0"),
			}},
		})
	}
	return n
}

// ServiceAccountProps configures a ServiceAccount.
type ServiceAccountProps struct {
	// Name and Namespace of the account. Required: other layers (the Pod
	// Identity association) name it.
	Name, Namespace string
	// AutomountToken mounts a Kubernetes API token into pods by default.
	// Default: false (the storefront never calls the Kubernetes API).
	AutomountToken bool
}

// NewServiceAccount adds a ServiceAccount with an explicit name.
func NewServiceAccount(scope constructs.Construct, id string, props *ServiceAccountProps) k8s.KubeServiceAccount {
	p := propsOf(scope, id, props)
	if p.Name == "" || p.Namespace == "" {
		failAt(scope, id, fmt.Errorf("ServiceAccountProps: Name (%q) and Namespace (%q) are required", p.Name, p.Namespace))
	}
	return k8s.NewKubeServiceAccount(scope, str(id), &k8s.KubeServiceAccountProps{
		Metadata: &k8s.ObjectMeta{
			Name: str(p.Name), Namespace: str(p.Namespace),
			Labels: stringMap(storefrontLabels(map[string]string{LabelName: p.Name})),
		},
		AutomountServiceAccountToken: jsii.Bool(p.AutomountToken),
	})
}
