#!/usr/bin/env bash
# The project's benchmark (issue #5): ONE command for the whole table. Not a test.
#   bash scripts/bench.sh [ROWS] [RUNS]        (defaults: 1,000,000 rows, 3 runs; medians quoted)
#   measures the Native AOT publish the image ships (out/bench-aot; needs clang, lld, zlib1g-dev), else the JIT build;
#   ETL_BENCH_BUILD=jit measures the JIT Release build, ETL_BENCH_APP=PATH a given binary
#   bash scripts/bench.sh load [ROWS] [RUNS]   the load lines alone: `invoke load` against plain LOAD DATA,
#                                              alternated in each run (scripts/bench/load.sh)
#   bash scripts/bench.sh coldstart [N]        cold start of the published binary and of the container image
#                                              under the same Runtime API emulator (scripts/bench/coldstart.sh)
# 1. builds Release and writes the reference orders file if missing: shared/bench/gen_orders.py when
#    it and python3 exist (byte-identical everywhere, the counts of shared/bench/RULES.md), else
#    `EtlFunction generate orders` (its own file, not byte-identical to the Python one); beside the file,
#    FILE.truth records which generator made it and the rows that generator says a run writes, and the
#    runs are checked against that generator's truth (a file without one is made again);
# 2. our steps locally (folder store + SQLite): `EtlFunction bench`, each step in its own process;
# 3. against the test services (scripts/test-services.sh, started if not running: MariaDB + s3rver),
#    in each run: the whole `run --s3 --mysql`, and each step alone with `invoke STEP --s3 --mysql`
#    on the landed object; fresh buckets and databases every run;
# 4. the peers, same run, same file: DuckDB (npm @duckdb/node-api, scripts/bench/duckdb-peer.mjs, the
#    R0–R9 SQL of RULES.md, 2 threads) clean → CSV, clean → CSV + Parquet, processed CSV → Parquet; and
#    plain `LOAD DATA LOCAL INFILE` of our processed CSV through the mariadb client into an empty copy of
#    the table the loader creates (scripts/bench/plain-load.sh);
# 5. prints the results table and the target ratios (scripts/bench/report.mjs).
# Every line is timed from the outside (process start to exit) with its peak RSS (/usr/bin/time %M).
set -euo pipefail
if [[ "${1:-}" == coldstart ]]; then shift; exec bash "$(dirname "$0")/bench/coldstart.sh" "$@"; fi
if [[ "${1:-}" == load ]]; then shift; exec bash "$(dirname "$0")/bench/load.sh" "$@"; fi
cd "$(dirname "$0")/.."
repo=$PWD
rows=${1:-1000000}
runs=${2:-3}
mkdir -p data
file="$repo/data/orders-${rows}.csv"
log() { echo "bench: $*" >&2; }

command -v /usr/bin/time >/dev/null || { log "needs GNU time (apt-get install time)"; exit 1; }
# ETL_BENCH_APP: the binary to measure (e.g. the Native AOT publish, what the image ships); else a Release build.
if [[ -n "${ETL_BENCH_APP:-}" ]]; then
  app=$(readlink -f "$ETL_BENCH_APP"); [[ -x $app ]] || { log "ETL_BENCH_APP=$ETL_BENCH_APP is not an executable"; exit 1; }
elif [[ ${ETL_BENCH_BUILD:-aot} == aot ]] && command -v clang >/dev/null && command -v ld.lld >/dev/null; then
  # What the image ships: the Native AOT publish (the Dockerfile's form; clang, lld and zlib1g-dev from apt).
  log "publishing the Native AOT binary (out/bench-aot; ETL_BENCH_BUILD=jit measures the JIT build instead)"
  dotnet publish EtlFunction/EtlFunction.csproj -c Release -r linux-x64 --self-contained true -p:EtlAot=true -p:DebugType=none \
    -v q -nologo -o out/bench-aot >/dev/null
  app="$repo/out/bench-aot/EtlFunction"
else
  [[ ${ETL_BENCH_BUILD:-aot} == aot ]] && log "no clang/lld for the AOT publish (apt-get install clang lld zlib1g-dev): measuring the JIT build"
  dotnet build EtlFunction -c Release -v q -nologo >/dev/null
  app="$repo/EtlFunction/bin/Release/net10.0/EtlFunction"
fi
log "measuring $app"
# FILE.truth: "GENERATOR EXPECTED_ROWS_WRITTEN" (EXPECTED empty when the generator has no count for this size).
truth="$file.truth"
if [[ ! -f "$file" || ! -f "$truth" ]]; then
  if [[ -f ../shared/bench/gen_orders.py ]] && command -v python3 >/dev/null; then
    python3 ../shared/bench/gen_orders.py "$rows" "$file"
    # RULES.md gives the Python generator's count for the reference size only.
    (( rows == 1000000 )) && echo "gen_orders.py 976434" >"$truth" || echo "gen_orders.py" >"$truth"
  else
    "$app" generate orders --rows "$rows" --out "$file" --json >"$file.generated.json"
    echo "EtlFunction $(node -e "console.log(JSON.parse(require('fs').readFileSync(0,'utf8')).expectedRowsWritten)" <"$file.generated.json")" >"$truth"
    rm -f "$file.generated.json"
  fi
fi
read -r generator expected_truth <"$truth" || true
log "$file: made by $generator${expected_truth:+, which says a run writes $expected_truth rows}"
size=$(stat -L -c %s "$file")
# The DuckDB peer's package, pinned by scripts/bench/package-lock.json.
# node_modules/.bench-lock is the lock file of the last `npm ci`: a changed lock file installs again.
if ! cmp -s scripts/bench/package-lock.json scripts/bench/node_modules/.bench-lock 2>/dev/null; then
  log "installing @duckdb/node-api (npm ci)"
  (cd scripts/bench && npm ci --no-audit --no-fund --loglevel=error >&2 && cp package-lock.json node_modules/.bench-lock)
fi
# Test services: reused when running, else started here and stopped at the end.
stop_services=""
bash scripts/test-services.sh status >/dev/null 2>&1 || stop_services=1
bash scripts/test-services.sh start
# shellcheck disable=SC1091
source .test-services/env

tmp=$(mktemp -d /tmp/etl-bench.XXXXXX)
trap 'rm -rf "$tmp"; [[ -z $stop_services ]] || bash scripts/test-services.sh stop' EXIT
samples="$tmp/samples.tsv"   # line, wall s, rows, bytes, peak RSS bytes, in-step s: one line per process
: >"$samples"

# measure LINE ROWS BYTES OUT INSTEP -- CMD...: runs CMD (stdout to OUT) and appends its wall time, peak RSS
# and, when INSTEP is a JS expression over the JSON output `d`, the time the process itself reports.
measure() {
  local line=$1 n=$2 bytes=$3 out=$4 instep=$5; shift 6
  local t0 t1 own=""
  t0=$(date +%s%N)
  /usr/bin/time -f %M -o "$tmp/rss" "$@" >"$out" 2>"$tmp/stderr" || { log "$line failed"; cat "$out" "$tmp/stderr" >&2; exit 1; }
  t1=$(date +%s%N)
  [[ -n $instep ]] && own=$(json "$instep" "$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$line" "$(( (t1 - t0) / 1000 ))e-6" "$n" "$bytes" "$(( $(tail -n 1 "$tmp/rss") * 1024 ))" "$own" >>"$samples"
}
json() { node -e "const d=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log($1)" <"$2"; }

# ---- our steps, local (folder store + SQLite): medians from `EtlFunction bench`
log "our steps, local store + SQLite ($runs runs)"
"$app" bench --file "$file" --dataset orders --runs "$runs" --work "$tmp/local-bench" --json >"$tmp/bench.json"
node -e "
for (const s of JSON.parse(require('fs').readFileSync('$tmp/bench.json', 'utf8')))
  console.log([s.step === 'run (whole)' ? 'run (whole), local + SQLite' : s.step + ', local' + (s.step === 'load' ? ' SQLite' : ''),
    s.seconds, s.step === 'finalize' ? 0 : s.rows, s.bytes, s.peakRss, s.stepSeconds].join('\t'));" >>"$samples"

# ---- one untimed local run: the processed CSV the Parquet and LOAD DATA peers read
"$app" run "$file" --dataset orders --store "$tmp/ref" --db "$tmp/ref/etl.db" --contracts contracts --json --quiet >"$tmp/ref.json"
processed=$(json d.processed "$tmp/ref.json")
psize=$(stat -L -c %s "$processed")
written=$(json d.rowsWritten "$tmp/ref.json")
# Every writer must give the count of the generator that made the file (RULES.md's for gen_orders.py on
# the reference size, OrdersTruth's for ours); when that generator has none, ours.
expected=${expected_truth:-$written}
[[ $written == "$expected" ]] || { log "our run wrote $written rows, $generator says $expected"; exit 1; }

# ---- the test services
export AWS_ENDPOINT_URL_S3=$ETL_TEST_S3_ENDPOINT AWS_ACCESS_KEY_ID=$ETL_TEST_S3_ACCESS_KEY \
  AWS_SECRET_ACCESS_KEY=$ETL_TEST_S3_SECRET_KEY AWS_REGION=us-east-1 ETL_S3_COMPAT=plain
unset ETL_MYSQL
root_sql() { mariadb --no-defaults -S "$ETL_TEST_MYSQL_ROOT_SOCKET" -uroot -N -B "$@"; }
bucket() { node -e "require('http').request('$ETL_TEST_S3_ENDPOINT/$1',{method:'PUT'},r=>process.exit(r.statusCode===200?0:1)).end()"; }
# settle_mysql: before each line that loads into MariaDB, wait (at most 60 s) until InnoDB has written the pages
# earlier loads left dirty, so every load starts from the same server state. Without it a load right after
# the whole runs (2M rows into a 128 MiB buffer pool) paid for their flushing, and the plain LOAD DATA, ten
# seconds of DuckDB later, did not: ours measured 1.10x against 0.93x alternated (scripts/bench.sh load).
settle_mysql() {
  local pct i
  pct=$(root_sql -e "SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
  root_sql -e "SET GLOBAL innodb_max_dirty_pages_pct = 0"
  for (( i = 0; i < 600; i++ )); do
    (( $(root_sql -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | cut -f2) <= 100 )) && break
    sleep 0.1
  done
  root_sql -e "SET GLOBAL innodb_max_dirty_pages_pct = $pct"
}
tag="$(date +%s)-$$"
mkdir -p "$tmp/keep-first"
sed 's/^dedupe: keep_last/dedupe: keep_first/' contracts/orders.yaml >"$tmp/keep-first/orders.yaml"
grep -q '^dedupe: keep_first' "$tmp/keep-first/orders.yaml" || { log "contracts/orders.yaml has no dedupe: keep_last line"; exit 1; }
dbs=()

for run in $(seq 1 "$runs"); do
  log "run $run of $runs: S3 + MySQL, then the peers"
  b="bench-$tag-$run"
  for x in landing p1 a1 p2 a2; do bucket "$b-$x"; done
  for d in run steps; do root_sql -e "CREATE DATABASE etl_bench_${d}_$run CHARACTER SET utf8mb4"; dbs+=("etl_bench_${d}_$run"); done
  conn() { echo "${ETL_TEST_MYSQL/Database=etl_test/Database=etl_bench_$1_$run}"; }

  # Whole pipeline: upload to landing (inside the timing, as `run` does it), preprocess, load ∥ archive, finalize.
  settle_mysql
  measure "run (whole) --s3 --mysql" "$rows" "$size" "$tmp/run.json" d.timings.total -- "$app" run "$file" --dataset orders --contracts contracts \
    --s3 --landing-bucket "$b-landing" --processed-bucket "$b-p1" --archive-bucket "$b-a1" --mysql "$(conn run)" --json --quiet
  [[ $(json d.rowsLoaded "$tmp/run.json") == "$written" ]] || { log "run --s3 --mysql loaded $(json d.rowsLoaded "$tmp/run.json") rows"; exit 1; }
  # The same run under a keep_first copy of the contract. Both runs load and archive from the cleaner's output as
  # it is written (StreamedRun); with keep_last that output comes in the copy pass after the scan, with keep_first
  # during the scan, so this line shows what overlapping the whole clean gives. keep_first keeps each key's
  # first row where keep_last keeps its last: the same count.
  bucket "$b-p4"; bucket "$b-a4"
  root_sql -e "CREATE DATABASE etl_bench_stream_$run CHARACTER SET utf8mb4"; dbs+=("etl_bench_stream_$run")
  settle_mysql
  measure "run (whole, keep_first) --s3 --mysql" "$rows" "$size" "$tmp/run-stream.json" d.timings.total -- "$app" run "$file" \
    --dataset orders --contracts "$tmp/keep-first" --s3 --landing-bucket "$b-landing" --processed-bucket "$b-p4" --archive-bucket "$b-a4" \
    --mysql "$(conn stream)" --json --quiet
  [[ $(json d.rowsLoaded "$tmp/run-stream.json") == "$written" ]] || { log "the streamed run loaded $(json d.rowsLoaded "$tmp/run-stream.json") rows"; exit 1; }

  # Each step alone, as the state machine runs them, on the object the run above landed.
  s3=(--contracts contracts --s3 --landing-bucket "$b-landing" --processed-bucket "$b-p2" --archive-bucket "$b-a2" --mysql "$(conn steps)")
  echo "{\"bucket\":\"$b-landing\",\"key\":\"orders/$(basename "$file")\",\"dataset\":\"orders\"}" >"$tmp/event.json"
  measure "preprocess, S3" "$rows" "$size" "$tmp/pre.json" d.timings.preprocess -- "$app" invoke preprocess "${s3[@]}" <"$tmp/event.json"
  settle_mysql
  measure "load, S3 → MySQL" "$written" "$psize" "$tmp/load.json" d.timings.load -- "$app" invoke load "${s3[@]}" <"$tmp/pre.json"
  measure "archive, S3" "$written" "$psize" "$tmp/archive.json" d.timings.archive -- "$app" invoke archive "${s3[@]}" <"$tmp/pre.json"
  echo "[$(cat "$tmp/load.json"),$(cat "$tmp/archive.json")]" >"$tmp/both.json"
  measure "finalize, S3 + MySQL" 0 0 "$tmp/fin.json" d.timings.finalize -- "$app" invoke finalize "${s3[@]}" <"$tmp/both.json"

  # The split path's steps (the Distributed Map's), for their time and peak RSS: the plan reads the object
  # once for its record boundaries (four pieces here), each piece cleans a range, the merge decides dedupe
  # over the key logs. Each process is one Lambda invocation; the piece line is a median over its pieces.
  sp=(--contracts contracts --s3 --landing-bucket "$b-landing" --processed-bucket "$b-p3" --archive-bucket "$b-a3" --mysql "$(conn steps)")
  bucket "$b-p3"; bucket "$b-a3"
  echo "{\"bucket\":\"$b-landing\",\"key\":\"orders/$(basename "$file")\",\"dataset\":\"orders\",\"splitThreshold\":0,\"chunkSize\":$(( size / 4 + 1 ))}" >"$tmp/split-event.json"
  measure "plan (split), S3" "$rows" "$size" "$tmp/plan.json" "" -- "$app" invoke plan "${sp[@]}" <"$tmp/split-event.json"
  pieces=$(json d.pieces.length "$tmp/plan.json")
  for i in $(seq 0 $(( pieces - 1 ))); do
    node -e "const d=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log(JSON.stringify({run:d.run,piece:d.pieces[$i]}))" <"$tmp/plan.json" >"$tmp/piece-event.json"
    measure "piece (1 of $pieces), S3" $(( rows / pieces )) $(( size / pieces )) "$tmp/piece.json" "" -- "$app" invoke piece "${sp[@]}" <"$tmp/piece-event.json"
  done
  node -e "const d=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log(JSON.stringify({run:d.run}))" <"$tmp/plan.json" >"$tmp/merge-event.json"
  measure "merge ($pieces parts), S3" "$rows" "$size" "$tmp/merge.json" "" -- "$app" invoke merge "${sp[@]}" <"$tmp/merge-event.json"
  # Quarantine of the landed object (what a failed execution runs), with the state machine's input shape.
  node -e "const e=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log(JSON.stringify({input:{...e,error:{Error:'ContractViolation',Cause:'bench'},failedState:'Preprocess'},executionName:'bench-$run'}))" \
    <"$tmp/event.json" >"$tmp/quarantine-event.json"
  measure "quarantine, S3" 0 "$size" "$tmp/quarantine.json" "" -- "$app" invoke quarantine "${sp[@]}" <"$tmp/quarantine-event.json"

  # DuckDB: clean → CSV; clean → CSV + typed Parquet; our processed CSV → typed Parquet.
  peer=(node scripts/bench/duckdb-peer.mjs)
  measure "DuckDB clean → CSV" "$rows" "$size" "$tmp/duck1.json" d.seconds -- "${peer[@]}" csv "$file" "$tmp/duck.csv"
  measure "DuckDB clean → CSV + Parquet" "$rows" "$size" "$tmp/duck2.json" d.seconds -- "${peer[@]}" csv+parquet "$file" "$tmp/duck.csv" "$tmp/duck.parquet"
  measure "DuckDB processed CSV → Parquet" "$written" "$psize" "$tmp/duck3.json" d.seconds -- "${peer[@]}" parquet "$processed" "$tmp/duck.parquet"
  for j in duck1 duck2 duck3; do
    n=$(json d.rows "$tmp/$j.json")
    [[ $n == "$expected" ]] || { log "DuckDB ($j) wrote $n rows, expected $expected"; exit 1; }
  done
  echo "DuckDB wrote $n rows in every mode ($generator's truth: ${expected_truth:-not known for this size}); ours $written." >"$tmp/duckdb-rows"

  # Plain LOAD DATA into an empty copy of the loader's table (its DDL as the run above created it).
  plain="etl_bench_plain_$run"
  root_sql -e "CREATE DATABASE $plain CHARACTER SET utf8mb4"; dbs+=("$plain")
  mariadb-dump --no-defaults -S "$ETL_TEST_MYSQL_ROOT_SOCKET" -uroot --no-data "etl_bench_run_$run" orders | root_sql "$plain"
  settle_mysql
  measure "plain LOAD DATA (mariadb client)" "$written" "$psize" "$tmp/plain.out" "" -- bash scripts/bench/plain-load.sh "$ETL_TEST_MYSQL" "$plain" "$processed"
  # The same rows as the loader's, NULLs and bools included.
  check="SELECT COUNT(*), SUM(amount), SUM(quantity), SUM(is_gift), SUM(note IS NULL), SUM(country IS NULL) FROM orders"
  [[ $(root_sql "$plain" -e "$check") == $(root_sql "etl_bench_run_$run" -e "$check") ]] \
    || { log "plain LOAD DATA: $(root_sql "$plain" -e "$check"), the loader: $(root_sql "etl_bench_run_$run" -e "$check")"; exit 1; }
done
for d in "${dbs[@]}"; do root_sql -e "DROP DATABASE $d"; done
rm -rf .test-services/s3/data/bench-"$tag"-*   # s3rver keeps a bucket as a folder

node scripts/bench/report.mjs "$samples" "$runs" "$(cat "$tmp/duckdb-rows")"
