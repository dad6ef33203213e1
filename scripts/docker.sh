#!/usr/bin/env bash
# A private Docker engine for the image tests, and the stand-in base images they build on.
#
#   scripts/docker.sh start      install docker.io + debootstrap (apt) if missing, start a private dockerd
#                                (reused if it already runs), write its variables to $state/env
#   scripts/docker.sh env        print the export lines (eval "$(scripts/docker.sh env)")
#   scripts/docker.sh status     say whether the engine answers
#   scripts/docker.sh stop       stop the engine (the data root, with its images, is kept for the next start)
#   scripts/docker.sh bases      build the stand-in base images that are missing (see below); --force rebuilds
#   scripts/docker.sh image [TAG [BUILD]]
#                                build the project's Dockerfile with --no-cache on the stand-in bases
#                                (default tag etl-function:test; BUILD aot, the default, or readytorun);
#                                prints its build time and sizes
#   scripts/docker.sh tag-real   also tag the stand-ins with the real base names, for `sam build` by hand
#
# Why private: no systemd here, and the engine must touch no network configuration. It runs with no bridge
# and no iptables, its own socket, exec root and data root (../shared/ENVIRONMENT.md, "Docker"), so every
# container uses --network host (loopback services are reachable) or --network none. Never a bridge: its
# 172.17.x addresses are private-range addresses this machine must not use.
#
# Stand-in bases (no container registry is reachable here, so `FROM` a public image cannot pull):
#   etl-standin/debian:bookworm            debootstrap --variant=minbase, imported
#   etl-standin/dotnet-sdk:10.0            for mcr.microsoft.com/dotnet/sdk:10.0   (scripts/docker/dotnet-sdk)
#   etl-standin/lambda-provided:al2023     for public.ecr.aws/lambda/provided:al2023 (scripts/docker/lambda-provided)
#   etl-standin/<name>:latest              any other scripts/docker/<name>/Dockerfile (e.g. mariadb)
# The Dockerfile keeps the real images as its defaults; only the build arguments point at the stand-ins.
#
# State: $ETL_DOCKER_DIR (default /var/tmp/etl-docker; short, for the socket path). Root only.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
state="${ETL_DOCKER_DIR:-/var/tmp/etl-docker}"
sock="$state/docker.sock"
export DOCKER_HOST="unix://$sock"
# Debian's engine (20.10) speaks API <= 1.41; a newer client (and Testcontainers) would ask for more.
export DOCKER_API_VERSION=1.41
debian_mirror="${ETL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

log() { echo "docker.sh: $*" >&2; }
die() { echo "docker.sh: ERROR: $*" >&2; exit 1; }
usage() { sed -n '2,16p' "$0" >&2; exit 2; }

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

install_engine() {
  if command -v dockerd >/dev/null && command -v docker >/dev/null && command -v debootstrap >/dev/null; then return 0; fi
  (( EUID == 0 )) || die "docker.io and debootstrap are not installed and this is not root"
  log "installing docker.io debootstrap (apt)"
  mkdir -p "$state"
  local apt=(apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends docker.io debootstrap)
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" >"$state/apt.log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q >>"$state/apt.log" 2>&1 \
      || { tail -n 20 "$state/apt.log" >&2; die "apt-get update failed"; }
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" >>"$state/apt.log" 2>&1 \
      || { tail -n 20 "$state/apt.log" >&2; die "apt-get install docker.io debootstrap failed"; }
  fi
}

write_env() {
  mkdir -p "$state"
  printf 'export DOCKER_HOST=%q\nexport DOCKER_API_VERSION=%q\n' "$DOCKER_HOST" "$DOCKER_API_VERSION" >"$state/env"
}

start() {
  install_engine
  mkdir -p "$state"
  if answers; then log "engine already running ($DOCKER_HOST)"; write_env; return 0; fi
  # A stale pid file or socket from a killed engine would stop dockerd from starting.
  rm -f "$state/docker.pid" "$sock"
  # containerd comes with docker.io; dockerd starts its own when none runs.
  nohup dockerd --iptables=false --ip6tables=false --bridge=none \
    --data-root "$state/root" --exec-root "$state/exec" -H "$DOCKER_HOST" \
    --pidfile "$state/docker.pid" >"$state/dockerd.log" 2>&1 &
  local i
  for i in $(seq 1 60); do
    answers && { log "engine ready ($DOCKER_HOST)"; write_env; return 0; }
    sleep 0.5
  done
  tail -n 20 "$state/dockerd.log" >&2
  die "dockerd did not answer within 30 s (log: $state/dockerd.log)"
}

stop() {
  [[ -f "$state/docker.pid" ]] || { log "no engine pid file"; return 0; }
  local pid
  pid=$(cat "$state/docker.pid")
  # Containers left by an interrupted test would keep host ports: remove them first.
  if answers; then
    local left
    left=$(docker ps -aq)
    if [[ -n "$left" ]]; then docker rm -f $left >/dev/null 2>&1 || true; fi
  fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  # The engine can leave mounts under its state (the default network namespace under the exec root, the
  # data root): unmount them, deepest first, so the folder can be removed.
  awk -v s="$state/" 'index($2, s) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  rm -f "$state/docker.pid" "$state/env"
  log "engine stopped"
}

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

build_debian() {
  local tag=etl-standin/debian:bookworm rootfs="$state/rootfs"
  if has_image "$tag" && [[ "${force:-0}" != 1 ]]; then return 0; fi
  log "debootstrap bookworm (minbase) -> $tag"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$debian_mirror" >"$state/debootstrap.log" 2>&1 \
    || { tail -n 20 "$state/debootstrap.log" >&2; die "debootstrap failed (log: $state/debootstrap.log)"; }
  # apt inside the image uses the same mirror the host reaches.
  echo "deb $debian_mirror bookworm main" >"$rootfs/etc/apt/sources.list"
  # debootstrap's downloaded packages and lists are 80 MB no image needs (each build runs apt-get update).
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$tag" >/dev/null
  rm -rf "$rootfs"
}

# build_standin NAME TAG: scripts/docker/NAME/Dockerfile; the SDK stand-in gets this machine's SDK and CA bundle.
build_standin() {
  local name=$1 tag=$2 dir="$repo/scripts/docker/$1"
  if has_image "$tag" && [[ "${force:-0}" != 1 ]]; then return 0; fi
  log "building $tag (stand-in, scripts/docker/$name)"
  if [[ $name == dotnet-sdk ]]; then
    local dotnet_root
    dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
    # The context is streamed as a tar (no copy of the 600 MB SDK on disk).
    tar -c -C "$dir" Dockerfile -C /etc/ssl/certs ca-certificates.crt \
        --transform "s|^${dotnet_root#/}|dotnet|" -C / "${dotnet_root#/}" \
      | docker build --network host -q -t "$tag" - >"$state/build-$name.log" 2>&1
  else
    docker build --network host -q -t "$tag" "$dir" >"$state/build-$name.log" 2>&1
  fi || { tail -n 30 "$state/build-$name.log" >&2; die "building $tag failed (log: $state/build-$name.log)"; }
}

bases() {
  answers || die "no engine answers at $DOCKER_HOST: run scripts/docker.sh start"
  build_debian
  build_standin dotnet-sdk etl-standin/dotnet-sdk:10.0
  build_standin lambda-provided etl-standin/lambda-provided:al2023
  local d name
  for d in "$repo"/scripts/docker/*/; do
    name=$(basename "$d")
    [[ -f "$d/Dockerfile" ]] || continue
    case $name in dotnet-sdk|lambda-provided) continue ;; esac
    build_standin "$name" "etl-standin/$name:latest"
  done
}

image() {
  local tag=${1:-etl-function:test} build=${2:-aot}
  answers || die "no engine answers at $DOCKER_HOST: run scripts/docker.sh start"
  bases
  log "docker build --no-cache -t $tag --build-arg BUILD=$build (stand-in bases)"
  local started elapsed_ms
  started=$(date +%s%N)
  docker build --no-cache --network host -t "$tag" \
    --build-arg SDK_IMAGE=etl-standin/dotnet-sdk:10.0 \
    --build-arg BASE_IMAGE=etl-standin/lambda-provided:al2023 \
    --build-arg BUILD="$build" \
    -f "$repo/Dockerfile" "$repo" >"$state/build.log" 2>&1 \
    || { tail -n 40 "$state/build.log" >&2; die "docker build failed (log: $state/build.log)"; }
  elapsed_ms=$((($(date +%s%N) - started) / 1000000))
  # The build stage (SDK + restore + publish, ~2 GB) stays behind as an untagged image: drop it.
  docker image prune -f >/dev/null 2>&1 || true
  local total base
  total=$(docker image inspect -f '{{.Size}}' "$tag")
  base=$(docker image inspect -f '{{.Size}}' etl-standin/lambda-provided:al2023)
  # The build stage's glibc check (scripts/docker/check-glibc.sh): its summary line, for the record.
  grep -h 'check-glibc: .* ELF files' "$state/build.log" >&2 || true
  printf 'docker.sh: image %s (%s) built in %d.%03d s: %d MB (stand-in base %d MB, app layers %d MB)\n' \
    "$tag" "$build" $((elapsed_ms / 1000)) $((elapsed_ms % 1000)) $((total / 1000000)) $((base / 1000000)) $(((total - base) / 1000000)) >&2
}

tag_real() {
  docker tag etl-standin/dotnet-sdk:10.0 mcr.microsoft.com/dotnet/sdk:10.0
  docker tag etl-standin/lambda-provided:al2023 public.ecr.aws/lambda/provided:al2023
  log "tagged the stand-ins as mcr.microsoft.com/dotnet/sdk:10.0 and public.ecr.aws/lambda/provided:al2023 (in this private engine only)"
}

force=0
case "${1:-}" in
  start) start ;;
  env) printf 'export DOCKER_HOST=%q\nexport DOCKER_API_VERSION=%q\n' "$DOCKER_HOST" "$DOCKER_API_VERSION" ;;
  status) if answers; then echo "docker: running ($DOCKER_HOST)"; else echo "docker: not running"; exit 1; fi ;;
  stop) stop ;;
  bases) [[ "${2:-}" == --force ]] && force=1; bases ;;
  image) image "${2:-}" "${3:-}" ;;
  tag-real) tag_real ;;
  *) usage ;;
esac
