#!/usr/bin/env bash
# Runs the whole test suite: builds, runs unit and integration tests, and prints one summary line
# "N passed, N failed, N skipped". Extra arguments go to `dotnet test` (e.g. --filter Cleaning).
set -euo pipefail
cd "$(dirname "$0")/.."

stop_services() { :; }
stop_docker() { :; }
trap 'trap - EXIT; stop_services; stop_docker' EXIT
# Integration services (MariaDB x2, s3rver): started here and stopped before the summary line,
# unless they were already running (a developer's `scripts/test-services.sh start`): those are
# reused and left running. If they cannot start, the suite still runs: the integration tests then
# fail under CI (CI=true) and are reported as skipped on a developer machine.
if bash scripts/test-services.sh status >/dev/null 2>&1; then
  echo "test.sh: reusing the running test services" >&2
else
  stop_services() { bash scripts/test-services.sh stop || true; }
  bash scripts/test-services.sh start || echo "test.sh: the test services did not start; integration tests cannot run" >&2
fi
# The pinned npm tools (npm ci from the committed lockfiles): the Lambda Runtime API emulator, and the
# Step Functions tools (aws-local-stepfunctions, asl-validator, the resource specification). A failed
# install is not fatal here: the tests that need them fail under CI and are skipped elsewhere.
bash scripts/lambda-emulator.sh install || echo "test.sh: the Lambda emulator did not install" >&2
bash scripts/state-machine.sh install || echo "test.sh: the Step Functions tools did not install" >&2
# DuckDB for the Athena DDL test (scripts/bench's @duckdb/node-api, npm ci from its lockfile), installed again only
# when the lock file changed (node_modules/.bench-lock, as scripts/bench.sh does).
if ! cmp -s scripts/bench/package-lock.json scripts/bench/node_modules/.bench-lock 2>/dev/null; then
  (cd scripts/bench && npm ci --no-audit --no-fund --loglevel=error >&2 && cp package-lock.json node_modules/.bench-lock) \
    || echo "test.sh: DuckDB (scripts/bench) did not install" >&2
fi

# The container image: a private Docker engine (scripts/docker.sh: no bridge, no iptables, its own socket),
# the stand-in base images (no registry here), and the project's Dockerfile built with --no-cache, a clean
# package cache included. The image tests run every handler and the state machine through it. An engine
# this script started is stopped at the end; one that already ran (a developer's) is left running.
# ETL_TEST_IMAGE names an image to reuse instead of building one (a developer's shortcut; CI builds).
if ! bash scripts/docker.sh status >/dev/null 2>&1; then
  stop_docker() { bash scripts/docker.sh stop || true; }
  bash scripts/docker.sh start || echo "test.sh: the Docker engine did not start; the image tests cannot run" >&2
fi
eval "$(bash scripts/docker.sh env)"
if bash scripts/docker.sh status >/dev/null 2>&1; then
  if [[ -n "${ETL_TEST_IMAGE:-}" ]] && docker image inspect "$ETL_TEST_IMAGE" >/dev/null 2>&1; then
    echo "test.sh: reusing the image ETL_TEST_IMAGE=$ETL_TEST_IMAGE" >&2
  elif bash scripts/docker.sh image etl-function:test; then
    export ETL_TEST_IMAGE=etl-function:test
  else
    echo "test.sh: the image did not build; the image tests cannot run" >&2
  fi
fi
# The published binary the Lambda, state-machine and fault tests run under the emulator: the one the image ships,
# copied out of it (scripts/lambda-emulator.sh from-image), so they test exactly what deploys and the Native AOT
# compile (minutes on 2 cores) happens once, in the image build. Without an image, the tests publish the AOT
# binary themselves (ETL_TEST_LAMBDA_AOT=true). A caller's ETL_TEST_LAMBDA_PUBLISH_DIR / ETL_TEST_LAMBDA_AOT win.
if [[ -z "${ETL_TEST_LAMBDA_PUBLISH_DIR:-}" ]]; then
  if [[ -n "${ETL_TEST_IMAGE:-}" ]] && bash scripts/lambda-emulator.sh from-image artifacts/lambda/function-image "$ETL_TEST_IMAGE"; then
    export ETL_TEST_LAMBDA_PUBLISH_DIR="$PWD/artifacts/lambda/function-image"
    build=$(docker image inspect -f '{{index .Config.Labels "etl.build"}}' "$ETL_TEST_IMAGE")
    if [[ $build == aot ]]; then export ETL_TEST_LAMBDA_AOT="${ETL_TEST_LAMBDA_AOT:-true}"; fi
    echo "test.sh: the Lambda tests run the binary copied out of $ETL_TEST_IMAGE (${build:-unlabelled} build)" >&2
  else
    export ETL_TEST_LAMBDA_AOT="${ETL_TEST_LAMBDA_AOT:-true}"
  fi
fi
services_env="${ETL_TEST_SERVICES_DIR:-.test-services}/env"
# shellcheck disable=SC1090
if [[ -f "$services_env" ]]; then source "$services_env"; fi

# Benchmarks ([Explicit], [Category("Benchmark")]) never run here: without a --filter of the caller's, the
# default filter keeps them out of the run and out of the TRX counts (run them with --filter Category=Benchmark).
filter=(--filter "Category!=Benchmark")
for arg in "$@"; do
  if [[ "$arg" == --filter || "$arg" == --filter=* ]]; then filter=(); fi
done

results="$(pwd)/TestResults"
rm -rf "$results"
status=0
dotnet test EtlFunction.Tests/EtlFunction.Tests.csproj -c Release \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "${filter[@]}" "$@" || status=$?

trap - EXIT
stop_services
stop_docker

trx="$results/results.trx"
if [[ -f "$trx" ]]; then
  # The TRX counters are the source of truth: passed, failed (incl. errors/timeouts), not executed.
  counter() { grep -o " $1=\"[0-9]*\"" "$trx" | head -n1 | grep -o '[0-9]*' || echo 0; }
  passed=$(counter passed)
  failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
  skipped=$(counter notExecuted)
  echo "${passed} passed, ${failed} failed, ${skipped} skipped"
  if (( failed > 0 )); then status=1; fi
else
  echo "0 passed, 1 failed, 0 skipped"
  status=1
fi
exit $status
