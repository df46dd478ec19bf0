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

echo "== Kubernetes: apply $dir (order: docs/kubernetes.md)"
ns=$(go run ./cmd/envinfo -env "$env" Names | sed -n 's/.*"Namespace":"\([^"]*\)".*/\1/p')
# 1. Cluster-wide settings, namespaces, service accounts, policies, monitoring.
kubectl apply --server-side -f "$dir/cluster.k8s.yaml" -f "$dir/shop-base.k8s.yaml" -f "$dir/external-dns.k8s.yaml"
kubectl apply --server-side -f "$dir/monitoring.k8s.yaml"
# 2. This release's migration Job; the new backend must not serve before it completes.
kubectl apply --server-side -f "$dir/shop-migrate.k8s.yaml"
kubectl -n "$ns" wait --for=condition=complete --timeout=16m -f "$dir/shop-migrate.k8s.yaml"
# 3. Only then the workloads and the ingress.
kubectl apply --server-side -f "$dir/shop.k8s.yaml"
for d in $(kubectl -n "$ns" get deployments -o name); do kubectl -n "$ns" rollout status "$d" --timeout=10m; done
