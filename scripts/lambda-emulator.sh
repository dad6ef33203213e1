#!/usr/bin/env bash
# The Lambda Runtime API emulator (@vercel/fun 1.3.6, pinned by scripts/lambda-emulator/package-lock.json)
# and the published binary it runs, for the Lambda integration tests and for trying Lambda mode by hand.
#
#   scripts/lambda-emulator.sh install
#       npm ci in scripts/lambda-emulator/ (node_modules is not committed). Needs node >= 20 and npm.
#   scripts/lambda-emulator.sh publish DIR [--aot]
#       dotnet publish EtlFunction (linux-x64, self-contained, ReadyToRun) into DIR, plus DIR/bootstrap (the
#       custom-runtime entry that execs the binary). With --aot: the Native AOT binary instead
#       (-p:EtlAot=true, as the Dockerfile builds it; needs clang, lld and zlib1g-dev). Intermediate files go
#       to artifacts/lambda/ (artifacts/lambda-aot/), so the publish never touches the dev build in
#       EtlFunction/bin and obj. The tests publish with --aot when ETL_TEST_LAMBDA_AOT=true.
#   scripts/lambda-emulator.sh from-image DIR IMAGE
#       The app the image ships (/var/task, less its contracts/), copied out of IMAGE (docker create + docker cp,
#       nothing runs), plus DIR/bootstrap: a publish folder that is byte for byte what the image runs. scripts/test.sh
#       hands it to the tests (ETL_TEST_LAMBDA_PUBLISH_DIR), so the Native AOT binary is compiled once per run.
#   scripts/lambda-emulator.sh invoke DIR HANDLER EVENT_JSON [EVENT_JSON...]
#       Runs DIR/bootstrap under the emulator with _HANDLER=HANDLER and sends the events to one instance,
#       in order (the first is the cold start). ETL_STORE, ETL_DB and ETL_CONTRACTS are passed through
#       (not to a container-dir folder: they are host paths).
#   scripts/lambda-emulator.sh container-dir DIR IMAGE
#       A function folder that runs IMAGE instead of the published binary: DIR/bootstrap (container/bootstrap:
#       `docker run --network host IMAGE HANDLER`, so the image's own entrypoint starts the function) and
#       DIR/container.env (ETL_IMAGE, DOCKER_HOST, DOCKER_API_VERSION of this shell: the emulator passes
#       only the function's variables). Use DIR wherever a publish folder goes (invoke, state-machine.sh run).
#       The image keeps its own contracts (/var/task/contracts): do not pass ETL_CONTRACTS, a host path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
emu="$here/lambda-emulator"

usage() { sed -n '2,30p' "$0" >&2; exit 2; }

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
    out="${2:?usage: lambda-emulator.sh publish DIR [--aot]}"
    case "${3:-}" in
      "") form=(-p:PublishReadyToRun=true) artifacts="$root/artifacts/lambda" ;;
      --aot) form=(-p:EtlAot=true) artifacts="$root/artifacts/lambda-aot" ;;
      *) usage ;;
    esac
    mkdir -p "$out"
    out="$(cd "$out" && pwd)"
    dotnet publish "$root/EtlFunction/EtlFunction.csproj" -c Release -r linux-x64 --self-contained \
      "${form[@]}" -p:UseSharedCompilation=false -nodeReuse:false --nologo -v:quiet \
      --artifacts-path "$artifacts" -o "$out"
    install -m 0755 "$emu/bootstrap" "$out/bootstrap"
    ;;
  from-image)
    [[ $# -eq 3 ]] || usage
    out="$2" image="$3"
    [[ -n "${DOCKER_HOST:-}" ]] || { echo "lambda-emulator: DOCKER_HOST is not set (eval \"\$(scripts/docker.sh env)\")" >&2; exit 1; }
    rm -rf "$out"
    mkdir -p "$out"
    # A created container is never started: docker cp reads its file system (the image's layers).
    cid=$(docker create "$image")
    trap 'docker rm -f "$cid" >/dev/null 2>&1 || true' EXIT
    docker cp "$cid:/var/task/." "$out"
    # The contracts stay the checkout's (the tests pass ETL_CONTRACTS), as for a publish folder.
    rm -rf "$out/contracts"
    install -m 0755 "$emu/bootstrap" "$out/bootstrap"
    ;;
  invoke)
    [[ $# -ge 4 ]] || usage
    dir="$2" handler="$3"
    shift 3
    args=(--dir "$dir" --handler "$handler")
    passed=(ETL_STORE ETL_DB ETL_CONTRACTS)
    # A container folder (container-dir): host paths mean nothing inside the image, which has its own contracts.
    if [[ -f "$dir/container.env" ]]; then passed=(); fi
    for v in "${passed[@]}"; do
      if [[ -n "${!v:-}" ]]; then args+=(--env "$v=${!v}"); fi
    done
    for event in "$@"; do args+=(--event "$event"); done
    node "$emu/invoke.cjs" "${args[@]}"
    ;;
  container-dir)
    [[ $# -eq 3 ]] || usage
    out="$2" image="$3"
    [[ -n "${DOCKER_HOST:-}" ]] || { echo "lambda-emulator: DOCKER_HOST is not set (eval \"\$(scripts/docker.sh env)\")" >&2; exit 1; }
    docker image inspect "$image" >/dev/null 2>&1 || { echo "lambda-emulator: no image $image at $DOCKER_HOST" >&2; exit 1; }
    mkdir -p "$out"
    install -m 0755 "$emu/container/bootstrap" "$out/bootstrap"
    # Written to a temporary name and renamed: a bootstrap starting meanwhile never reads half a file.
    printf 'ETL_IMAGE=%q\nDOCKER_HOST=%q\nDOCKER_API_VERSION=%q\n' "$image" "$DOCKER_HOST" "${DOCKER_API_VERSION:-}" >"$out/container.env.tmp"
    mv "$out/container.env.tmp" "$out/container.env"
    ;;
  *) usage ;;
esac
