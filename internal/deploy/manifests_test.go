package deploy

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadManifests(t *testing.T) {
	files, _ := filepath.Glob("../../dist/prod/k8s/*.yaml")
	objects, err := ReadManifests(files...)
	if err != nil {
		t.Fatal(err)
	}
	kinds := Kinds(objects)
	for v, k := range map[string]string{"karpenter.sh/v1": "NodePool", "eks.amazonaws.com/v1": "IngressClassParams", "batch/v1": "Job"} {
		if !strings.Contains(","+strings.Join(kinds[v], ",")+",", ","+k+",") {
			t.Errorf("kinds[%s] = %v, want %s", v, kinds[v], k)
		}
	}
	var buf bytes.Buffer
	if err := WriteDocuments(&buf, Select(objects, "Namespace")); err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{"name: shop", "name: monitoring", "name: external-dns", "pod-security.kubernetes.io/enforce: restricted"} {
		if !strings.Contains(buf.String(), ns) {
			t.Errorf("namespaces stream lacks %q:\n%s", ns, buf.String())
		}
	}
	if strings.Contains(buf.String(), "kind: Deployment") {
		t.Errorf("namespaces stream has more than namespaces")
	}
	jobs := Select(objects, "Job")
	if len(jobs) != 1 || jobs[0].Namespace != "shop" || !strings.HasPrefix(jobs[0].Name, "backend-migrate-") {
		t.Errorf("jobs = %+v", jobs)
	}
}

func TestDiscoveryPath(t *testing.T) {
	for v, want := range map[string]string{"v1": "/api/v1", "karpenter.sh/v1": "/apis/karpenter.sh/v1", "apps/v1": "/apis/apps/v1"} {
		if got := DiscoveryPath(v); got != want {
			t.Errorf("DiscoveryPath(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestMissingKinds(t *testing.T) {
	// The shape of `kubectl get --raw /apis/karpenter.sh/v1` (an
	// APIResourceList; subresources are listed as "<plural>/<sub>").
	list := []byte(`{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"karpenter.sh/v1","resources":[
		{"name":"nodepools","singularName":"nodepool","namespaced":false,"kind":"NodePool","verbs":["get","list"]},
		{"name":"nodeclaims/status","singularName":"","namespaced":false,"kind":"NodeClaim","verbs":["get"]}]}`)
	missing, err := MissingKinds(list, []string{"NodePool", "NodeClaim"})
	if err != nil || strings.Join(missing, ",") != "NodeClaim" {
		t.Errorf("missing = %v, %v; want NodeClaim (only its subresource is listed)", missing, err)
	}
	if _, err := MissingKinds([]byte("Error from server (NotFound)"), []string{"NodePool"}); err == nil {
		t.Error("a non-JSON answer was accepted")
	}
}
