#!/usr/bin/env bash
# Runs the whole test suite: builds, runs unit and integration tests, and prints one summary line
# "N passed, N failed, N skipped". Extra arguments go to `dotnet test` (e.g. --filter Cleaning).
set -euo pipefail
cd "$(dirname "$0")/.."

results="$(pwd)/TestResults"
rm -rf "$results"
status=0
dotnet test EtlFunction.Tests/EtlFunction.Tests.csproj -c Release \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

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
