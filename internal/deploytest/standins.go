// Package deploytest runs scripts/deploy.sh against stand-ins for aws, cdk,
// kubectl, docker, preflight and images: small shell scripts that record
// their arguments and answer in the shapes the real tools document (each
// script names its source). The tests assert the order of the calls, where
// the procedure stops and what it says. Nothing here talks to AWS, Docker
// or a cluster.
package deploytest

// The stand-ins. Each appends "<name> <args>" to $STANDIN_LOG and reads
// its canned answers and failure switches from files in
// $STANDIN_RESPONSES (written by the harness).

const standinAWS = `#!/usr/bin/env bash
# Stand-in for the AWS CLI (v2). Output shapes: the AWS CLI reference
# (eks get-token, eks update-kubeconfig, cloudformation describe-stacks /
# get-template / describe-change-set / delete-change-set); errors as the CLI
# prints them: "An error occurred (<Code>) when calling the <Op> operation:
# <message>" on stderr, exit 254.
echo "aws $*" >>"$STANDIN_LOG"
r=$STANDIN_RESPONSES
sub="$1 $2"
shift 2
stack="" name="" alias=""
while [ $# -gt 0 ]; do
  case $1 in
    --stack-name) stack=$2; shift ;;
    --name) name=$2; shift ;;
    --alias) alias=$2; shift ;;
  esac
  shift
done
case $sub in
  "eks get-token")
    if [ -f "$r/get-token.denied" ]; then
      echo "An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:sts::111122223333:assumed-role/Developer/me is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Admin" >&2
      exit 254
    fi
    echo '{"kind": "ExecCredential", "apiVersion": "client.authentication.k8s.io/v1beta1", "spec": {}, "status": {"expirationTimestamp": "2026-12-01T10:14:00Z", "token": "k8s-aws-v1.stand-in"}}'
    ;;
  "eks update-kubeconfig")
    if [ -f "$r/update-kubeconfig.fail" ]; then
      echo "An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: $name." >&2
      exit 254
    fi
    echo "Added new context ${alias:-$name} to $HOME/.kube/config"
    ;;
  "cloudformation describe-stacks")
    # --query 'Stacks[0].StackStatus' --output text
    if [ -f "$r/$stack.status" ]; then
      cat "$r/$stack.status"
    else
      echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id $stack does not exist" >&2
      exit 254
    fi
    ;;
  "cloudformation get-template") cat "$r/$stack.deployed.json" ;;
  "cloudformation describe-change-set") cat "$r/$stack.changes.json" ;;
  "cloudformation delete-change-set") ;;
  *)
    echo "stand-in aws: not expected: $sub" >&2
    exit 99
    ;;
esac
`

const standinCDK = `#!/usr/bin/env bash
# Stand-in for the aws-cdk CLI pinned in package.json. synth copies a
# cloud assembly (manifest.json + templates) into --output; deploy answers
# as the CLI's change-set paths print (toolkit-lib deploy-stack.ts:
# "<stack>: creating CloudFormation changeset...", "Changeset <arn> created
# and waiting in review for manual execution (--no-execute)").
echo "cdk $*" >>"$STANDIN_LOG"
r=$STANDIN_RESPONSES
case $1 in
  synth)
    out=""
    while [ $# -gt 0 ]; do
      [ "$1" = --output ] && out=$2
      shift
    done
    mkdir -p "$out" && cp "$STANDIN_ASSEMBLY"/* "$out"/
    ;;
  deploy)
    stack=$2 method=""
    for a in "$@"; do
      case $a in --method=*) method=${a#--method=} ;; esac
    done
    case $method in
      prepare-change-set)
        echo "$stack: creating CloudFormation changeset..."
        echo "Changeset arn:aws:cloudformation:eu-west-1:111122223333:changeSet/shopstack-deploy/1 created and waiting in review for manual execution (--no-execute)"
        ;;
      execute-change-set)
        if [ -f "$r/$stack.execute.fail" ]; then
          echo "❌  $stack failed: The stack named $stack failed to deploy: UPDATE_ROLLBACK_COMPLETE" >&2
          exit 1
        fi
        echo "✅  $stack"
        ;;
      *)
        echo "stand-in cdk: deploy without a change-set method: $*" >&2
        exit 99
        ;;
    esac
    ;;
  *)
    echo "stand-in cdk: not expected: $*" >&2
    exit 99
    ;;
esac
`

const standinKubectl = `#!/usr/bin/env bash
# Stand-in for kubectl. Shapes: kubectl get --raw prints the API server's
# APIResourceList, or "Error from server (NotFound): the server could not
# find the requested resource" (exit 1) for an apiVersion not served;
# kubectl diff exits 0 / 1 (differences) / >1 (error) (kubectl diff --help);
# kubectl wait prints "<resource>/<name> condition met" or, on timeout,
# "error: timed out waiting for the condition on <resource>/<name>" (exit 1,
# kubectl pkg/cmd/wait); rollout status prints "deployment \"<name>\"
# successfully rolled out".
echo "kubectl $*" >>"$STANDIN_LOG"
r=$STANDIN_RESPONSES
while [ $# -gt 0 ]; do
  case $1 in
    --context | -n | --namespace) shift 2 ;;
    *) break ;;
  esac
done
cmd=$1
shift
files=()
for a in "$@"; do
  case $a in
    --filename=*) files+=("${a#--filename=}") ;;
  esac
done
prev=""
for a in "$@"; do
  [ "$prev" = -f ] && files+=("$a")
  prev=$a
done
case $cmd in
  get)
    path=$2
    key=$(echo "$path" | tr / _)
    if [ -f "$r/notserved/$key" ]; then
      rm "$r/notserved/$key"
      echo "Error from server (NotFound): the server could not find the requested resource" >&2
      exit 1
    fi
    cat "$r/discovery/$key.json"
    ;;
  diff)
    for f in "${files[@]}"; do
      if [ -f "$r/diff.fail.$(basename "$f")" ]; then
        echo "Error from server (Invalid): error when creating \"$f\": Job.batch \"backend-migrate-0-1-0\" is invalid: spec.template: Invalid value: field is immutable" >&2
        exit 2
      fi
      if [ -f "$r/diff.changed" ]; then
        echo "diff -u -N /tmp/LIVE-1/x /tmp/MERGED-1/x"
        echo "+  replicas: 2"
        exit 1
      fi
    done
    ;;
  apply)
    for f in "${files[@]}"; do echo "applied $f (server-side)"; done
    ;;
  wait)
    target=${*: -1}
    if [ -f "$r/wait.timeout" ]; then
      echo "error: timed out waiting for the condition on jobs/${target#job/}" >&2
      exit 1
    fi
    echo "$target condition met"
    ;;
  rollout)
    echo "${2%%/*} \"${2#*/}\" successfully rolled out"
    ;;
  *)
    echo "stand-in kubectl: not expected: $cmd $*" >&2
    exit 99
    ;;
esac
`

const standinDocker = `#!/usr/bin/env bash
# Stand-in for docker: deploy.sh only checks that it is on PATH (the images
# tool uses it).
echo "docker $*" >>"$STANDIN_LOG"
`

const standinPreflight = `#!/usr/bin/env bash
# Stand-in for cmd/preflight. Contract: exit 0 ok / 1 failures / 2 usage;
# lines "ok   <check>: ..." and "FAIL <check>: ... -> fix: ..." and a last
# line "preflight: N passed, M failed".
echo "preflight $*" >>"$STANDIN_LOG"
stage=""
while [ $# -gt 0 ]; do
  [ "$1" = -stage ] && stage=$2
  shift
done
if [ -f "$STANDIN_RESPONSES/preflight.$stage.fail" ]; then
  echo "ok   region: eu-west-1 is enabled"
  echo "FAIL postgres-version: PostgreSQL 17 is not offered in eu-west-1 -> fix: set Database.EngineVersion in platform/defaults.go"
  echo "preflight: 1 passed, 1 failed"
  exit 1
fi
echo "ok   region: eu-west-1 is enabled"
echo "preflight: 1 passed, 0 failed"
`

const standinImages = `#!/usr/bin/env bash
# Stand-in for cmd/images. Contract: exit 0 / 1 failures / 2 usage.
echo "images $*" >>"$STANDIN_LOG"
if [ -f "$STANDIN_RESPONSES/images.fail" ]; then
  echo "images: docker push 111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/backend:0.1.0: denied" >&2
  exit 1
fi
echo "images: pushed backend and frontend"
`
