#!/usr/bin/env bash
# The load lines of the benchmark alone (issue #13): `invoke load` from s3rver into MariaDB against the plain
# `LOAD DATA LOCAL INFILE` of the same processed CSV through the mariadb client (scripts/bench/plain-load.sh),
# alternating the two in each run so both see the same machine load. Setup (untimed): the reference file, one
# local run for the processed CSV the plain client reads, one S3 run that lands the object and one
# `invoke preprocess` that writes the processed object the load reads.
#   bash scripts/bench.sh load [ROWS] [RUNS]      (defaults: 1,000,000 rows, 5 runs; ETL_BENCH_APP=PATH: that binary)
# Prints one line per process (wall s, in-step s) and the medians, their ratio and the load average.
# ETL_LOAD_PROFILE=1 is passed through: the loader then logs its phases to stderr (kept in DIR/load-N.err).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
rows=${1:-1000000}
runs=${2:-5}
file="$repo/data/orders-${rows}.csv"
log() { echo "bench load: $*" >&2; }

# ETL_BENCH_APP=PATH measures a given binary (e.g. out/bench-aot/EtlFunction, the Native AOT one the image
# ships); else the JIT Release build.
if [[ -n "${ETL_BENCH_APP:-}" ]]; then
  app=$(readlink -f "$ETL_BENCH_APP"); [[ -x $app ]] || { log "ETL_BENCH_APP=$ETL_BENCH_APP is not an executable"; exit 1; }
else
  dotnet build EtlFunction -c Release -v q -nologo >/dev/null
  app="$repo/EtlFunction/bin/Release/net10.0/EtlFunction"
fi
mkdir -p data
if [[ ! -f $file ]]; then
  if [[ -f ../shared/bench/gen_orders.py ]] && command -v python3 >/dev/null; then python3 ../shared/bench/gen_orders.py "$rows" "$file"
  else "$app" generate orders --rows "$rows" --out "$file" --json >/dev/null; fi
fi
stop_services=""
bash scripts/test-services.sh status >/dev/null 2>&1 || stop_services=1
bash scripts/test-services.sh start
# shellcheck disable=SC1091
source .test-services/env
tmp=$(mktemp -d /tmp/etl-bench-load.XXXXXX)
trap 'rm -rf "$tmp"; [[ -z $stop_services ]] || bash scripts/test-services.sh stop' EXIT
json() { node -e "const d=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log($1)" <"$2"; }
root_sql() { mariadb --no-defaults -S "$ETL_TEST_MYSQL_ROOT_SOCKET" -uroot -N -B "$@"; }
bucket() { node -e "require('http').request('$ETL_TEST_S3_ENDPOINT/$1',{method:'PUT'},r=>process.exit(r.statusCode===200?0:1)).end()"; }

"$app" run "$file" --dataset orders --store "$tmp/ref" --db "$tmp/ref/etl.db" --contracts contracts --json --quiet >"$tmp/ref.json"
processed=$(json d.processed "$tmp/ref.json")
written=$(json d.rowsWritten "$tmp/ref.json")
export AWS_ENDPOINT_URL_S3=$ETL_TEST_S3_ENDPOINT AWS_ACCESS_KEY_ID=$ETL_TEST_S3_ACCESS_KEY \
  AWS_SECRET_ACCESS_KEY=$ETL_TEST_S3_SECRET_KEY AWS_REGION=us-east-1 ETL_S3_COMPAT=plain
unset ETL_MYSQL
tag="load-$(date +%s)-$$"
conn() { echo "${ETL_TEST_MYSQL/Database=etl_test/Database=$1}"; }
dbs=()
newdb() { root_sql -e "CREATE DATABASE $1 CHARACTER SET utf8mb4"; dbs+=("$1"); }
cleanup_dbs() { for d in "${dbs[@]}"; do root_sql -e "DROP DATABASE IF EXISTS $d"; done; rm -rf .test-services/s3/data/"$tag"-*; }
trap 'cleanup_dbs; rm -rf "$tmp"; [[ -z $stop_services ]] || bash scripts/test-services.sh stop' EXIT
for x in landing p1 a1 p2 a2; do bucket "$tag-$x"; done
newdb "etl_${tag//-/_}_setup"
s3=(--contracts contracts --s3 --landing-bucket "$tag-landing" --processed-bucket "$tag-p2" --archive-bucket "$tag-a2")
"$app" run "$file" --dataset orders --contracts contracts --s3 --landing-bucket "$tag-landing" --processed-bucket "$tag-p1" \
  --archive-bucket "$tag-a1" --mysql "$(conn "etl_${tag//-/_}_setup")" --json --quiet >/dev/null
echo "{\"bucket\":\"$tag-landing\",\"key\":\"orders/$(basename "$file")\",\"dataset\":\"orders\"}" >"$tmp/event.json"
"$app" invoke preprocess "${s3[@]}" --mysql "$(conn "etl_${tag//-/_}_setup")" <"$tmp/event.json" >"$tmp/pre.json"

secs() { local t0=$1 t1=$2; echo "$(( (t1 - t0) / 1000000 ))e-3"; }
: >"$tmp/samples"
for run in $(seq 1 "$runs"); do
  ours="etl_${tag//-/_}_ours_$run" plain="etl_${tag//-/_}_plain_$run"
  newdb "$ours"; newdb "$plain"
  root_sql "$plain" < <(mariadb-dump --no-defaults -S "$ETL_TEST_MYSQL_ROOT_SOCKET" -uroot --no-data "etl_${tag//-/_}_setup" orders)
  order=(ours plain); (( run % 2 == 0 )) && order=(plain ours)
  for which in "${order[@]}"; do
    t0=$(date +%s%N)
    if [[ $which == ours ]]; then
      "$app" invoke load "${s3[@]}" --mysql "$(conn "$ours")" <"$tmp/pre.json" >"$tmp/load.json" 2>"$tmp/load-$run.err"
      t1=$(date +%s%N)
      [[ $(json d.rowsLoaded "$tmp/load.json") == "$written" ]] || { log "loaded $(json d.rowsLoaded "$tmp/load.json"), expected $written"; exit 1; }
      printf 'ours\t%s\t%s\n' "$(secs "$t0" "$t1")" "$(json d.timings.load "$tmp/load.json")" >>"$tmp/samples"
      [[ -z ${ETL_LOAD_PROFILE:-} ]] || grep -h 'load profile' "$tmp/load-$run.err" >&2 || true
    else
      bash scripts/bench/plain-load.sh "$ETL_TEST_MYSQL" "$plain" "$processed" >/dev/null
      t1=$(date +%s%N)
      printf 'plain\t%s\t\n' "$(secs "$t0" "$t1")" >>"$tmp/samples"
    fi
  done
  root_sql -e "DROP DATABASE $ours; DROP DATABASE $plain"
done
node -e "
const rows = require('fs').readFileSync('$tmp/samples', 'utf8').trim().split('\n').map(l => l.split('\t'));
const med = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const of = w => rows.filter(r => r[0] === w);
for (const r of rows) console.log(r[0].padEnd(6), Number(r[1]).toFixed(2), r[2] ? '(in-step ' + Number(r[2]).toFixed(2) + ')' : '');
const o = med(of('ours').map(r => +r[1])), p = med(of('plain').map(r => +r[1])), s = med(of('ours').map(r => +r[2]));
console.log('load, S3 → MySQL: ' + o.toFixed(2) + ' s (in-step ' + s.toFixed(2) + ') | plain LOAD DATA: ' + p.toFixed(2) +
  ' s | ratio ' + (o / p).toFixed(3) + '× | medians of $runs, $written rows | load average ' + require('os').loadavg().map(x => x.toFixed(1)).join(' '));"
