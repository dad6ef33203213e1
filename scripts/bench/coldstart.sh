#!/usr/bin/env bash
# Cold start of the function in its forms under the same Lambda Runtime API emulator (@vercel/fun,
# scripts/lambda-emulator/invoke.cjs): the published ReadyToRun binary started as `bootstrap` ("binary"), the
# Native AOT binary the same way ("aot", scripts/lambda-emulator.sh publish DIR --aot), the container image
# started by `docker run --network host IMAGE HANDLER` ("image", scripts/lambda-emulator.sh container-dir; the
# Dockerfile's default, Native AOT) and the same for the image built with --build-arg BUILD=readytorun
# ("image-r2r").
# A measurement, not a test: it prints medians and ranges and asserts nothing about them.
#
#   bash scripts/bench.sh coldstart [N]      (or bash scripts/bench/coldstart.sh [N]; default N=7)
#   ETL_COLDSTART_FORMS="binary aot" bash scripts/bench.sh coldstart [N]
#                                            the forms to compare (default "binary image"; any of binary, aot,
#                                            image, image-r2r); without an image form no Docker engine is needed
#   ETL_COLDSTART_FORMS="image-r2r image" bash scripts/bench.sh coldstart [N]
#                                            the ReadyToRun image against the Native AOT image
#
# Each round starts one fresh instance of each form (in alternating order, so both see the same machine load)
# and sends it the same two events: the first answer is the cold start (process or container start → first
# response, as invoke.cjs times it), the second a warm invoke. For an image the cold start is also timed from the
# container's own start (the engine's `start` event: its process runs) to the first answer, which leaves out the
# docker CLI, the creation of the container and the engine's set-up of it (about 300 ms here, the same for every
# image, and not how Lambda starts one). Two events are measured:
#   init       `plan` with `{}`: answered InvalidInput after the runtime is up (start-up only, no I/O)
#   preprocess `preprocess` of samples/titanic.csv on s3rver (S3 client set-up, contract, GET, clean, PUTs)
# plus, for each image, `docker run --rm --network none --entrypoint /bin/true IMAGE`: the engine's own
# create, start, exit and removal of a container (the cold start pays all but the removal, which comes after
# the function's last answer).
#
# Needs: the publish folder (artifacts/lambda/function, published when missing; ETL_COLDSTART_PUBLISH_DIR reuses
# another), for aot the AOT publish folder (artifacts/lambda/function-aot, likewise; ETL_COLDSTART_AOT_DIR), the image (ETL_IMAGE, default etl-function:test, built with scripts/docker.sh image when missing), for image-r2r
# the ReadyToRun image (ETL_IMAGE_R2R, default etl-function:r2r, built with scripts/docker.sh image TAG readytorun when missing), the
# private Docker engine (scripts/docker.sh start: started when not running and then left running), and s3rver from
# scripts/test-services.sh (started when not running and stopped again at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
rounds=${1:-7}
image=${ETL_IMAGE:-etl-function:test}
image_r2r=${ETL_IMAGE_R2R:-etl-function:r2r}
read -r -a forms <<<"${ETL_COLDSTART_FORMS:-binary image}"
log() { echo "coldstart: $*" >&2; }
has() { [[ " ${forms[*]} " == *" $1 "* ]]; }
for f in "${forms[@]}"; do [[ $f == binary || $f == aot || $f == image || $f == image-r2r ]] || { log "unknown form $f (binary, aot, image, image-r2r)"; exit 2; }; done

bash scripts/lambda-emulator.sh install
publish=${ETL_COLDSTART_PUBLISH_DIR:-$repo/artifacts/lambda/function}
if has binary && [[ ! -x "$publish/bootstrap" ]]; then
  log "publishing the binary to $publish"
  bash scripts/lambda-emulator.sh publish "$publish"
fi
aot_dir=${ETL_COLDSTART_AOT_DIR:-$repo/artifacts/lambda/function-aot}
if has aot && [[ ! -x "$aot_dir/bootstrap" ]]; then
  log "publishing the Native AOT binary to $aot_dir"
  bash scripts/lambda-emulator.sh publish "$aot_dir" --aot
fi
if has image || has image-r2r; then
  bash scripts/docker.sh status >/dev/null 2>&1 || bash scripts/docker.sh start
  eval "$(bash scripts/docker.sh env)"
  if has image; then docker image inspect "$image" >/dev/null 2>&1 || bash scripts/docker.sh image "$image"; fi
  if has image-r2r; then docker image inspect "$image_r2r" >/dev/null 2>&1 || bash scripts/docker.sh image "$image_r2r" readytorun; fi
fi

stop_services=""
bash scripts/test-services.sh status >/dev/null 2>&1 || stop_services=1
bash scripts/test-services.sh start
services_env="${ETL_TEST_SERVICES_DIR:-.test-services}/env"
# shellcheck disable=SC1090
source "$services_env"

tmp=$(mktemp -d /tmp/etl-coldstart.XXXXXX)
trap 'rm -rf "$tmp"; [[ -z $stop_services ]] || bash scripts/test-services.sh stop' EXIT
container="$tmp/container"
if has image; then bash scripts/lambda-emulator.sh container-dir "$container" "$image"; fi
if has image-r2r; then bash scripts/lambda-emulator.sh container-dir "$container-r2r" "$image_r2r"; fi

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
samples="$tmp/samples.tsv"   # form, measurement, cold ms, warm ms, container start → first response ms (images)
: >"$samples"

# invoke FORM DIR HANDLER EVENT NAME [--env ...]: one instance, the event twice; appends cold and warm ms and, for
# an image, the container's own start → first response: from the engine's `start` event of the container (its
# process is running: what Lambda's Init Duration counts from) to the answer, so without the docker CLI's
# start, the container's creation and the engine's set-up of it, which Lambda does not do this way.
invoke() {
  local form=$1 dir=$2 handler=$3 evt=$4 name=$5; shift 5
  local since started=""
  since=$(date +%s.%N)
  node scripts/lambda-emulator/invoke.cjs --dir "$dir" --handler "$handler" "${common[@]}" "$@" \
    --event "$evt" --event "$evt" --out "$tmp/out.json" >"$tmp/fn.log" 2>"$tmp/err.log" \
    || { cat "$tmp/err.log" "$tmp/fn.log" >&2; log "$form $name failed"; exit 1; }
  if [[ $form == image* ]]; then
    local img=$image; [[ $form == image-r2r ]] && img=$image_r2r
    started=$(docker events --since "$since" --until "$(date +%s.%N)" --filter type=container --filter event=start \
      --filter "image=$img" --format '{{.TimeNano}}' | head -n 1)
    [[ -n $started ]] || { log "$form $name: no start event from the engine"; exit 1; }
  fi
  node -e "
    const r = JSON.parse(require('fs').readFileSync('$tmp/out.json', 'utf8'));
    const expected = '$name' === 'init' ? 'Handled' : null;
    if (r.length !== 2 || r.some((x) => x.functionError !== expected)) { console.error(JSON.stringify(r)); process.exit(1); }
    const started = '$started' ? Number(BigInt('$started') / 1000n) / 1000 : null;
    const fromStart = started === null ? '' : (r[0].endedAtMs - started).toFixed(3);
    console.log(['$form', '$name', r[0].ms, r[1].ms, fromStart].join('\t'));" >>"$samples" \
    || { log "$form $name: unexpected answers"; exit 1; }
}
binary() { invoke binary "$publish" "$@" --env "ETL_CONTRACTS=$repo/contracts"; }
aot() { invoke aot "$aot_dir" "$@" --env "ETL_CONTRACTS=$repo/contracts"; }
# The image has its own contracts (/var/task/contracts) and gets no host path.
image() { invoke image "$container" "$@"; }
image-r2r() { invoke image-r2r "$container-r2r" "$@"; }
# bare FORM IMAGE: the engine's own container start and removal, nothing of ours running.
bare() {
  local t0 t1
  t0=$(date +%s%N)
  docker run --rm --network none --entrypoint /bin/true "$2"
  t1=$(date +%s%N)
  printf '%s\tbare container (docker run /bin/true)\t%s\t\n' "$1" "$(( (t1 - t0) / 1000 ))e-3" >>"$samples"
}

log "$rounds rounds: ${forms[*]}, in alternating order"
for round in $(seq 1 "$rounds"); do
  order=("${forms[@]}")
  if (( round % 2 == 0 )); then order=(); for (( i = ${#forms[@]} - 1; i >= 0; i-- )); do order+=("${forms[i]}"); done; fi
  for form in "${order[@]}"; do
    "$form" plan '{}' init
    "$form" preprocess "$event" preprocess
  done
  if has image; then bare image "$image"; fi
  if has image-r2r; then bare image-r2r "$image_r2r"; fi
  log "round $round of $rounds done"
done
rm -rf "${ETL_TEST_SERVICES_DIR:-.test-services}/s3/data/$b-"*   # s3rver keeps a bucket as a folder

node - "$samples" "$rounds" "$image" "$image_r2r" "${forms[@]}" <<'EOF'
const [file, rounds, image, imageR2r, ...forms] = process.argv.slice(2);
const rows = require('fs').readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split('\t'));
const pick = (form, name, col) => rows.filter((r) => r[0] === form && r[1] === name).filter((r) => (r[col] ?? '') !== '').map((r) => Number(r[col]));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const cell = (xs) => xs.length ? `${Math.round(median(xs))} (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})` : '';
const names = { binary: 'binary (ReadyToRun)', aot: 'binary (Native AOT)', image: 'image', 'image-r2r': 'image (ReadyToRun)' };
// The comparisons quoted: image − binary (the container's cost), aot ÷ binary (the AOT build's gain).
const extra = [];
if (forms.includes('binary') && forms.includes('image')) extra.push(['image − binary (medians)', (m) => `${Math.round(m.image - m.binary)}`]);
if (forms.includes('binary') && forms.includes('aot')) extra.push(['aot ÷ binary (medians)', (m) => (m.aot / m.binary).toFixed(2)]);
if (forms.includes('image-r2r') && forms.includes('image')) extra.push(['image ÷ image (ReadyToRun) (medians)', (m) => (m.image / m['image-r2r']).toFixed(2)]);
const images = [forms.includes('image') ? `image ${image}` : '', forms.includes('image-r2r') ? `ReadyToRun image ${imageR2r}` : ''].filter((x) => x);
console.log(`Cold start under @vercel/fun, median (min–max) of ${rounds} fresh instances each, ms${images.length ? `; ${images.join(', ')}` : ''}:`);
console.log(`| measurement | ${forms.map((f) => names[f]).join(' | ')} |${extra.map(([h]) => ` ${h} |`).join('')}`);
console.log(`|---|${forms.map(() => '---:').join('|')}|${extra.map(() => '---:|').join('')}`);
for (const [name, label] of [['init', '`plan {}` (start-up only)'], ['preprocess', '`preprocess` titanic on s3rver']]) {
  const hasImages = forms.some((f) => f.startsWith('image'));
  for (const [col, what] of [[2, 'cold: start → first response'], ...(hasImages ? [[4, 'cold: the container\'s own start → first response (images)']] : []), [3, 'warm: second invoke']]) {
    const m = Object.fromEntries(forms.map((f) => [f, median(pick(f, name, col))]));
    const ratio = (f) => { const x = f(m); return x.includes('NaN') ? '' : x; };
    console.log(`| ${label}, ${what} | ${forms.map((f) => cell(pick(f, name, col))).join(' | ')} |${extra.map(([, f]) => ` ${ratio(f)} |`).join('')}`);
  }
}
if (forms.includes('image') || forms.includes('image-r2r')) {
  const cells = forms.map((f) => (f.startsWith('image') ? cell(pick(f, 'bare container (docker run /bin/true)', 2)) : ''));
  console.log(`| bare container: \`docker run --rm --network none --entrypoint /bin/true\` (create, start, exit, remove) | ${cells.join(' | ')} |${extra.map(() => ' |').join('')}`);
}
EOF
