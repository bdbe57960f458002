# shellcheck shell=bash
# A PostgreSQL cluster of the project's own, in a folder: make run's, kept in
# .data/pg, and the test suites' throwaway ones. The server programs refuse to
# run as root, so as root they run as the `postgres` user. Source this file.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# Runs a command as the cluster's owner.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_init DIR [initdb options]: a cluster in DIR/data (trust authentication on
# 127.0.0.1 only, superuser `postgres`, UTF-8), unless DIR already has one.
pg_init() {
  local dir=$1
  shift
  [ -f "$dir/data/PG_VERSION" ] && return 0
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 "$@" \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
}

# pg_up DIR PORT [server options]: starts it on 127.0.0.1:PORT, its socket in
# DIR, its log in DIR/log; returns once it accepts connections.
pg_up() {
  local dir=$1 port=$2
  shift 2
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $*" start >/dev/null
}

# pg_down DIR: a fast shutdown (sessions are cut, nothing committed is lost).
pg_down() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w -t 30 stop >/dev/null 2>&1
}

# pg_is_up DIR: whether the cluster's server is running.
pg_is_up() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}
