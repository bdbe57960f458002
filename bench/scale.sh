#!/usr/bin/env bash
# make bench, the machine's own scale: what its parts do alone, so that the
# services' figures can be read against this machine rather than another.
#   insert     PostgreSQL alone: articles' INSERT ... RETURNING, prepared,
#              pgbench with 16 clients, on make run's cluster (fsync on)
#   select     the same for the SELECT by id, over the rows inserted
#   bare_http  a bare libmicrohttpd server (bench/bare_http.c) under wrk with
#              make bench's threads and connections
# Each runs a warm-up (BENCH_WARMUP s) then a counted run (BENCH_DURATION s).
# Prints one JSON line each: {"scale","rate"} (per second).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
BENCH_BIN=${BENCH_BIN:-$TOP/build/release/bench}
source "$TOP/bench/stack.sh"

# pgbench_rate SCRIPT SECONDS [VAR=value]: the transactions per second it reports.
pgbench_rate() {
  "$PG_BIN/pgbench" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -n -M prepared -c 16 -j 2 \
    -T "$2" ${3:+-D "$3"} -f "$TOP/bench/pgbench/$1.sql" articles 2>&1 |
    sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}

line() { jq -c -n --arg scale "$1" --argjson rate "$2" '{scale: $scale, rate: ($rate | floor)}'; }

stack_start scale
pgbench_rate insert "$BENCH_WARMUP" >/dev/null
line insert "$(pgbench_rate insert "$BENCH_DURATION")"
max_id=$(stack_rows scale)
pgbench_rate select "$BENCH_WARMUP" "max_id=$max_id" >/dev/null
line select "$(pgbench_rate select "$BENCH_DURATION" "max_id=$max_id")"
stack_stop

port=$(free_port)
"$BENCH_BIN/bare_http" "$port" >"$WORK/bare.out" &
bare=$!
wait_for_line "$WORK/bare.out" '^bare_http: listening' "$bare"
wrk_rps() {
  wrk -t "$BENCH_THREADS" -c "$BENCH_CONNECTIONS" -d "${1}s" "http://127.0.0.1:$port/" |
    sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p'
}
wrk_rps "$BENCH_WARMUP" >/dev/null
line bare_http "$(wrk_rps "$BENCH_DURATION")"
kill -TERM "$bare"
wait "$bare" || true
