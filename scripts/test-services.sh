#!/usr/bin/env bash
# Throwaway services for the integration tests (and for developers), on free loopback ports:
#   - MariaDB #1 with local_infile ON  (stands in for RDS MySQL with LOAD DATA LOCAL enabled)
#   - MariaDB #2 with local_infile OFF (the RDS default: the loader's fallback path)
#   - s3rver 3.7.1, an S3 API on a local folder (credentials S3RVER/S3RVER; no buckets pre-created)
#
#   scripts/test-services.sh start    install what is missing (apt, npm), start, write .test-services/env
#   scripts/test-services.sh env      print the export lines (eval "$(scripts/test-services.sh env)")
#   scripts/test-services.sh status   say what runs
#   scripts/test-services.sh stop     stop by pid files and remove the data (the npm install is kept)
#
# `start` is idempotent: services that are running and healthy are reused. State lives in
# .test-services/ (gitignored), or in $ETL_TEST_SERVICES_DIR. Needs root for apt-get only when
# MariaDB is not installed yet; needs node/npm for s3rver. No systemd, no Docker.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
state="${ETL_TEST_SERVICES_DIR:-$repo/.test-services}"
envfile="$state/env"
s3rver_manifest="$repo/scripts/test-services"
wait_seconds="${ETL_TEST_SERVICES_TIMEOUT:-60}"

log() { echo "test-services: $*" >&2; }
die() { echo "test-services: ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- helpers

# A free TCP port on 127.0.0.1, chosen by the kernel (bind port 0, read it back, release it).
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();});"
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Unix socket paths are limited to ~107 bytes; a deep clone folder would overflow it.
socket_dir() {
  if (( ${#state} <= 70 )); then
    echo "$state"
  else
    echo "/tmp/etl-test-services-$(printf '%s' "$state" | cksum | cut -d' ' -f1)"
  fi
}

find_bin() {
  local name=$1
  command -v "$name" 2>/dev/null && return 0
  for d in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
    [[ -x "$d/$name" ]] && { echo "$d/$name"; return 0; }
  done
  return 1
}

# ---------------------------------------------------------------- installs

install_mariadb() {
  if find_bin mariadbd >/dev/null && find_bin mariadb-install-db >/dev/null && find_bin mariadb >/dev/null; then return 0; fi
  (( EUID == 0 )) || die "MariaDB is not installed and this is not root: install mariadb-server mariadb-client"
  command -v apt-get >/dev/null || die "MariaDB is not installed and there is no apt-get: install mariadb-server mariadb-client"
  log "installing mariadb-server mariadb-client (apt)"
  local apt=(apt-get -o DPkg::Lock::Timeout=600 install -y mariadb-server mariadb-client)
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" >"$state/apt.log" 2>&1; then
    log "install failed without a package list; running apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update >>"$state/apt.log" 2>&1 \
      || { tail -n 20 "$state/apt.log" >&2; die "apt-get update failed (log: $state/apt.log)"; }
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" >>"$state/apt.log" 2>&1 \
      || { tail -n 20 "$state/apt.log" >&2; die "apt-get install mariadb-server mariadb-client failed (log: $state/apt.log)"; }
  fi
  find_bin mariadbd >/dev/null || die "mariadbd not found after installing mariadb-server"
}

# s3rver pinned by scripts/test-services/package-lock.json, installed into .test-services/node.
install_s3rver() {
  local dir="$state/node"
  command -v node >/dev/null || die "node is required for s3rver (Node 20)"
  command -v npm >/dev/null || die "npm is required for s3rver"
  if [[ -x "$dir/node_modules/.bin/s3rver" ]] && cmp -s "$s3rver_manifest/package-lock.json" "$dir/package-lock.json"; then return 0; fi
  log "installing s3rver (npm ci)"
  mkdir -p "$dir"
  cp "$s3rver_manifest/package.json" "$s3rver_manifest/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >"$state/npm.log" 2>&1) \
    || { tail -n 20 "$state/npm.log" >&2; die "npm ci for s3rver failed (log: $state/npm.log)"; }
  [[ -x "$dir/node_modules/.bin/s3rver" ]] || die "s3rver not found after npm ci"
}

# ---------------------------------------------------------------- MariaDB

mysql_dir() { echo "$state/mysql$1"; }
mysql_sock() { echo "$(socket_dir)/mysql$1.sock"; }

mysql_ping() {
  "$(find_bin mariadb-admin)" --no-defaults --connect-timeout=2 -S "$(mysql_sock "$1")" -uroot ping >/dev/null 2>&1
}

mysql_healthy() {
  local dir; dir=$(mysql_dir "$1")
  alive "$dir/mysqld.pid" && [[ -f "$dir/port" ]] && mysql_ping "$1"
}

# start_mysql N LOCAL_INFILE(0|1)
start_mysql() {
  local n=$1 infile=$2 dir sock port
  dir=$(mysql_dir "$n")
  sock=$(mysql_sock "$n")
  rm -rf "$dir"
  mkdir -p "$dir" "$(dirname "$sock")"
  rm -f "$sock" "$sock.lock"
  "$(find_bin mariadb-install-db)" --no-defaults --user=root --datadir="$dir/data" \
    --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
    || { tail -n 20 "$dir/install.log" >&2; die "mariadb-install-db failed for instance $n (log: $dir/install.log)"; }
  port=$(free_port)
  # utf8mb4 as the server default, as in MySQL 8 / RDS (MariaDB 10.11 would default to latin1).
  nohup "$(find_bin mariadbd)" --no-defaults --user=root --datadir="$dir/data" --port="$port" \
    --bind-address=127.0.0.1 --socket="$sock" --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
    --local-infile="$infile" --skip-name-resolve --skip-log-bin --character-set-server=utf8mb4 \
    </dev/null >"$dir/stdout.log" 2>&1 &
  echo $! >"$dir/launcher.pid"
  local deadline=$((SECONDS + wait_seconds))
  until mysql_ping "$n"; do
    if ! kill -0 "$(cat "$dir/launcher.pid")" 2>/dev/null; then
      tail -n 20 "$dir/error.log" >&2 || true
      die "MariaDB instance $n exited during start (log: $dir/error.log)"
    fi
    (( SECONDS < deadline )) || { tail -n 20 "$dir/error.log" >&2 || true; die "MariaDB instance $n not ready after ${wait_seconds}s (log: $dir/error.log)"; }
    sleep 0.2
  done
  # The server writes its pid file itself; fall back to the launcher's pid (the same process).
  [[ -f "$dir/mysqld.pid" ]] || cp "$dir/launcher.pid" "$dir/mysqld.pid"
  "$(find_bin mariadb)" --no-defaults -S "$sock" -uroot <<'SQL' || die "creating database/user on MariaDB instance $n failed"
CREATE DATABASE IF NOT EXISTS etl_test CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'etl'@'%' IDENTIFIED BY 'etl';
CREATE USER IF NOT EXISTS 'etl'@'localhost' IDENTIFIED BY 'etl';
-- etl_test and any etl_* database a test creates to isolate itself.
GRANT ALL PRIVILEGES ON `etl\_%`.* TO 'etl'@'%';
GRANT ALL PRIVILEGES ON `etl\_%`.* TO 'etl'@'localhost';
FLUSH PRIVILEGES;
SQL
  echo "$port" >"$dir/port"
  log "MariaDB $n (local_infile=$infile) on 127.0.0.1:$port, socket $sock"
}

# ---------------------------------------------------------------- s3rver

s3_dir() { echo "$state/s3"; }

s3_ping() {
  node -e "require('http').get('http://127.0.0.1:$1/',r=>{r.resume();process.exit(0)}).on('error',()=>process.exit(1)).setTimeout(2000,()=>process.exit(1));"
}

s3_healthy() {
  local dir; dir=$(s3_dir)
  alive "$dir/s3rver.pid" && [[ -f "$dir/port" ]] && s3_ping "$(cat "$dir/port")"
}

start_s3rver() {
  local dir port
  dir=$(s3_dir)
  rm -rf "$dir"
  mkdir -p "$dir/data"
  port=$(free_port)
  # s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) only has
  # in its legacy provider: without it every second page of a listing fails with 500 InternalError.
  NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--openssl-legacy-provider" \
    nohup "$state/node/node_modules/.bin/s3rver" -d "$dir/data" -a 127.0.0.1 -p "$port" --silent \
    </dev/null >"$dir/s3rver.log" 2>&1 &
  echo $! >"$dir/s3rver.pid"
  local deadline=$((SECONDS + wait_seconds))
  until s3_ping "$port"; do
    alive "$dir/s3rver.pid" || { tail -n 20 "$dir/s3rver.log" >&2 || true; die "s3rver exited during start (log: $dir/s3rver.log)"; }
    (( SECONDS < deadline )) || die "s3rver not ready after ${wait_seconds}s (log: $dir/s3rver.log)"
    sleep 0.2
  done
  echo "$port" >"$dir/port"
  log "s3rver on http://127.0.0.1:$port (data $dir/data)"
}

# ---------------------------------------------------------------- commands

write_env() {
  local p1 p2 s3 tmp
  p1=$(cat "$(mysql_dir 1)/port")
  p2=$(cat "$(mysql_dir 2)/port")
  s3=$(cat "$(s3_dir)/port")
  tmp="$envfile.tmp"
  cat >"$tmp" <<EOF
# Written by scripts/test-services.sh start; read by EtlFunction.Tests/Integration/TestServices.cs.
export ETL_TEST_MYSQL='Server=127.0.0.1;Port=$p1;User ID=etl;Password=etl;Database=etl_test;AllowLoadLocalInfile=true;SslMode=None'
export ETL_TEST_MYSQL_NOINFILE='Server=127.0.0.1;Port=$p2;User ID=etl;Password=etl;Database=etl_test;AllowLoadLocalInfile=true;SslMode=None'
export ETL_TEST_MYSQL_ROOT_SOCKET='$(mysql_sock 1)'
export ETL_TEST_S3_ENDPOINT='http://127.0.0.1:$s3'
export ETL_TEST_S3_ACCESS_KEY='S3RVER'
export ETL_TEST_S3_SECRET_KEY='S3RVER'
EOF
  mv "$tmp" "$envfile"
}

stop_pidfile() {
  local pidfile=$1 what=$2 pid
  [[ -f "$pidfile" ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
      if (( SECONDS >= deadline )); then
        log "$what (pid $pid) ignored SIGTERM for 30s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  fi
  rm -f "$pidfile"
}

cmd_stop() {
  for n in 1 2; do
    stop_pidfile "$(mysql_dir "$n")/mysqld.pid" "MariaDB $n"
    stop_pidfile "$(mysql_dir "$n")/launcher.pid" "MariaDB $n launcher"
    rm -rf "$(mysql_dir "$n")"
    rm -f "$(mysql_sock "$n")" "$(mysql_sock "$n").lock"
  done
  stop_pidfile "$(s3_dir)/s3rver.pid" "s3rver"
  rm -rf "$(s3_dir)" "$envfile"
  local sd; sd=$(socket_dir)
  [[ "$sd" == "$state" ]] || rmdir "$sd" 2>/dev/null || true
  log "stopped"
}

cmd_start() {
  mkdir -p "$state"
  if [[ -f "$envfile" ]] && mysql_healthy 1 && mysql_healthy 2 && s3_healthy; then
    log "already running (reusing); env in $envfile"
    return 0
  fi
  # Anything half-started from an earlier run goes first.
  cmd_stop >/dev/null 2>&1 || true
  mkdir -p "$state"
  install_mariadb
  install_s3rver
  start_mysql 1 1
  start_mysql 2 0
  start_s3rver
  write_env
  log "ready; env in $envfile"
}

cmd_env() {
  [[ -f "$envfile" ]] || die "not started: run scripts/test-services.sh start"
  cat "$envfile"
}

cmd_status() {
  local rc=0
  for n in 1 2; do
    if mysql_healthy "$n"; then echo "MariaDB $n: running on port $(cat "$(mysql_dir "$n")/port")"; else echo "MariaDB $n: not running"; rc=1; fi
  done
  if s3_healthy; then echo "s3rver: running on port $(cat "$(s3_dir)/port")"; else echo "s3rver: not running"; rc=1; fi
  return $rc
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
