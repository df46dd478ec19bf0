#!/usr/bin/env bash
# Runs the CloudFormation corpus of internal/distdiff (cfn_corpus_test.go)
# through the pre-engine tool and through `cdk diff`, for docs/review.md.
#   1. CFNDIFF_CORPUS_DIR=.cache/cfncorpus go test ./internal/distdiff -run Corpus
#      writes <case>/{old,new}/prod/cloudformation/*.template.json
#   2. this script copies a cloud assembly (npx cdk synth -o .cache/asm),
#      puts each case's new templates in it, and runs, for every stack whose
#      template differs,
#      npx cdk diff --exclusively --app <assembly> --template <old> <stack>
#      (offline: --template compares against a file, not a deployed stack).
# Usage: scripts/cfndiff-corpus.sh [corpus dir] [assembly dir]
set -euo pipefail
corpus=${1:-.cache/cfncorpus}
asm=${2:-.cache/asm}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true FORCE_COLOR=0
[ -f "$asm/manifest.json" ] || npx cdk synth --no-notices --no-version-reporting --quiet -o "$asm" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for c in "$corpus"/*/; do
  name=$(basename "$c")
  rm -rf "$work/asm" && cp -r "$asm" "$work/asm"
  cp "$c"/new/prod/cloudformation/*.template.json "$work/asm/"
  for old in "$c"/old/prod/cloudformation/*.template.json; do
    f=$(basename "$old")
    cmp -s "$old" "$c/new/prod/cloudformation/$f" && continue
    stack=${f%.template.json}
    echo "== $name $stack"
    npx cdk diff --no-notices --no-version-reporting --exclusively --app "$work/asm" --template "$old" "$stack" 2>&1 || true
  done
done
