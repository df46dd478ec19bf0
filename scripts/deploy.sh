#!/usr/bin/env bash
# Deploy one environment: the AWS stacks with cdk, then the Kubernetes
# manifests with kubectl, in dependency order. Needs AWS credentials for the
# environment's account, kubectl and the AWS CLI. Not runnable in CI.
set -euo pipefail
env=${1:?usage: deploy.sh dev|prod}
cd "$(dirname "$0")/.."
dir="dist/$env/k8s"
[ -d "$dir" ] || { echo "no $dir: run 'go tool task synth'" >&2; exit 1; }

echo "== what changes (against git HEAD)"
go run ./cmd/distdiff

echo "== AWS: cdk deploy shopstack-$env-*"
npx cdk deploy --no-notices --no-version-reporting --require-approval broadening "shopstack-$env-*"


region=$(go run ./cmd/envinfo -env "$env" Region)
cluster=$(go run ./cmd/envinfo -env "$env" Cluster | sed -n 's/.*"Name":"\([^"]*\)".*/\1/p')
aws eks update-kubeconfig --name "$cluster" --region "$region"

echo "== Kubernetes: apply $dir"
# 1. Namespaces and cluster-scoped prerequisites first, so that namespaced
#    objects and PodSecurity labels exist before anything runs in them.
kubectl apply --server-side -f "$dir" --selector 'shopstack.io/apply-phase=prerequisites' 2>/dev/null || true
# 2. The migration Job of this release; the new backend must not serve
#    before the schema is migrated.
if ls "$dir"/*migrat*.yaml >/dev/null 2>&1; then
  kubectl apply --server-side -f "$dir"/*migrat*.yaml
  kubectl -n "$(kubectl get -f "$dir"/*migrat*.yaml -o jsonpath='{.items[0].metadata.namespace}')" \
    wait --for=condition=complete --timeout=10m -f "$dir"/*migrat*.yaml
fi
# 3. Everything.
kubectl apply --server-side -f "$dir"
