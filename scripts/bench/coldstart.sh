#!/usr/bin/env bash
# Cold start of the function in its two forms under the same Lambda Runtime API emulator (@vercel/fun,
# scripts/lambda-emulator/invoke.cjs): the published binary started as `bootstrap`, and the container image
# started by `docker run --network host IMAGE HANDLER` (scripts/lambda-emulator.sh container-dir). A measurement,
# not a test: it prints medians and ranges and asserts nothing about them.
#
#   bash scripts/bench.sh coldstart [N]      (or bash scripts/bench/coldstart.sh [N]; default N=7)
#
# Each round starts one fresh instance of each form (in alternating order, so both see the same machine load)
# and sends it the same two events: the first answer is the cold start (process or container start → first
# response, as invoke.cjs times it), the second a warm invoke. Two events are measured:
#   init       `plan` with `{}`: answered InvalidInput after the runtime is up (start-up only, no I/O)
#   preprocess `preprocess` of samples/titanic.csv on s3rver (S3 client set-up, contract, GET, clean, PUTs)
# plus, for the image alone, `docker run --rm --network none --entrypoint /bin/true IMAGE`: the engine's own
# create, start, exit and removal of a container (the cold start pays all but the removal, which comes after
# the function's last answer).
#
# Needs: the publish folder (artifacts/lambda/function, published when missing; ETL_COLDSTART_PUBLISH_DIR reuses
# another), the image (ETL_IMAGE, default etl-function:test, built with scripts/docker.sh image when missing), the
# private Docker engine (scripts/docker.sh start: started when not running and then left running), and s3rver from
# scripts/test-services.sh (started when not running and stopped again at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
rounds=${1:-7}
image=${ETL_IMAGE:-etl-function:test}
log() { echo "coldstart: $*" >&2; }

bash scripts/lambda-emulator.sh install
publish=${ETL_COLDSTART_PUBLISH_DIR:-$repo/artifacts/lambda/function}
if [[ ! -x "$publish/bootstrap" ]]; then
  log "publishing the binary to $publish"
  bash scripts/lambda-emulator.sh publish "$publish"
fi
bash scripts/docker.sh status >/dev/null 2>&1 || bash scripts/docker.sh start
eval "$(bash scripts/docker.sh env)"
docker image inspect "$image" >/dev/null 2>&1 || bash scripts/docker.sh image "$image"

stop_services=""
bash scripts/test-services.sh status >/dev/null 2>&1 || stop_services=1
bash scripts/test-services.sh start
services_env="${ETL_TEST_SERVICES_DIR:-.test-services}/env"
# shellcheck disable=SC1090
source "$services_env"

tmp=$(mktemp -d /tmp/etl-coldstart.XXXXXX)
trap 'rm -rf "$tmp"; [[ -z $stop_services ]] || bash scripts/test-services.sh stop' EXIT
container="$tmp/container"
bash scripts/lambda-emulator.sh container-dir "$container" "$image"

# Three buckets and the sample on s3rver (it takes unsigned bucket and object PUTs).
b="coldstart-$(date +%s)-$$"
put() { node -e "
  const fs = require('fs'); const body = process.argv[1] ? fs.readFileSync(process.argv[1]) : undefined;
  const r = require('http').request('$ETL_TEST_S3_ENDPOINT/$1', { method: 'PUT' }, (res) => process.exit(res.statusCode === 200 ? 0 : 1));
  r.end(body);" "${2:-}"; }
for x in landing processed archive; do put "$b-$x"; done
put "$b-landing/titanic/titanic.csv" samples/titanic.csv

export AWS_ACCESS_KEY_ID=$ETL_TEST_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$ETL_TEST_S3_SECRET_KEY AWS_REGION=us-east-1
common=(--env "ETL_LANDING_BUCKET=$b-landing" --env "ETL_PROCESSED_BUCKET=$b-processed" --env "ETL_ARCHIVE_BUCKET=$b-archive"
  --env "AWS_ENDPOINT_URL_S3=$ETL_TEST_S3_ENDPOINT" --env ETL_S3_COMPAT=plain)
event="{\"bucket\":\"$b-landing\",\"key\":\"titanic/titanic.csv\"}"
samples="$tmp/samples.tsv"   # form, measurement, cold ms, warm ms
: >"$samples"

# invoke FORM DIR HANDLER EVENT NAME [--env ...]: one instance, the event twice; appends cold and warm ms.
invoke() {
  local form=$1 dir=$2 handler=$3 evt=$4 name=$5; shift 5
  node scripts/lambda-emulator/invoke.cjs --dir "$dir" --handler "$handler" "${common[@]}" "$@" \
    --event "$evt" --event "$evt" --out "$tmp/out.json" >"$tmp/fn.log" 2>"$tmp/err.log" \
    || { cat "$tmp/err.log" "$tmp/fn.log" >&2; log "$form $name failed"; exit 1; }
  node -e "
    const r = JSON.parse(require('fs').readFileSync('$tmp/out.json', 'utf8'));
    const expected = '$name' === 'init' ? 'Handled' : null;
    if (r.length !== 2 || r.some((x) => x.functionError !== expected)) { console.error(JSON.stringify(r)); process.exit(1); }
    console.log(['$form', '$name', r[0].ms, r[1].ms].join('\t'));" >>"$samples" \
    || { log "$form $name: unexpected answers"; exit 1; }
}
binary() { invoke binary "$publish" "$@" --env "ETL_CONTRACTS=$repo/contracts"; }
# The image has its own contracts (/var/task/contracts) and gets no host path.
image() { invoke image "$container" "$@"; }
bare() {
  local t0 t1
  t0=$(date +%s%N)
  docker run --rm --network none --entrypoint /bin/true "$image"
  t1=$(date +%s%N)
  printf 'image\tbare container (docker run /bin/true)\t%s\t\n' "$(( (t1 - t0) / 1000 ))e-3" >>"$samples"
}

log "$rounds rounds: binary ($publish) and image ($image), alternating"
for round in $(seq 1 "$rounds"); do
  if (( round % 2 )); then order=(binary image); else order=(image binary); fi
  for form in "${order[@]}"; do
    "$form" plan '{}' init
    "$form" preprocess "$event" preprocess
  done
  bare
  log "round $round of $rounds done"
done
rm -rf "${ETL_TEST_SERVICES_DIR:-.test-services}/s3/data/$b-"*   # s3rver keeps a bucket as a folder

node - "$samples" "$rounds" "$image" <<'EOF'
const [file, rounds, image] = process.argv.slice(2);
const rows = require('fs').readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split('\t'));
const pick = (form, name, col) => rows.filter((r) => r[0] === form && r[1] === name).map((r) => Number(r[col])).filter((x) => !Number.isNaN(x));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const cell = (xs) => xs.length ? `${Math.round(median(xs))} (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})` : '';
console.log(`Cold start under @vercel/fun, median (min–max) of ${rounds} fresh instances each, ms; image ${image}:`);
console.log('| measurement | binary | image | image − binary (medians) |');
console.log('|---|---:|---:|---:|');
for (const [name, label] of [['init', '`plan {}` (start-up only)'], ['preprocess', '`preprocess` titanic on s3rver']]) {
  for (const [col, what] of [[2, 'cold: start → first response'], [3, 'warm: second invoke']]) {
    const a = pick('binary', name, col); const b = pick('image', name, col);
    console.log(`| ${label}, ${what} | ${cell(a)} | ${cell(b)} | ${Math.round(median(b) - median(a))} |`);
  }
}
console.log(`| bare container: \`docker run --rm --network none --entrypoint /bin/true\` (create, start, exit, remove) | | ${cell(pick('image', 'bare container (docker run /bin/true)', 2))} | |`);
EOF
