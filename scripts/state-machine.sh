#!/usr/bin/env bash
# The Step Functions tools the tests use, pinned by scripts/state-machine/package-lock.json:
# aws-local-stepfunctions 3.0.0, asl-validator 4.0.0, @vercel/fun 1.3.6, js-yaml 4.1.0 and
# @aws-cdk/cfnspec 2.72.1 (the CloudFormation + SAM resource specification the template is checked against).
#
#   scripts/state-machine.sh install
#       npm ci in scripts/state-machine/ (node_modules is not committed); skipped when the installed
#       tree matches the lockfile. Needs node >= 20 and npm.
#   scripts/state-machine.sh validate
#       asl-validator on statemachine/etl.asl.json (exit 1 with the problems when it is not valid).
#   scripts/state-machine.sh run PUBLISH_DIR [run.cjs options...] < event.json
#       Runs the state machine with every Task sent to the published binary (see run.cjs for the options).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
tools="$here/state-machine"

usage() { sed -n '2,14p' "$0" >&2; exit 2; }

install() {
  command -v node >/dev/null 2>&1 || { echo "state-machine: node (>= 20) is not installed" >&2; exit 1; }
  command -v npm >/dev/null 2>&1 || { echo "state-machine: npm is not installed" >&2; exit 1; }
  # npm ci writes node_modules/.package-lock.json; equal to the lockfile's packages means up to date.
  local marker="$tools/node_modules/.installed-lock.json"
  if [[ -f "$marker" ]] && cmp -s "$tools/package-lock.json" "$marker"; then return 0; fi
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$tools/package-lock.json" "$marker"
}

case "${1:-}" in
  install) install ;;
  validate)
    install
    "$tools/node_modules/.bin/asl-validator" --json-path "$root/statemachine/etl.asl.json"
    ;;
  run)
    [[ $# -ge 2 ]] || usage
    install
    dir="$2"
    shift 2
    node "$tools/run.cjs" --dir "$dir" "$@"
    ;;
  *) usage ;;
esac
