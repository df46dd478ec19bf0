package platform_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/platform"
)

// MirroredImage: an upstream reference becomes <registry>/<prefix>/<path>:<tag>
// (the pull form of "Pulling an image with a pull through cache rule" in
// the ECR User Guide), the prefix carries the environment, and a registry
// without a rule is refused.
func TestMirroredImage(t *testing.T) {
	dev, prod := platform.Dev(), platform.Prod()
	reg := "111122223333.dkr.ecr.eu-west-1.amazonaws.com"
	for _, c := range []struct {
		env       platform.Environment
		ref, want string
	}{
		{dev, "quay.io/prometheus/prometheus:v3.5.0", reg + "/shopstack-dev/quay/prometheus/prometheus:v3.5.0"},
		{prod, "quay.io/prometheus/prometheus:v3.5.0", reg + "/shopstack-prod/quay/prometheus/prometheus:v3.5.0"},
		{dev, "registry.k8s.io/external-dns/external-dns:v0.19.0", reg + "/shopstack-dev/k8s/external-dns/external-dns:v0.19.0"},
		{dev, "docker.io/grafana/grafana:12.0.2", reg + "/shopstack-dev/docker-hub/grafana/grafana:12.0.2"},
		// Docker Hub official images keep library/, as the ECR guide requires.
		{dev, "docker.io/library/busybox:1.37.0", reg + "/shopstack-dev/docker-hub/library/busybox:1.37.0"},
	} {
		if got := c.env.MirroredImage(c.ref); got != c.want {
			t.Errorf("%s: MirroredImage(%q) = %q, want %q", c.env.Name, c.ref, got, c.want)
		}
	}
	for _, bad := range []struct{ ref, want string }{
		{"ghcr.io/some/image:1.0", "no pull-through cache rule"},
		{"nginx:1.27", "want <registry host>/<repository>:<tag>"},      // implicit Docker Hub
		{"quay.io/prometheus/prometheus", "want <registry host>"},      // no tag
		{"quay.io/prometheus/prometheus@sha256:abc", "want <registry"}, // digests are not used (docs/kubernetes.md)
	} {
		got := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			dev.MirroredImage(bad.ref)
			return ""
		}()
		if !strings.Contains(got, bad.want) || !strings.Contains(got, bad.ref) {
			t.Errorf("MirroredImage(%q) panicked with %q, want the reference and %q", bad.ref, got, bad.want)
		}
	}
}

// Each upstream has one rule: hosts, ECR names and prefixes are unique, and
// every prefix fits AWS::ECR::PullThroughCacheRule's EcrRepositoryPrefix
// (2-30 characters) in every environment.
func TestUpstreams(t *testing.T) {
	envs, err := platform.All()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, u := range platform.Upstreams {
		for _, k := range []string{"host " + u.Host, "registry " + u.Registry, "name " + u.Name} {
			if seen[k] {
				t.Errorf("upstream %s used twice", k)
			}
			seen[k] = true
		}
		if got, ok := platform.UpstreamFor(u.Host + "/x/y:1"); !ok || got != u {
			t.Errorf("UpstreamFor(%s/...) = %+v, %v", u.Host, got, ok)
		}
		for _, env := range envs {
			if p := env.MirrorPrefix(u); len(p) < 2 || len(p) > 30 {
				t.Errorf("%s: prefix %q: %d characters, want 2-30", env.Name, p, len(p))
			}
		}
	}
	if platform.Dev().MirrorPrefix(platform.Upstreams[0]) == platform.Prod().MirrorPrefix(platform.Upstreams[0]) {
		t.Error("dev and prod share a cache prefix: two edge stacks in one account would collide")
	}
}
