package deploytest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// migrationJob is the migration Job's name in dist/<env>: the tag plus a
// hash of its template (cdk8s/charts MigrationJobName).
func migrationJob(t *testing.T, env string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repo, "dist", env, "k8s", "shop-migrate.k8s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^  name: (backend-migrate-[a-z0-9-]+)$`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("no migration Job name in dist/%s/k8s/shop-migrate.k8s.yaml", env)
	}
	return string(m[1])
}

// The calls of a whole first deploy, in order.
func TestFirstDeployDev(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "dev")
	// Auto Mode's NodePool kind is not served at the first look.
	h.flag("notserved/" + discoveryKey("/apis/karpenter.sh/v1"))
	r := h.run("dev")
	r.exits(t, 0)
	edge, network, cluster, database := h.stack("edge"), h.stack("network"), h.stack("cluster"), h.stack("database")
	k8s := "dist/dev/k8s/"
	r.inOrder(t,
		"preflight -env dev -stage infra",
		"aws eks get-token --cluster-name shopstack-dev --region eu-west-1 --role-arn arn:aws:iam::111122223333:role/Admin",
		"cdk synth",
		// the repositories first
		"aws cloudformation describe-stacks --stack-name "+edge,
		"cdk deploy "+edge+" --app && --exclusively --method=prepare-change-set --change-set-name shopstack-deploy --require-approval never",
		"aws cloudformation describe-change-set --stack-name "+edge+" --change-set-name shopstack-deploy",
		"cdk deploy "+edge+" --app && --method=execute-change-set --change-set-name shopstack-deploy --require-approval never",
		// then the images
		"images -env dev",
		// then the rest, in dependency order
		"cdk deploy "+network+" && prepare-change-set", "cdk deploy "+network+" && execute-change-set",
		"cdk deploy "+cluster+" && prepare-change-set", "cdk deploy "+cluster+" && execute-change-set",
		"cdk deploy "+database+" && prepare-change-set", "cdk deploy "+database+" && execute-change-set",
		"preflight -env dev -stage images",
		"aws eks update-kubeconfig --name shopstack-dev --region eu-west-1 --role-arn arn:aws:iam::111122223333:role/Admin",
		// the kinds, waited for
		"kubectl --context shopstack-dev get --raw /apis/karpenter.sh/v1",
		"kubectl --context shopstack-dev get --raw /apis/karpenter.sh/v1",
		// namespaces, then diff everything, then apply in order
		"kubectl --context shopstack-dev diff --server-side --field-manager=shopstack-deploy -f && namespaces.yaml",
		"kubectl --context shopstack-dev apply --server-side --field-manager=shopstack-deploy --filename= && namespaces.yaml",
		"diff --server-side --field-manager=shopstack-deploy -f "+k8s+"cluster.k8s.yaml",
		"diff --server-side --field-manager=shopstack-deploy -f "+k8s+"shop.k8s.yaml",
		"apply --server-side --field-manager=shopstack-deploy --filename="+k8s+"cluster.k8s.yaml --filename="+k8s+"shop-base.k8s.yaml --filename="+k8s+"external-dns.k8s.yaml",
		"apply --server-side --field-manager=shopstack-deploy --filename="+k8s+"monitoring.k8s.yaml",
		"apply --server-side --field-manager=shopstack-deploy --filename="+k8s+"shop-migrate.k8s.yaml",
		"-n shop wait --for=condition=complete --timeout=16m job/"+migrationJob(t, "dev"),
		"apply --server-side --field-manager=shopstack-deploy --filename="+k8s+"shop.k8s.yaml",
		"-n external-dns rollout status deployment/external-dns --timeout=10m",
		"-n shop rollout status deployment/backend --timeout=10m",
		"-n shop rollout status deployment/frontend --timeout=10m",
	)
	// Each stack: exactly one prepare and one execute; docker only checked.
	for _, s := range []string{edge, network, cluster, database} {
		prepares, executes := 0, 0
		for _, c := range r.calls {
			if strings.HasPrefix(c, "cdk deploy "+s+" ") && strings.Contains(c, "prepare-change-set") {
				prepares++
			}
			if strings.HasPrefix(c, "cdk deploy "+s+" ") && strings.Contains(c, "execute-change-set") {
				executes++
			}
		}
		if prepares != 1 || executes != 1 {
			t.Errorf("%s: %d prepares, %d executes, want 1 each", s, prepares, executes)
		}
	}
	r.never(t, "docker ", "--require-approval broadening", "get-template")
	r.says(t, "waiting for the cluster to serve: NodePool (karpenter.sh/v1)", "deployed dev", "ingress: kubectl --context shopstack-dev -n shop get ingress/storefront")
}

// A failed pre-flight stops before anything changes, and shows why.
func TestPreflightFailsStopsBeforeCDK(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "prod")
	h.flag("preflight.infra.fail")
	r := h.run("--yes", "prod")
	r.exits(t, 1)
	r.inOrder(t, "preflight -env prod -stage infra")
	r.never(t, "cdk ", "aws ", "images ", "kubectl ")
	r.says(t, "FAIL postgres-version: PostgreSQL 17 is not offered in eu-west-1 -> fix: set Database.EngineVersion", "pre-flight failed: fix every FAIL line above", "Nothing was changed")
}

// Someone who cannot assume the admin role would deploy the stacks and then
// be refused by the cluster: stopped before anything changes.
func TestCallerNotAdminStopsBeforeCDK(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "dev")
	h.flag("get-token.denied")
	r := h.run("dev")
	r.exits(t, 1)
	r.inOrder(t, "preflight -env dev -stage infra", "aws eks get-token")
	r.never(t, "cdk ", "images ", "kubectl ", "update-kubeconfig")
	r.says(t, "is not authorized to perform: sts:AssumeRole", "cannot assume arn:aws:iam::111122223333:role/Admin (Cluster.AdminRoleARNs[0] of dev in platform/defaults.go)", "Nothing was changed")
}

// update-kubeconfig itself failing (no cluster) is named too.
func TestUpdateKubeconfigFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "dev")
	h.flag("update-kubeconfig.fail")
	r := h.run("dev")
	r.exits(t, 1)
	r.inOrder(t, "preflight -env dev -stage images", "aws eks update-kubeconfig")
	r.never(t, "kubectl ")
	r.says(t, "No cluster found for name: shopstack-dev", "cannot write a kubeconfig for shopstack-dev as arn:aws:iam::111122223333:role/Admin")
}

// The images fail after the repositories exist: the other stacks are not
// touched.
func TestImagesFailStopsBeforeTheOtherStacks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "dev")
	h.flag("images.fail")
	r := h.run("dev")
	r.exits(t, 1)
	r.inOrder(t, "cdk deploy shopstack-dev-edge && execute-change-set", "images -env dev")
	r.never(t, "shopstack-dev-network", "shopstack-dev-cluster", "shopstack-dev-database", "kubectl ", "-stage images")
	r.says(t, "denied", "images failed (see above). The repository stacks are deployed, nothing else changed")
}

// prodReplacement: prod is deployed and up to date, and the database's
// change set replaces the instance.
func prodReplacement(t *testing.T) *harness {
	h := newHarness(t, "prod")
	h.upToDate()
	db := h.stack("database")
	h.answer(db+".changes.json", changeSet(db, "CREATE_COMPLETE", "AVAILABLE", "",
		resourceChange("Modify", "PostgresInstanceEC667DB9", "AWS::RDS::DBInstance", "True", "ReplaceAndSnapshot", detail("DBName", "Always"))))
	return h
}

// Without a terminal and without --yes, a replacement in prod is refused:
// printed, not executed, and nothing after it runs.
func TestProdReplacementRefusedWithoutTerminal(t *testing.T) {
	t.Parallel()
	h := prodReplacement(t)
	r := h.run("prod")
	r.exits(t, 1)
	r.inOrder(t, "images -env prod", "cdk deploy shopstack-prod-database && prepare-change-set", "describe-change-set --stack-name shopstack-prod-database")
	r.never(t, "execute-change-set", "kubectl ", "-stage images")
	r.says(t,
		"PostgresInstanceEC667DB9 (AWS::RDS::DBInstance): replaced (Replacement True) by Properties.DBName",
		"executing the DESTRUCTIVE change set of shopstack-prod-database (listed above) needs a confirmation, and stdin is not a terminal",
		"run again with --yes",
		"The change set shopstack-deploy stays on shopstack-prod-database for review")
	// The stacks without changes: their empty change sets are cleaned up.
	r.inOrder(t, "delete-change-set --stack-name shopstack-prod-edge", "delete-change-set --stack-name shopstack-prod-network", "delete-change-set --stack-name shopstack-prod-cluster")
}

// With --yes the same replacement executes, and the deploy goes on.
func TestProdReplacementWithYes(t *testing.T) {
	t.Parallel()
	h := prodReplacement(t)
	h.flag("diff.changed")
	r := h.run("--yes", "prod")
	r.exits(t, 0)
	r.inOrder(t, "cdk deploy shopstack-prod-database && prepare-change-set", "describe-change-set --stack-name shopstack-prod-database", "cdk deploy shopstack-prod-database && execute-change-set", "preflight -env prod -stage images", "kubectl")
	r.says(t, "--yes: going on with executing the DESTRUCTIVE change set of shopstack-prod-database", "--yes: going on with applying the manifest changes above (prod)", "deployed prod")
	// Only the database had changes.
	for _, c := range r.calls {
		if strings.Contains(c, "execute-change-set") && !strings.Contains(c, "shopstack-prod-database") {
			t.Errorf("executed an empty change set: %s", c)
		}
	}
}

// On a terminal the same confirmation is a typed "yes"; anything else stops.
func TestProdReplacementConfirmedOnATerminal(t *testing.T) {
	t.Parallel()
	h := prodReplacement(t)
	r := h.runTTY("yes\n", "prod")
	r.exits(t, 0)
	r.inOrder(t, "describe-change-set --stack-name shopstack-prod-database", "cdk deploy shopstack-prod-database && execute-change-set", "kubectl")
	r.says(t, "executing the DESTRUCTIVE change set of shopstack-prod-database (listed above). Type yes to go on:", "deployed prod")

	h = prodReplacement(t)
	r = h.runTTY("no\n", "prod")
	r.exits(t, 1)
	r.never(t, "execute-change-set", "kubectl ")
	r.says(t, "not confirmed: stopped before executing the DESTRUCTIVE change set of shopstack-prod-database")
}

// In prod even an in-place change needs a confirmation; in dev it does not.
func TestProdConfirmsEveryChange(t *testing.T) {
	t.Parallel()
	for _, env := range []string{"prod", "dev"} {
		h := newHarness(t, env)
		h.upToDate()
		net := h.stack("network")
		h.answer(net+".changes.json", changeSet(net, "CREATE_COMPLETE", "AVAILABLE", "",
			resourceChange("Modify", "NetworkVpcFlowLogs", "AWS::EC2::FlowLog", "False", "", detail("Tags", "Never"))))
		r := h.run(env)
		if env == "prod" {
			r.exits(t, 1)
			r.says(t, "executing the change set of shopstack-prod-network (prod) needs a confirmation")
			r.never(t, "execute-change-set")
		} else {
			r.exits(t, 0)
			r.inOrder(t, "cdk deploy shopstack-dev-network && execute-change-set")
		}
	}
}

// A deployed Retain that the new template makes Delete stops the deploy,
// in dev too, although CloudFormation replaces and removes nothing.
func TestDeletionPolicyWeakeningStops(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "dev")
	h.upToDate()
	edge := h.stack("edge")
	current := string(h.template(edge))
	const repo = `"Type": "AWS::ECR::Repository",`
	if !strings.Contains(current, repo) || !strings.Contains(current, `"DeletionPolicy": "Delete"`) {
		t.Fatalf("dist/dev edge template changed shape: no repository with DeletionPolicy Delete")
	}
	// As deployed: the repositories were Retain.
	h.deployed(edge, []byte(strings.ReplaceAll(current, `"DeletionPolicy": "Delete"`, `"DeletionPolicy": "Retain"`)))
	h.answer(edge+".changes.json", changeSet(edge, "CREATE_COMPLETE", "AVAILABLE", "",
		resourceChange("Modify", "EdgeBackendRepositoryEE19E1A6", "AWS::ECR::Repository", "False", "", detail("LifecyclePolicy", "Never"))))
	r := h.run("dev")
	r.exits(t, 1)
	r.inOrder(t, "aws cloudformation get-template --stack-name "+edge, "cdk deploy "+edge+" && prepare-change-set", "describe-change-set --stack-name "+edge)
	r.never(t, "execute-change-set", "images ")
	r.says(t, "DeletionPolicy weakened: Retain -> Delete", "executing the DESTRUCTIVE change set of shopstack-dev-edge (listed above) needs a confirmation")
}

// kubectl diff exiting 2 is an error, not a difference: nothing is applied.
func TestKubectlDiffErrorStops(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "dev")
	h.upToDate()
	h.flag("diff.fail.shop-migrate.k8s.yaml")
	r := h.run("dev")
	r.exits(t, 1)
	r.inOrder(t, "diff --server-side --field-manager=shopstack-deploy -f dist/dev/k8s/cluster.k8s.yaml", "diff --server-side && -f dist/dev/k8s/shop-migrate.k8s.yaml")
	r.never(t, "--filename=dist/dev/k8s/", "-f dist/dev/k8s/shop.k8s.yaml", " wait ")
	r.says(t, "field is immutable", "kubectl diff of dist/dev/k8s/shop-migrate.k8s.yaml failed (exit 2", "delete that Job first")
}

// The migration Job timing out stops before the new workloads, and says
// which Job and how to look at it.
func TestMigrationJobTimeoutStops(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "dev")
	h.upToDate()
	h.flag("wait.timeout")
	r := h.run("dev")
	r.exits(t, 1)
	job := migrationJob(t, "dev")
	r.inOrder(t, "--filename=dist/dev/k8s/shop-migrate.k8s.yaml", "wait --for=condition=complete --timeout=16m job/"+job)
	r.never(t, "--filename=dist/dev/k8s/shop.k8s.yaml", "rollout status")
	r.says(t, "error: timed out waiting for the condition on jobs/"+job,
		"the migration job/"+job+" in namespace shop did not complete within 16m",
		"kubectl --context shopstack-dev -n shop logs job/"+job)
}

// prod's manifest differences need a confirmation like its change sets.
func TestProdManifestDifferencesRefusedWithoutTerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "prod")
	h.upToDate()
	h.flag("diff.changed")
	r := h.run("prod")
	r.exits(t, 1)
	r.never(t, "execute-change-set", "apply --server-side")
	r.says(t, "applying the namespace changes above (prod) needs a confirmation")
}

func TestUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"--frobnicate", "dev"}, {"dev", "prod"}} {
		h := newHarness(t, "dev")
		r := h.run(args...)
		r.exits(t, 2)
		r.says(t, "usage: scripts/deploy.sh [--yes] dev|prod")
		r.never(t, "preflight", "cdk", "aws")
	}
	h := newHarness(t, "dev")
	r := h.run("staging")
	r.exits(t, 1)
	r.says(t, `no environment "staging" in platform/`)
	r.never(t, "preflight", "cdk", "aws")
}
