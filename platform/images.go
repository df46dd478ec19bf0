package platform

import (
	"fmt"
	"regexp"
	"strings"
)

// Third-party images (Prometheus, Grafana, the exporters, ExternalDNS, the
// frontend's metrics sidecar) are never pulled from their public registries
// directly: anonymous Docker Hub pulls are rate-limited per source IP, and
// every node leaves the VPC through the same NAT addresses. Each public
// registry the manifests use is cached in the environment's own ECR
// registry by a pull-through cache rule (cdk/infra/registry.go), and the
// manifests name the cached copy. Both sides take the names from here:
// the rule's repository prefix (Environment.MirrorPrefix) and the rewritten
// image reference (Environment.MirroredImage), so the CDK rules and the
// manifests cannot disagree.
//
// Amazon ECR User Guide, "Sync an upstream registry with an Amazon ECR
// private registry"
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html):
// ECR Public, the Kubernetes registry and Quay need no authentication;
// Docker Hub, GitHub, GitLab and Azure need a Secrets Manager credential.
// The pulled reference is <registry>/<prefix>/<upstream repository>:<tag>
// ("Pulling an image with a pull through cache rule",
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working-pulling.html).

// Upstream is a public registry cached by a pull-through cache rule.
type Upstream struct {
	// Host is the registry host that upstream image references start
	// with, e.g. "quay.io".
	Host string
	// Registry is ECR's name of the upstream (the rule's UpstreamRegistry):
	// "ecr-public", "k8s", "quay", "docker-hub", ...
	Registry string
	// URL is the rule's UpstreamRegistryUrl (ECR API reference,
	// CreatePullThroughCacheRule: Docker Hub is registry-1.docker.io, the
	// Kubernetes registry registry.k8s.io, Quay quay.io).
	URL string
	// Name is the last part of the cache's repository prefix.
	Name string
}

// Upstreams are the public registries the manifests pull from, each
// cached by one rule. Prefer an upstream that needs no credential: the
// nginx exporter is published on Quay too (its README, "Docker images"),
// so only Grafana, published on Docker Hub alone (Grafana docs, "Run
// Grafana Docker image"), needs the credentialed Docker Hub rule.
var Upstreams = []Upstream{
	{Host: "quay.io", Registry: "quay", URL: "quay.io", Name: "quay"},
	{Host: "registry.k8s.io", Registry: "k8s", URL: "registry.k8s.io", Name: "k8s"},
	{Host: "docker.io", Registry: "docker-hub", URL: "registry-1.docker.io", Name: "docker-hub"},
}

// UpstreamFor returns the upstream an image reference is pulled from, by
// its registry host.
func UpstreamFor(ref string) (Upstream, bool) {
	host, _, ok := strings.Cut(ref, "/")
	if !ok {
		return Upstream{}, false
	}
	for _, u := range Upstreams {
		if u.Host == host {
			return u, true
		}
	}
	return Upstream{}, false
}

// MirrorPrefix is the ECR repository prefix of the environment's cache of
// u, e.g. "shopstack-dev/quay". It carries the environment because dev
// and prod may share an account and region, where a prefix is unique.
// (The construct in cdk/infra checks it against the rule's pattern.)
func (e Environment) MirrorPrefix(u Upstream) string {
	return "shopstack-" + e.Name + "/" + u.Name
}

// imageRefRe is <host>/<path>:<tag>, the only form the manifests use: an
// explicit registry host (never Docker's implicit docker.io) and a tag.
var imageRefRe = regexp.MustCompile(`^[a-z0-9.-]+\.[a-z]+/[a-z0-9._/-]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

// MirroredImage rewrites an upstream image reference such as
// "quay.io/prometheus/prometheus:v3.5.0" to the environment's cached copy,
// "<account>.dkr.ecr.<region>.amazonaws.com/shopstack-<env>/quay/prometheus/prometheus:v3.5.0".
// Docker Hub official images keep their "library/" path, as ECR requires.
// It panics on a reference whose registry has no entry in Upstreams or
// that is not <host>/<path>:<tag>: a new upstream needs a rule first.
func (e Environment) MirroredImage(ref string) string {
	if !imageRefRe.MatchString(ref) {
		panic(fmt.Sprintf("platform: image %q: want <registry host>/<repository>:<tag>", ref))
	}
	u, ok := UpstreamFor(ref)
	if !ok {
		hosts := make([]string, len(Upstreams))
		for i, u := range Upstreams {
			hosts[i] = u.Host
		}
		panic(fmt.Sprintf("platform: image %q: its registry has no pull-through cache rule; add it to platform.Upstreams (have %v)", ref, hosts))
	}
	return e.Registry() + "/" + e.MirrorPrefix(u) + "/" + strings.TrimPrefix(ref, u.Host+"/")
}
