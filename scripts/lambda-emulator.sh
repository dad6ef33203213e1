#!/usr/bin/env bash
# The Lambda Runtime API emulator (@vercel/fun 1.3.6, pinned by scripts/lambda-emulator/package-lock.json)
# and the published binary it runs, for the Lambda integration tests and for trying Lambda mode by hand.
#
#   scripts/lambda-emulator.sh install
#       npm ci in scripts/lambda-emulator/ (node_modules is not committed). Needs node >= 20 and npm.
#   scripts/lambda-emulator.sh publish DIR
#       dotnet publish EtlFunction as the Dockerfile does (linux-x64, self-contained, ReadyToRun) into DIR,
#       plus DIR/bootstrap (the custom-runtime entry that execs the binary). Intermediate files go to
#       artifacts/lambda/, so the publish never touches the dev build in EtlFunction/bin and obj.
#   scripts/lambda-emulator.sh invoke DIR HANDLER EVENT_JSON [EVENT_JSON...]
#       Runs DIR/bootstrap under the emulator with _HANDLER=HANDLER and sends the events to one instance,
#       in order (the first is the cold start). ETL_STORE, ETL_DB and ETL_CONTRACTS are passed through.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
emu="$here/lambda-emulator"

usage() { sed -n '2,17p' "$0" >&2; exit 2; }

case "${1:-}" in
  install)
    command -v node >/dev/null 2>&1 || { echo "lambda-emulator: node (>= 20) is not installed" >&2; exit 1; }
    command -v npm >/dev/null 2>&1 || { echo "lambda-emulator: npm is not installed" >&2; exit 1; }
    installed="$emu/node_modules/@vercel/fun/package.json"
    if [[ -f "$installed" ]] && grep -q '"version": "1.3.6"' "$installed"; then
      exit 0
    fi
    (cd "$emu" && npm ci --no-audit --no-fund --loglevel=error)
    ;;
  publish)
    out="${2:?usage: lambda-emulator.sh publish DIR}"
    mkdir -p "$out"
    out="$(cd "$out" && pwd)"
    dotnet publish "$root/EtlFunction/EtlFunction.csproj" -c Release -r linux-x64 --self-contained \
      -p:PublishReadyToRun=true -p:UseSharedCompilation=false -nodeReuse:false --nologo -v:quiet \
      --artifacts-path "$root/artifacts/lambda" -o "$out"
    install -m 0755 "$emu/bootstrap" "$out/bootstrap"
    ;;
  invoke)
    [[ $# -ge 4 ]] || usage
    dir="$2" handler="$3"
    shift 3
    args=(--dir "$dir" --handler "$handler")
    for v in ETL_STORE ETL_DB ETL_CONTRACTS; do
      if [[ -n "${!v:-}" ]]; then args+=(--env "$v=${!v}"); fi
    done
    for event in "$@"; do args+=(--event "$event"); done
    node "$emu/invoke.cjs" "${args[@]}"
    ;;
  *) usage ;;
esac
