package charts_test

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/internal/k8stest"
)

// TestAPIServerAcceptsManifests dry-runs every synthesized object of every
// environment against a real kube-apiserver (internal/k8stest): strict
// field validation, PodSecurity "restricted" with warnings as errors, and
// the EKS Auto Mode CRDs (NodePool, IngressClassParams) for the custom
// kinds. The first run builds the binaries (about 5 minutes); later runs
// take seconds.
//
// Then it breaks the storefront's own objects the ways a careless edit
// would, and expects the same server to refuse each one. (internal/k8stest
// proves the same on hand-written objects.)
func TestAPIServerAcceptsManifests(t *testing.T) {
	dirs := envDirs(t)
	srv := k8stest.Start(t)
	for _, env := range synthEnvs {
		t.Run(env.Name, func(t *testing.T) {
			srv.CheckManifests(t, dirs[env.Name])
		})
	}

	env := synthEnvs[0]
	docs := readDocs(t, dirs[env.Name])
	namespace := string(find(t, docs, "Namespace", "", env.Names.Namespace, nil).Raw)
	backend := find(t, docs, "Deployment", env.Names.Namespace, env.Names.Backend, nil).Raw
	frontend := find(t, docs, "Deployment", env.Names.Namespace, env.Names.Frontend, nil).Raw
	nodePool := find(t, docs, "NodePool", "", charts.NodePoolName, nil).Raw
	purge := find(t, docs, "CronJob", env.Names.Namespace, charts.PurgeName(env.Names.Backend), nil).Raw

	for _, tc := range []struct {
		name   string
		broken string
		want   string
	}{
		{
			name: "backend as root",
			broken: edit(t, backend, func(o map[string]any) {
				container(o)["securityContext"] = map[string]any{"runAsUser": 0, "runAsNonRoot": false}
			}),
			want: `would violate PodSecurity "restricted`,
		},
		{
			name: "backend without seccomp and with a capability",
			broken: edit(t, backend, func(o map[string]any) {
				podSpec(o)["securityContext"] = map[string]any{"runAsNonRoot": true}
				container(o)["securityContext"] = map[string]any{"allowPrivilegeEscalation": false, "capabilities": map[string]any{"add": []any{"NET_ADMIN"}}}
			}),
			want: `would violate PodSecurity "restricted`,
		},
		{
			name: "frontend exporter sidecar allowing privilege escalation",
			broken: edit(t, frontend, func(o map[string]any) {
				sidecar := podSpec(o)["containers"].([]any)[1].(map[string]any)
				sidecar["securityContext"].(map[string]any)["allowPrivilegeEscalation"] = true
			}),
			want: `would violate PodSecurity "restricted`,
		},
		{
			name: "purge CronJob pod as root",
			broken: edit(t, purge, func(o map[string]any) {
				job := o["spec"].(map[string]any)["jobTemplate"].(map[string]any)
				c := podSpec(job)["containers"].([]any)[0].(map[string]any)
				c["securityContext"] = map[string]any{"runAsUser": 0, "runAsNonRoot": false}
			}),
			want: `would violate PodSecurity "restricted`,
		},
		{
			name:   "backend with an unknown field",
			broken: edit(t, backend, func(o map[string]any) { container(o)["prots"] = []any{map[string]any{"containerPort": 8080}} }),
			want:   "prots",
		},
		{
			name: "NodePool whose nodeClassRef has no name",
			broken: edit(t, nodePool, func(o map[string]any) {
				spec := o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
				spec["nodeClassRef"] = map[string]any{"group": "eks.amazonaws.com", "kind": "NodeClass"} // name missing
			}),
			want: "name",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := srv.CheckObjects(t, namespace+"---\n"+tc.broken)
			if err == nil {
				t.Fatalf("the API server accepted:\n%s", tc.broken)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("rejected, but not for %q: %v", tc.want, err)
			}
		})
	}
}

func edit(t *testing.T, raw []byte, f func(map[string]any)) string {
	t.Helper()
	var o map[string]any
	if err := yaml.Unmarshal(raw, &o); err != nil {
		t.Fatal(err)
	}
	f(o)
	out, err := yaml.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func podSpec(o map[string]any) map[string]any {
	return o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
}

func container(o map[string]any) map[string]any {
	return podSpec(o)["containers"].([]any)[0].(map[string]any)
}
