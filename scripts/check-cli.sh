#!/usr/bin/env bash
# The cdk and cdk8s CLIs, run offline through cdk.json and cdk8s.yaml, must
# synthesize exactly what dist/ holds: reviewers read dist/, deployers run
# the CLIs, and the two must never disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
out=.cache/cli-check
rm -rf "$out" && mkdir -p "$out"
npx cdk synth --no-notices --no-version-reporting --quiet --output "$out/cdk.out" >/dev/null
CDK8S_OUTDIR="$out/cdk8s.out" npx cdk8s synth --no-check-upgrade --output "$out/cdk8s.out" >/dev/null
fail=0 n=0
for env_dir in dist/*/; do
  env=$(basename "$env_dir")
  for t in "$env_dir"cloudformation/*.template.json; do
    n=$((n+1))
    cmp -s "$t" "$out/cdk.out/$(basename "$t")" || { echo "cdk synth differs from $t" >&2; fail=1; }
  done
  diff -r "$env_dir"k8s "$out/cdk8s.out/$env" >/dev/null || { echo "cdk8s synth differs from ${env_dir}k8s" >&2; fail=1; }
done
[ "$n" -gt 0 ] || { echo "no templates in dist/" >&2; exit 1; }
[ $fail = 0 ] && echo "cdk and cdk8s CLIs agree with dist/ ($n templates, $(ls -d dist/*/ | wc -l) environments)"
exit $fail
