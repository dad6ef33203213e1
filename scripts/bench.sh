#!/usr/bin/env bash
# The project's benchmark: builds Release, makes the reference orders file if missing, and runs
# `EtlFunction bench` (each step in its own process, median of RUNS). Not a test.
#   scripts/bench.sh [ROWS] [RUNS]
# The reference file is written by shared/bench/gen_orders.py when that script and python3 exist
# (byte-identical everywhere, the counts of shared/bench/RULES.md); otherwise by `EtlFunction generate orders`.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
runs=${2:-3}
mkdir -p data
file="data/orders-${rows}.csv"
dotnet build EtlFunction -c Release -v q -nologo >/dev/null
app=(dotnet EtlFunction/bin/Release/net10.0/EtlFunction.dll)
if [[ ! -f "$file" ]]; then
  if [[ -f ../shared/bench/gen_orders.py ]] && command -v python3 >/dev/null; then
    python3 ../shared/bench/gen_orders.py "$rows" "$file"
  else
    "${app[@]}" generate orders --rows "$rows" --out "$file"
  fi
fi
"${app[@]}" bench --file "$file" --dataset orders --runs "$runs"
