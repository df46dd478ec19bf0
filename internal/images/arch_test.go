package images

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/platform"
)

// repoRoot is the repository root, where dist/ is.
const repoRoot = "../.."

// The committed dist/: every storefront pod is pinned to the storefront
// NodePool, which requires amd64, so both images are amd64 only, in both
// environments.
func TestArchitecturesOfTheCommittedDist(t *testing.T) {
	for _, name := range platform.EnvironmentNames() {
		t.Run(name, func(t *testing.T) {
			env, err := platform.For(name)
			if err != nil {
				t.Fatal(err)
			}
			c, err := ReadCluster(filepath.Join(repoRoot, "dist"), env)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]string{
				env.BackendImage():  {"Deployment shop/backend", "Job shop/backend-migrate", "CronJob shop/backend-purge"},
				env.FrontendImage(): {"Deployment shop/frontend"},
			}
			for ref, workloads := range want {
				got, err := c.ArchitecturesFor(ref)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Platforms(), []string{"linux/amd64"}) {
					t.Errorf("%s: platforms %v, want [linux/amd64]", ref, got.Platforms())
				}
				if len(got.Reasons) != len(workloads) {
					t.Errorf("%s: reasons %q, want one per workload %v", ref, got.Reasons, workloads)
				}
				for _, w := range workloads {
					found := false
					for _, r := range got.Reasons {
						if strings.HasPrefix(r, w) && strings.Contains(r, "karpenter.sh/nodepool=storefront") && strings.Contains(r, "kubernetes.io/arch In [amd64]") {
							found = true
						}
					}
					if !found {
						t.Errorf("%s: no reason for %s pinned to the storefront pool's amd64 in %q", ref, w, got.Reasons)
					}
				}
			}
		})
	}
}

// Synthetic clusters: every way a pod can reach a node pool.
func TestArchitecturesFor(t *testing.T) {
	const ref = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/backend:0.1.0"
	nodePool := func(name, archReq, taints string) string {
		s := "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: " + name + "\nspec:\n  template:\n    spec:\n      requirements:\n        - key: kubernetes.io/os\n          operator: In\n          values: [linux]\n"
		if archReq != "" {
			s += "        - key: kubernetes.io/arch\n" + archReq
		}
		if taints != "" {
			s += "      taints:\n" + taints
		}
		return s
	}
	deployment := func(podSpec string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: backend\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: backend\n          image: " + ref + "\n" + podSpec
	}
	const (
		inAMD64    = "          operator: In\n          values: [amd64]\n"
		inARM64    = "          operator: In\n          values: [arm64]\n"
		notInAMD64 = "          operator: NotIn\n          values: [amd64]\n"
		gpuTaint   = "        - key: gpu\n          value: \"true\"\n          effect: NoSchedule\n"
	)
	for _, tc := range []struct {
		name     string
		builtin  string // ComputeConfig.NodePools
		docs     []string
		want     []string
		wantErr  string
		inReason string
	}{
		{
			name: "pinned to an amd64 pool", builtin: `["system","general-purpose"]`,
			docs: []string{nodePool("storefront", inAMD64, ""), deployment("      nodeSelector:\n        karpenter.sh/nodepool: storefront\n")},
			want: []string{"amd64"}, inReason: "NodePool storefront (kubernetes.io/arch In [amd64])",
		},
		{
			name: "pinned to an arm64 pool", builtin: `["system","general-purpose"]`,
			docs: []string{nodePool("graviton", inARM64, ""), deployment("      nodeSelector:\n        karpenter.sh/nodepool: graviton\n")},
			want: []string{"arm64"},
		},
		{
			name: "pinned to a pool without an arch requirement: both, so a multi-arch image", builtin: `["system","general-purpose"]`,
			docs: []string{nodePool("any", "", ""), deployment("      nodeSelector:\n        karpenter.sh/nodepool: any\n")},
			want: []string{"amd64", "arm64"}, inReason: "no kubernetes.io/arch requirement",
		},
		{
			name: "pinned to a NotIn amd64 pool", builtin: `["general-purpose"]`,
			docs: []string{nodePool("notamd", notInAMD64, ""), deployment("      nodeSelector:\n        karpenter.sh/nodepool: notamd\n")},
			want: []string{"arm64"},
		},
		{
			name: "pool plus an arch selector on the pod", builtin: `["general-purpose"]`,
			docs: []string{nodePool("any", "", ""), deployment("      nodeSelector:\n        karpenter.sh/nodepool: any\n        kubernetes.io/arch: arm64\n")},
			want: []string{"arm64"}, inReason: "kubernetes.io/arch=arm64",
		},
		{
			name: "unpinned: general-purpose (amd64 only); system is tainted", builtin: `["system","general-purpose"]`,
			docs: []string{deployment("")},
			want: []string{"amd64"}, inReason: "NodePool general-purpose (built-in: amd64)",
		},
		{
			name: "unpinned and tolerating CriticalAddonsOnly: system's arm64 too", builtin: `["system","general-purpose"]`,
			docs: []string{deployment("      tolerations:\n        - key: CriticalAddonsOnly\n          operator: Exists\n")},
			want: []string{"amd64", "arm64"}, inReason: "NodePool system (built-in: amd64, arm64)",
		},
		{
			name: "unpinned: an untainted arm64 custom pool counts", builtin: `["general-purpose"]`,
			docs: []string{nodePool("graviton", inARM64, ""), deployment("")},
			want: []string{"amd64", "arm64"},
		},
		{
			name: "unpinned: a tainted custom pool does not", builtin: `["general-purpose"]`,
			docs: []string{nodePool("gpu", inARM64, gpuTaint), deployment("")},
			want: []string{"amd64"},
		},
		{
			name: "pinned to a tainted pool it does not tolerate", builtin: `["general-purpose"]`,
			docs:    []string{nodePool("gpu", inARM64, gpuTaint), deployment("      nodeSelector:\n        karpenter.sh/nodepool: gpu\n")},
			wantErr: "can be scheduled on no node pool",
		},
		{
			name: "pinned to a pool that does not exist", builtin: `["system"]`,
			docs:    []string{deployment("      nodeSelector:\n        karpenter.sh/nodepool: storefront\n")},
			wantErr: `selects NodePool "storefront", which is neither in the manifests nor an enabled built-in pool ([system])`,
		},
		{
			name: "general-purpose disabled: an unpinned pod has nowhere to go", builtin: `["system"]`,
			docs:    []string{deployment("")},
			wantErr: "can be scheduled on no node pool",
		},
		{
			name: "required node affinity is not guessed at", builtin: `["general-purpose"]`,
			docs:    []string{deployment("      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n              - matchExpressions:\n                  - key: kubernetes.io/arch\n                    operator: In\n                    values: [arm64]\n")},
			wantErr: "required node affinity",
		},
		{
			name: "no workload runs the image", builtin: `["general-purpose"]`,
			docs:    []string{nodePool("storefront", inAMD64, "")},
			wantErr: "is dist/ stale",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := platform.Dev()
			dist := t.TempDir()
			writeFile(t, filepath.Join(dist, "dev", "cloudformation", "shopstack-dev-cluster.template.json"),
				`{"Resources":{"EksCluster":{"Type":"AWS::EKS::Cluster","Properties":{"ComputeConfig":{"Enabled":true,"NodePools":`+tc.builtin+`}}}}}`)
			writeFile(t, filepath.Join(dist, "dev", "k8s", "all.k8s.yaml"), strings.Join(tc.docs, "---\n"))
			c, err := ReadCluster(dist, env)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.ArchitecturesFor(ref)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Architectures, tc.want) {
				t.Errorf("architectures %v, want %v (reasons %q)", got.Architectures, tc.want, got.Reasons)
			}
			if tc.inReason != "" && !strings.Contains(strings.Join(got.Reasons, "\n"), tc.inReason) {
				t.Errorf("reasons %q, want one containing %q", got.Reasons, tc.inReason)
			}
		})
	}
}

func TestReadClusterErrors(t *testing.T) {
	env := platform.Dev()
	for _, tc := range []struct {
		name, template, manifests, want string
	}{
		{"no template", "", "kind: Namespace\nmetadata:\n  name: shop\n", "the cluster template"},
		{"unknown built-in pool", `{"Resources":{"C":{"Type":"AWS::EKS::Cluster","Properties":{"ComputeConfig":{"Enabled":true,"NodePools":["gpu-pool"]}}}}}`, "kind: Namespace\nmetadata:\n  name: shop\n", `"gpu-pool", which is not a built-in Auto Mode pool`},
		{"no manifests", `{"Resources":{"C":{"Type":"AWS::EKS::Cluster","Properties":{}}}}`, "", "no manifests: run `go tool task synth`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dist := t.TempDir()
			if tc.template != "" {
				writeFile(t, filepath.Join(dist, "dev", "cloudformation", "shopstack-dev-cluster.template.json"), tc.template)
			}
			if tc.manifests != "" {
				writeFile(t, filepath.Join(dist, "dev", "k8s", "a.k8s.yaml"), tc.manifests)
			}
			_, err := ReadCluster(dist, env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
