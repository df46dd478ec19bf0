#!/usr/bin/env bash
# Deploy one environment, in the order a first deploy needs and every later
# deploy tolerates (README "Deploy", docs/kubernetes.md "Apply order"):
#
#   1. pre-flight, read-only: `preflight -stage infra`, and the caller may
#      assume the cluster's admin role (nothing is changed before both pass)
#   2. `cdk synth` once; the assembly must be byte-identical to dist/
#   3. CloudFormation, the stacks that hold the ECR repositories (edge)
#   4. `images`: build and push both images with the tag from platform/
#   5. CloudFormation, the other stacks in dependency order (network,
#      cluster, database)
#   6. pre-flight `-stage images`: both images exist, before any kubectl
#   7. kubeconfig as the first Cluster.AdminRoleARNs role
#   8. Kubernetes: wait until the cluster serves every kind the manifests
#      use, apply the namespaces, `kubectl diff` every manifest, then apply
#      in order: cluster-wide objects, base, external-dns, monitoring, the
#      migration Job (waited for), the workloads (rollouts waited for) and
#      the ingress
#
# Every CloudFormation stack goes through a change set: prepared, printed
# (what is added, modified, replaced, removed), checked for replacements,
# removals and weakened DeletionPolicy/UpdateReplacePolicy (against the
# deployed template), confirmed when the policy below asks for it, then
# executed. Confirmation policy:
#   prod  every change set with changes and every manifest diff with
#         differences needs a confirmation;
#   other environments (dev) only destructive change sets do (a replacement,
#         a removal, an undeterminable action, a weakened policy); in-place
#         changes and manifest differences proceed.
# A confirmation is a typed "yes" on a terminal, or --yes. Without a
# terminal on stdin and without --yes the script stops at the first
# confirmation, with what it would have asked, instead of hanging.
#
# Usage: scripts/deploy.sh [--yes] dev|prod
#
# Needs: AWS credentials for the environment's account, a bootstrapped
# account (cdk bootstrap), aws, kubectl and docker on PATH, go and node.
# Not runnable in CI. Tested with stand-ins by internal/deploytest.
#
# Overrides (the tests use them): SHOPSTACK_TOOLS, a directory that already
# holds preflight, images, envinfo and deployplan (each one missing there is
# built from ./cmd); CDK, the cdk command (default: the pinned CLI in
# node_modules); SHOPSTACK_POLL_SECONDS and SHOPSTACK_KINDS_TIMEOUT, the
# pace and limit of waiting for the cluster to serve the manifests' kinds.
set -euo pipefail

usage() {
  echo "usage: scripts/deploy.sh [--yes] dev|prod" >&2
  exit 2
}

yes=0 env=""
for arg in "$@"; do
  case $arg in
    --yes | -y) yes=1 ;;
    -h | --help) usage ;;
    -*) echo "deploy: unknown option $arg" >&2; usage ;;
    *) [ -z "$env" ] || usage; env=$arg ;;
  esac
done
[ -n "$env" ] || usage

cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }
fail() {
  printf '\ndeploy: %s\n' "$*" >&2
  exit 1
}

# confirm WHAT HINT: go on only after a typed "yes" or --yes.
confirm() {
  local what=$1 hint=${2:-} answer
  if [ "$yes" = 1 ]; then
    echo "--yes: going on with $what"
    return 0
  fi
  if [ ! -t 0 ]; then
    fail "$what needs a confirmation, and stdin is not a terminal, so nobody can give it here. Review the changes printed above, then run again with --yes (scripts/deploy.sh --yes $env, or go tool task deploy ENV=$env -- --yes), or run it in a terminal. Stopped before executing it.${hint:+ $hint}"
  fi
  read -r -p "$what. Type yes to go on: " answer
  [ "$answer" = yes ] || fail "not confirmed: stopped before $what.${hint:+ $hint}"
}

for cmd in aws kubectl docker; do
  command -v "$cmd" >/dev/null || fail "$cmd is not on PATH: install it (README, Deploy)"
done

export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
read -r -a cdk <<<"${CDK:-npx --no-install cdk}"
poll=${SHOPSTACK_POLL_SECONDS:-10}
kinds_timeout=${SHOPSTACK_KINDS_TIMEOUT:-900}
# The migration Job gives up after activeDeadlineSeconds (900 s,
# cdk8s/charts); the wait outlasts it by a minute.
job_timeout=16m
rollout_timeout=10m
# Server-side diff and apply under one field manager, so that the diff
# shows exactly what the apply will do.
field_manager=shopstack-deploy
# The change set every stack goes through.
change_set=shopstack-deploy

work=$(mktemp -d "${TMPDIR:-/tmp}/shopstack-deploy.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The tools: from SHOPSTACK_TOOLS when it has them, else built from ./cmd.
tools=$work/tools
mkdir -p "$tools"
for tool in preflight images envinfo deployplan; do
  if [ -n "${SHOPSTACK_TOOLS:-}" ] && [ -x "$SHOPSTACK_TOOLS/$tool" ]; then
    ln -s "$SHOPSTACK_TOOLS/$tool" "$tools/$tool"
  else
    go build -o "$tools/$tool" "./cmd/$tool" || fail "cannot build ./cmd/$tool (see above)"
  fi
done

envinfo() { "$tools/envinfo" -env "$env" "$@"; }
region=$(envinfo Region) || fail "no environment \"$env\" in platform/ (see above)"
account=$(envinfo Account)
cluster=$(envinfo Cluster.Name)
admin_role=$(envinfo Cluster.AdminRoleARNs.0) || fail "platform/defaults.go: Cluster.AdminRoleARNs of $env is empty; kubectl needs a role the cluster admits"
prod=0
[ "$env" = prod ] && prod=1

echo "deploy $env: account $account, region $region, cluster $cluster, kubectl as $admin_role"
if [ "$prod" = 1 ]; then
  echo "prod: every change set with changes and every manifest difference needs a confirmation"
else
  echo "$env: only destructive change sets (replacement, removal, weakened deletion policy) need a confirmation"
fi

# ---------------------------------------------------------------- 1 ----
say "1/8 pre-flight (read-only): stage infra"
"$tools/preflight" -env "$env" -stage infra || {
  rc=$?
  [ "$rc" = 2 ] && fail "preflight refused its arguments (exit 2): does cmd/preflight know -stage infra?"
  fail "pre-flight failed: fix every FAIL line above (each names the setting to change), then run deploy again. Nothing was changed."
}

# The cluster grants Kubernetes access only to the AdminRoleARNs roles
# (access entries; no creator admin), so kubectl must run as one of them.
# `aws eks get-token --role-arn` assumes the role exactly as the kubeconfig
# will ("Assume this role for credentials when signing the token", AWS CLI
# reference, eks get-token); `update-kubeconfig --role-arn` only writes the
# role into the kubeconfig and assumes nothing ("to use for authentication
# when you issue kubectl commands", eks update-kubeconfig; aws/aws-cli#8554).
# Checked before anything changes.
say "who runs kubectl: assume $admin_role"
aws eks get-token --cluster-name "$cluster" --region "$region" --role-arn "$admin_role" >/dev/null || fail "cannot assume $admin_role (Cluster.AdminRoleARNs[0] of $env in platform/defaults.go). The cluster admits only the AdminRoleARNs roles, so every kubectl after the stacks would be refused. Run deploy as a principal allowed to sts:AssumeRole that role (its trust policy), or make your own role the first of Cluster.AdminRoleARNs and synthesize. Nothing was changed."

# ---------------------------------------------------------------- 2 ----
say "2/8 synthesize (offline) and compare with dist/$env/cloudformation"
"${cdk[@]}" synth --no-notices --no-version-reporting --quiet --output "$work/cdk.out" >/dev/null || fail "cdk synth failed (see above). Nothing was changed."
"$tools/deployplan" stacks -assembly "$work/cdk.out" -dist "dist/$env/cloudformation" >"$work/stacks" || fail "the stacks cannot be planned (see above). Nothing was changed."

# deploy_stack STACK TEMPLATE: change set -> review -> confirmation -> execution.
# Why a change set and not `cdk diff`: DescribeChangeSet is CloudFormation's
# own answer per resource (Action Add|Modify|Remove|Import|Dynamic,
# Replacement True|False|Conditional, PolicyAction; API Reference,
# ResourceChange), and the reviewed change set is the one executed. `cdk
# diff` reads a change set too (--method=change-set), but for people: its
# exit codes (--fail-on=destructive: "replace, delete or orphan") say
# nothing of a weakened DeletionPolicy, and with --method=template it
# reports "any change to a property that requires replacement" as a
# replacement (aws-cdk CLI README, "cdk diff").
deploy_stack() {
  local stack=$1 template=$2 status deployed="" verdict=0
  say "CloudFormation: $stack"
  # A stack that does not exist yet, or whose first change set was never
  # executed (REVIEW_IN_PROGRESS), has no deployed template to compare
  # with. "Stack with id <name> does not exist" is DescribeStacks'
  # ValidationError for a missing stack (the AWS CDK CLI matches the same
  # message: toolkit-lib CloudFormationStack.lookup).
  if status=$(aws cloudformation describe-stacks --stack-name "$stack" --region "$region" --query 'Stacks[0].StackStatus' --output text 2>"$work/describe.err"); then
    echo "$stack is $status"
  elif grep -q "Stack with id $stack does not exist" "$work/describe.err"; then
    status=NONE
    echo "$stack does not exist yet: the change set creates it"
  else
    cat "$work/describe.err" >&2
    fail "cannot describe $stack (see above)"
  fi
  if [ "$status" != NONE ] && [ "$status" != REVIEW_IN_PROGRESS ]; then
    deployed=$work/$stack.deployed.json
    aws cloudformation get-template --stack-name "$stack" --region "$region" --output json >"$deployed" || fail "cannot read the deployed template of $stack (see above)"
  fi

  # `--method=prepare-change-set` "creates the change set but doesn't
  # execute it", always, "even if it is empty"; `--change-set-name` names it
  # (aws-cdk CLI README, "CloudFormation Change Sets vs direct stack
  # updates"). --exclusively: this stack only, the order is ours.
  # --require-approval never: the CLI would otherwise ask for approval of
  # security changes, and "when approval is required but no terminal is
  # attached ... the deployment fails" (README, "Requiring approval"); the
  # review below is the approval.
  "${cdk[@]}" deploy "$stack" --app "$work/cdk.out" --exclusively --method=prepare-change-set --change-set-name "$change_set" --require-approval never --progress events --no-notices ||
    fail "cdk could not prepare the change set of $stack (see above). Nothing was executed."
  aws cloudformation describe-change-set --stack-name "$stack" --change-set-name "$change_set" --region "$region" --output json >"$work/$stack.changes.json" ||
    fail "cannot describe the change set $change_set of $stack (see above). Nothing was executed."
  "$tools/deployplan" changeset -changes "$work/$stack.changes.json" -template "$template" ${deployed:+-deployed "$deployed"} || verdict=$?

  local keep="The change set $change_set stays on $stack for review: aws cloudformation describe-change-set --region $region --stack-name $stack --change-set-name $change_set (delete it with aws cloudformation delete-change-set ...)."
  case $verdict in
    4)
      aws cloudformation delete-change-set --stack-name "$stack" --change-set-name "$change_set" --region "$region" || true
      return 0
      ;;
    0) if [ "$prod" = 1 ]; then confirm "executing the change set of $stack (prod)" "$keep"; fi ;;
    3) confirm "executing the DESTRUCTIVE change set of $stack (listed above)" "$keep" ;;
    *) fail "cannot review the change set of $stack (see above). Nothing was executed. $keep" ;;
  esac
  # `--method=execute-change-set` "execute[s] a previously created change
  # set ... Requires exactly one stack name" (README); it waits for the
  # stack operation and fails if it fails.
  "${cdk[@]}" deploy "$stack" --app "$work/cdk.out" --method=execute-change-set --change-set-name "$change_set" --require-approval never --progress events --no-notices ||
    fail "executing the change set of $stack failed (see above; CloudFormation rolled the stack back). Stacks deployed before it stay deployed."
}

deploy_phase() {
  local phase=$1 p stack template any=0
  while read -r p stack template <&3; do
    if [ "$p" = "$phase" ]; then
      any=1
      deploy_stack "$stack" "$template"
    fi
  done 3<"$work/stacks"
  [ "$any" = 1 ] || fail "no $phase stacks in dist/$env/cloudformation"
}

# ---------------------------------------------------------------- 3 ----
say "3/8 CloudFormation: the stacks that hold the image repositories"
deploy_phase registry

# ---------------------------------------------------------------- 4 ----
say "4/8 images: build and push backend and frontend ($(envinfo Images.Tag))"
"$tools/images" -env "$env" || {
  rc=$?
  [ "$rc" = 2 ] && fail "images refused its arguments (exit 2)"
  fail "images failed (see above). The repository stacks are deployed, nothing else changed; fix it and run deploy again."
}

# ---------------------------------------------------------------- 5 ----
say "5/8 CloudFormation: the other stacks, in dependency order"
deploy_phase rest

# ---------------------------------------------------------------- 6 ----
say "6/8 pre-flight (read-only): stage images"
"$tools/preflight" -env "$env" -stage images || fail "pre-flight (images) failed: fix every FAIL line above. The stacks are deployed; nothing was applied to the cluster."

# ---------------------------------------------------------------- 7 ----
say "7/8 kubeconfig for $cluster as $admin_role"
aws eks update-kubeconfig --name "$cluster" --region "$region" --role-arn "$admin_role" --alias "$cluster" ||
  fail "cannot write a kubeconfig for $cluster as $admin_role (see above): is the cluster stack deployed and may you eks:DescribeCluster?"
k() { kubectl --context "$cluster" "$@"; }

# ---------------------------------------------------------------- 8 ----
dir=dist/$env/k8s
# The apply order (docs/kubernetes.md "Apply order"). A manifest file not
# named here is an error: it would never be applied.
order=(cluster.k8s.yaml shop-base.k8s.yaml external-dns.k8s.yaml monitoring.k8s.yaml shop-migrate.k8s.yaml shop.k8s.yaml)
files=()
for f in "${order[@]}"; do
  [ -f "$dir/$f" ] || fail "$dir/$f is missing: run 'go tool task synth'"
  files+=("$dir/$f")
done
for f in "$dir"/*.yaml; do
  case " ${order[*]} " in *" $(basename "$f") "*) ;; *) fail "$f is not in deploy.sh's apply order: add it there and to docs/kubernetes.md" ;; esac
done

say "8/8 Kubernetes: $dir"
# Wait until the API server serves every kind the manifests use: the
# CRD-backed ones (NodePool, IngressClassParams) come with Auto Mode, not
# with these manifests. Discovery answers per apiVersion with an
# APIResourceList, or 404 NotFound while the group is not served
# (Kubernetes API concepts, discovery); this works alike for built-in
# kinds and CRDs and needs no CRD names.
"$tools/deployplan" kinds "${files[@]}" >"$work/kinds" || fail "cannot read $dir (see above)"
deadline=$((SECONDS + kinds_timeout))
while :; do
  missing=""
  while read -r version path kinds <&3; do
    if k get --raw "$path" >"$work/discovery.json" 2>"$work/discovery.err"; then
      m=$("$tools/deployplan" missing -kinds "$kinds" <"$work/discovery.json") || {
        [ $? = 3 ] || fail "cannot read the API server's answer for $path (see above)"
        missing+=" $m ($version)"
      }
    elif grep -q "NotFound" "$work/discovery.err"; then
      missing+=" ${kinds//,/ } ($version)"
    else
      cat "$work/discovery.err" >&2
      fail "kubectl cannot talk to $cluster as $admin_role (see above): is your address in Cluster.PublicAccessCIDRs, and does the cluster have an access entry for the role?"
    fi
  done 3<"$work/kinds"
  [ -z "$missing" ] && break
  [ "$SECONDS" -lt "$deadline" ] || fail "after ${kinds_timeout}s the cluster still does not serve:$missing. These kinds come with EKS Auto Mode: check the cluster (aws eks describe-cluster --name $cluster --region $region) and 'kubectl --context $cluster api-resources'."
  echo "waiting for the cluster to serve:$missing"
  sleep "$poll"
done
echo "the cluster serves every kind the manifests use"

# kdiff FILE...: print what applying would change. kubectl diff exits 0
# (no differences), 1 (differences) or >1 ("Kubectl or diff failed with
# an error", kubectl diff --help). Sets changed=1 on differences.
changed=0
kdiff() {
  local f rc
  for f in "$@"; do
    rc=0
    k diff --server-side --field-manager="$field_manager" -f "$f" || rc=$?
    case $rc in
      0) echo "$f: no differences" ;;
      1) changed=1 ;;
      *) fail "kubectl diff of $f failed (exit $rc, see above): nothing of $dir was applied from here on. A refused change to an existing Job's template means: delete that Job first (docs/kubernetes.md, Migration Job)." ;;
    esac
  done
}
kapply() { k apply --server-side --field-manager="$field_manager" "${@/#/--filename=}"; }

# Namespaced objects cannot be diffed before their namespace exists
# (kubernetes/kubernetes#114141), so the namespaces go first.
"$tools/deployplan" namespaces "${files[@]}" >"$work/namespaces.yaml" || fail "cannot read $dir (see above)"
say "Kubernetes: namespaces"
kdiff "$work/namespaces.yaml"
if [ "$changed" = 1 ] && [ "$prod" = 1 ]; then confirm "applying the namespace changes above (prod)"; fi
kapply "$work/namespaces.yaml"

say "Kubernetes: what applying $dir changes"
changed=0
kdiff "${files[@]}"
if [ "$changed" = 1 ] && [ "$prod" = 1 ]; then confirm "applying the manifest changes above (prod)"; fi

say "Kubernetes: cluster-wide settings, the namespaces' objects, ExternalDNS"
kapply "$dir/cluster.k8s.yaml" "$dir/shop-base.k8s.yaml" "$dir/external-dns.k8s.yaml"
say "Kubernetes: monitoring"
kapply "$dir/monitoring.k8s.yaml"

say "Kubernetes: the migration of this release"
kapply "$dir/shop-migrate.k8s.yaml"
"$tools/deployplan" objects -kinds Job "$dir/shop-migrate.k8s.yaml" >"$work/jobs" || fail "cannot read $dir/shop-migrate.k8s.yaml"
# kubectl wait exits non-zero when --timeout passes first ("error: timed out
# waiting for the condition on jobs/<name>", kubectl pkg/cmd/wait); it does
# not stop early on a failed Job, the timeout bounds it.
while read -r ns job <&3; do
  echo "waiting up to $job_timeout for $job in $ns to complete"
  k -n "$ns" wait --for=condition=complete --timeout="$job_timeout" "$job" ||
    fail "the migration $job in namespace $ns did not complete within $job_timeout (kubectl wait --for=condition=complete). The new workloads were NOT applied; a backend already running keeps serving the old schema. Look at it: kubectl --context $cluster -n $ns logs $job ; kubectl --context $cluster -n $ns describe $job"
done 3<"$work/jobs"

say "Kubernetes: the workloads and the ingress"
kapply "$dir/shop.k8s.yaml"
"$tools/deployplan" objects -kinds Deployment,StatefulSet,DaemonSet "$dir/external-dns.k8s.yaml" "$dir/shop.k8s.yaml" >"$work/workloads" || fail "cannot read $dir"
# rollout status watches until the rollout is done and exits non-zero when
# --timeout passes ("The length of time to wait before ending watch",
# kubectl rollout status --help).
while read -r ns workload <&3; do
  k -n "$ns" rollout status "$workload" --timeout="$rollout_timeout" ||
    fail "$workload in namespace $ns did not finish rolling out within $rollout_timeout. Look at it: kubectl --context $cluster -n $ns describe $workload ; kubectl --context $cluster -n $ns get pods ; to go back: kubectl --context $cluster -n $ns rollout undo $workload"
done 3<"$work/workloads"

say "deployed $env"
"$tools/deployplan" objects -kinds Ingress "$dir/shop.k8s.yaml" >"$work/ingresses" || true
while read -r ns ingress <&3; do
  echo "ingress: kubectl --context $cluster -n $ns get $ingress   (ADDRESS is the ALB; ExternalDNS writes the host's record)"
done 3<"$work/ingresses"
echo "monitoring is applied but not waited for: kubectl --context $cluster -n monitoring get pods (Grafana pulls through the Docker Hub cache rule once its token is in; README, Deploy)"
