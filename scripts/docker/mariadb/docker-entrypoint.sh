#!/bin/bash
# Entrypoint of the STAND-IN for mysql:8.4 (see the Dockerfile beside this file): the part of the official
# mysql/mariadb images' docker-entrypoint.sh that Testcontainers.MySql and the tests rely on.
#   docker-entrypoint.sh [mysqld|mariadbd] [--server-option ...]   initialise on first start, then run the server
#   docker-entrypoint.sh COMMAND ...                               run COMMAND instead
# First start (no /var/lib/mysql/mysql): the system tables (made by mariadb-install-db when the image was
# built, copied), a temporary server with --skip-networking on a private socket, root password (root@localhost
# and root@'%'), MYSQL_DATABASE, MYSQL_USER with ALL on that database, /docker-entrypoint-initdb.d/*; then the
# temporary server is shut down and the real one exec'd with the given options (PID 1: docker stop's SIGTERM
# reaches it). MySqlBuilder's readiness check (`mysql <db> --wait -e 'SELECT 1'` with the [client] section it
# writes to /etc/mysql/my.cnf) works here too; with host networking, MYSQL_TCP_PORT gives the client the port.
set -Eeuo pipefail

log() { printf '%s [Note] [Entrypoint]: %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S')" "$*"; }
die() { printf '%s [ERROR] [Entrypoint]: %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S')" "$*" >&2; exit 1; }

# setting NAME...: the first of the variables NAME (or the file named by NAME_FILE) that is set, else empty.
setting() {
  local name file
  for name in "$@"; do
    file="${name}_FILE"
    if [[ -n "${!name:-}" && -n "${!file:-}" ]]; then die "both $name and $file are set"; fi
    if [[ -n "${!name:-}" ]]; then printf '%s' "${!name}"; return 0; fi
    if [[ -n "${!file:-}" ]]; then cat "${!file}"; return 0; fi
  done
}

# SQL string literal and identifier bodies.
sql_string() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\\\'}"; }
sql_ident() { printf '%s' "${1//\`/\`\`}"; }

if [[ "${1:-}" == -* ]]; then set -- mariadbd "$@"; fi
case "${1:-}" in
  mysqld | mariadbd) shift ;;
  *) exec "$@" ;;
esac

defaults=/etc/mysql/standin-server.cnf
datadir=/var/lib/mysql
server=(mariadbd "--defaults-file=$defaults")

if [[ ! -d "$datadir/mysql" ]]; then
  root_password=$(setting MARIADB_ROOT_PASSWORD MYSQL_ROOT_PASSWORD)
  allow_empty=$(setting MARIADB_ALLOW_EMPTY_ROOT_PASSWORD MYSQL_ALLOW_EMPTY_PASSWORD)
  random_root=$(setting MARIADB_RANDOM_ROOT_PASSWORD MYSQL_RANDOM_ROOT_PASSWORD)
  root_host=$(setting MARIADB_ROOT_HOST MYSQL_ROOT_HOST)
  root_host=${root_host:-%}
  database=$(setting MARIADB_DATABASE MYSQL_DATABASE)
  user=$(setting MARIADB_USER MYSQL_USER)
  password=$(setting MARIADB_PASSWORD MYSQL_PASSWORD)
  if [[ -z "$root_password" && -z "$allow_empty" && -z "$random_root" ]]; then
    die "the database is uninitialized and no password option is given: set one of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD, MYSQL_RANDOM_ROOT_PASSWORD"
  fi
  if [[ -n "$random_root" && -z "$root_password" ]]; then
    root_password=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true)
    log "GENERATED ROOT PASSWORD: $root_password"
  fi
  if [[ "$user" == root ]]; then die "MYSQL_USER=root: root is created anyway; use MYSQL_ROOT_PASSWORD"; fi
  if [[ -n "$user" && -z "$password" ]]; then die "MYSQL_USER is set but MYSQL_PASSWORD is not"; fi

  log "initializing the database in $datadir"
  if [[ -d /usr/share/mysql-standin/datadir/mysql ]]; then
    # The system tables mariadb-install-db made when the image was built (see the Dockerfile).
    cp -a /usr/share/mysql-standin/datadir/. "$datadir/"
    chown mysql:mysql "$datadir" # e.g. a tmpfs mounted there
  else
    mariadb-install-db "--defaults-file=$defaults" --auth-root-authentication-method=normal --skip-test-db \
      --skip-name-resolve >/tmp/install-db.log 2>&1 || { cat /tmp/install-db.log >&2; die "mariadb-install-db failed"; }
  fi

  socket=/run/mysqld/init.sock
  log "starting a temporary server (no networking)"
  "${server[@]}" "$@" --skip-networking "--socket=$socket" &
  temp_pid=$!
  client=(mariadb --no-defaults --protocol=socket "--socket=$socket" -uroot)
  for _ in $(seq 1 300); do
    if mariadb-admin --no-defaults --protocol=socket "--socket=$socket" -uroot --connect-timeout=1 ping >/dev/null 2>&1; then break; fi
    kill -0 "$temp_pid" 2>/dev/null || die "the temporary server exited during start"
    sleep 0.1
  done
  mariadb-admin --no-defaults --protocol=socket "--socket=$socket" -uroot ping >/dev/null 2>&1 \
    || die "the temporary server did not answer within 30 s"

  {
    echo "SET @@SESSION.SQL_LOG_BIN = 0;"
    # mariadb-install-db's anonymous and host-named accounts: the official images keep only root.
    echo "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');"
    echo "DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';"
    echo "FLUSH PRIVILEGES;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$(sql_string "$root_password")';"
    if [[ "$root_host" != localhost ]]; then
      echo "CREATE USER 'root'@'$(sql_string "$root_host")' IDENTIFIED BY '$(sql_string "$root_password")';"
      echo "GRANT ALL ON *.* TO 'root'@'$(sql_string "$root_host")' WITH GRANT OPTION;"
    fi
    if [[ -n "$database" ]]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$(sql_ident "$database")\`;"
    fi
    if [[ -n "$user" ]]; then
      echo "CREATE USER '$(sql_string "$user")'@'%' IDENTIFIED BY '$(sql_string "$password")';"
      # As the official entrypoints do: '_' escaped, so the grant is for that database only.
      if [[ -n "$database" ]]; then echo "GRANT ALL ON \`$(sql_ident "${database//_/\\_}")\`.* TO '$(sql_string "$user")'@'%';"; fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | "${client[@]}" || die "setting up root, MYSQL_DATABASE and MYSQL_USER failed"
  if [[ -n "$root_password" ]]; then client+=("--password=$root_password"); fi
  if [[ -n "$database" ]]; then client+=("--database=$database"); fi

  for f in /docker-entrypoint-initdb.d/*; do
    [[ -e "$f" ]] || continue
    case "$f" in
      *.sh)
        if [[ -x "$f" ]]; then log "running $f"; "$f"; else log "sourcing $f"; . "$f"; fi ;;
      *.sql) log "running $f"; "${client[@]}" <"$f" || die "$f failed" ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | "${client[@]}" || die "$f failed" ;;
      *) log "ignoring $f" ;;
    esac
  done

  mariadb-admin --no-defaults --protocol=socket "--socket=$socket" -uroot ${root_password:+"--password=$root_password"} shutdown \
    || die "shutting down the temporary server failed"
  wait "$temp_pid" || true
  log "init process done; ready for start up"
fi

exec "${server[@]}" "$@"
