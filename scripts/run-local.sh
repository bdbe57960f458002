#!/usr/bin/env bash
# `make run`: the whole stack on this machine, in the foreground.
#
#   PostgreSQL   a cluster of its own in $DATA_DIR/pg, created on the first run
#                and kept between runs; migrations applied at each start
#   receiver     the local OTLP/HTTP receiver (receiver/), in the collector's
#                place, showing the traces as waterfalls; not started (so no
#                waterfall) when OTEL_EXPORTER_OTLP_ENDPOINT is set
#   notify, articles
#
# Ctrl-C or SIGTERM stops everything it started, PostgreSQL included, and
# exits 0. It reads no terminal, so it runs the same in CI, under setsid or in
# the background. Settings come from the environment (docs/services.md, "make run, in detail").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ports.sh
source scripts/lib/postgres.sh

BIN=$(realpath -m "${BIN:-build/release/bin}")
DATA_DIR=$(realpath -m "${DATA_DIR:-.data}")
HOST=${HOST:-127.0.0.1}
ARTICLES_PORT=${ARTICLES_PORT:-8080}
NOTIFY_PORT=${NOTIFY_PORT:-8081}
RECEIVER_PORT=${RECEIVER_PORT:-4318}
POSTGRES_PORT=${POSTGRES_PORT:-55432}
LOGS=$DATA_DIR/logs
TELEMETRY=$DATA_DIR/telemetry
PG_DIR=$DATA_DIR/pg

# Telemetry shows up within seconds rather than the specification's minute.
export OTEL_METRIC_EXPORT_INTERVAL=${OTEL_METRIC_EXPORT_INTERVAL:-5000}
export OTEL_BSP_SCHEDULE_DELAY=${OTEL_BSP_SCHEDULE_DELAY:-1000}
export OTEL_BLRP_SCHEDULE_DELAY=${OTEL_BLRP_SCHEDULE_DELAY:-1000}

say() { echo "stack: $*"; }

declare -A PID=()
ORDER=() # start order; stopped in reverse
PG_OURS=

# start NAME LOG COMMAND...: runs COMMAND in the background, its output
# appended to LOG (or on this script's output when LOG is -).
start() {
  local name=$1 log=$2
  shift 2
  if [ "$log" = - ]; then "$@" & else "$@" >>"$log" 2>&1 & fi
  PID[$name]=$!
  ORDER+=("$name")
}

# A child that has exited is a zombie until reaped; it counts as gone.
alive() {
  local state
  state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [ "$state" != Z ]
}

stop_one() {
  local name=$1 pid=${PID[$1]}
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 150); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    say "$name did not stop within 15 s; killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
}

# Runs on every exit: the services first (their last telemetry still reaches
# the receiver), then the receiver, then PostgreSQL.
stop_all() {
  trap '' INT TERM
  local i
  for ((i = ${#ORDER[@]} - 1; i >= 0; i--)); do
    stop_one "${ORDER[i]}"
  done
  if [ -n "$PG_OURS" ]; then pg_down "$PG_DIR" || say "PostgreSQL did not stop; see $PG_DIR/log"; fi
  say "stopped"
}
trap stop_all EXIT
trap 'exit 0' INT TERM

http_ok() { [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1")" = 200 ]; }

# wait_up NAME PROBE...: until the command PROBE succeeds (30 s at most), or
# NAME has exited.
wait_up() {
  local name=$1
  shift
  for _ in $(seq 300); do
    "$@" && return 0
    if ! alive "${PID[$name]}"; then
      say "$name exited while starting"
      [ -f "$LOGS/$name.log" ] && tail -n 20 "$LOGS/$name.log"
      return 1
    fi
    sleep 0.1
  done
  say "$name did not come up within 30 s ($*)"
  return 1
}

for p in ARTICLES_PORT NOTIFY_PORT; do
  if port_in_use "${!p}"; then
    say "port ${!p} ($p) is in use; free it or set $p"
    exit 1
  fi
done
mkdir -p "$LOGS" "$TELEMETRY"
: >"$LOGS/articles.log"
: >"$LOGS/notify.log"

# --- PostgreSQL, unless DATABASE_URL names a server ---
if [ -z "${DATABASE_URL:-}" ]; then
  if [ "$(id -u)" -eq 0 ] && [ ! -e "$PG_DIR" ] && ! pg_as_owner test -x "$DATA_DIR"; then
    # The postgres user cannot reach this folder (say, a clone in /root):
    # keep the cluster where it can, linked from here.
    outside=/var/lib/postgresql/articles-$(printf %s "$DATA_DIR" | md5sum | cut -c1-12)
    mkdir -p "$outside"
    ln -s "$outside" "$PG_DIR"
    say "the postgres user cannot enter $DATA_DIR; the cluster lives in $outside"
  fi
  PG_DIR=$(realpath -m "$PG_DIR") # the server is given the path it can walk
  if pg_is_up "$PG_DIR"; then
    say "stopping the PostgreSQL an earlier run left in $PG_DIR"
    pg_down "$PG_DIR"
  fi
  if port_in_use "$POSTGRES_PORT"; then
    say "port $POSTGRES_PORT (POSTGRES_PORT) is in use; free it or set POSTGRES_PORT"
    exit 1
  fi
  [ -f "$PG_DIR/data/PG_VERSION" ] || say "creating a PostgreSQL cluster in $PG_DIR"
  pg_init "$PG_DIR"
  pg_up "$PG_DIR" "$POSTGRES_PORT"
  PG_OURS=1
  psql_admin() { psql -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres -Atqc "$1"; }
  [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = 'articles'")" = 1 ] ||
    psql_admin "CREATE DATABASE articles"
  export DATABASE_URL=postgresql://postgres@127.0.0.1:$POSTGRES_PORT/articles
fi
MIGRATIONS_DIR=migrations "$BIN/articles" migrate up | sed 's/^/stack: migration /'

# --- the receiver, unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector ---
if [ -z "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]; then
  if port_in_use "$RECEIVER_PORT"; then
    say "port $RECEIVER_PORT (RECEIVER_PORT) is in use; free it, set RECEIVER_PORT," \
      "or set OTEL_EXPORTER_OTLP_ENDPOINT to export there instead"
    exit 1
  fi
  for signal in traces metrics logs; do : >"$TELEMETRY/$signal.jsonl"; done
  start receiver - env RECEIVER_HOST=127.0.0.1 RECEIVER_PORT="$RECEIVER_PORT" \
    RECEIVER_DIR="$TELEMETRY" "$BIN/receiver"
  export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$RECEIVER_PORT
  wait_up receiver port_in_use "$RECEIVER_PORT"
  telemetry="$OTEL_EXPORTER_OTLP_ENDPOINT -> $TELEMETRY/{traces,metrics,logs}.jsonl"
else
  telemetry="$OTEL_EXPORTER_OTLP_ENDPOINT (OTEL_EXPORTER_OTLP_ENDPOINT: no receiver, so no waterfall here)"
fi

# --- the services ---
start notify "$LOGS/notify.log" env PORT="$NOTIFY_PORT" HOST="$HOST" "$BIN/notify"
wait_up notify http_ok "http://127.0.0.1:$NOTIFY_PORT/health"
start articles "$LOGS/articles.log" env PORT="$ARTICLES_PORT" HOST="$HOST" \
  NOTIFY_URL="http://127.0.0.1:$NOTIFY_PORT/notify" "$BIN/articles"
wait_up articles http_ok "http://127.0.0.1:$ARTICLES_PORT/api/ready"

cat <<EOF
stack: ready
  articles   http://127.0.0.1:$ARTICLES_PORT/api/articles    log $LOGS/articles.log
  notify     http://127.0.0.1:$NOTIFY_PORT/notify            log $LOGS/notify.log
  database   $DATABASE_URL
  telemetry  $telemetry
  try        scripts/test-api.sh; scripts/verify-collector.sh
  Ctrl-C stops everything.
EOF

# Until a signal (the INT/TERM trap exits 0) or a process's unexpected end.
while :; do
  wait -n || true
  for name in "${ORDER[@]}"; do
    if ! alive "${PID[$name]}"; then
      say "$name exited unexpectedly; stopping the stack"
      [ -f "$LOGS/$name.log" ] && tail -n 20 "$LOGS/$name.log"
      exit 1
    fi
  done
done
