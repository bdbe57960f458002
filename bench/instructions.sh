#!/usr/bin/env bash
# Instructions per request in articles, and per notification in notify,
# under valgrind --tool=callgrind (bench/callgrind.sh). Starts make run's
# stack (its receiver counting only) on free ports, then a second articles
# (or notify) under callgrind against the same database, notify and
# receiver. Prints a line per request kind and telemetry mode, the median
# of its runs first:
#   instructions: GET on 113934 per request (runs: 113934 114210 113650)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
source "$TOP/bench/stack.sh"
source "$TOP/bench/callgrind.sh"
PROFILED_PORT=$(free_port)
stack_start main
# Rows for the GETs to find.
BENCH_REQUEST=post wrk -t1 -c4 -d2s -s "$TOP/bench/wrk/articles.lua" "http://127.0.0.1:$ARTICLES_PORT" >/dev/null

# measure MODE REQUEST: articles (REQUEST get or post) or notify
# (notification), telemetry on or off, beside the stack.
measure() {
  local extra=() service=articles health=/api/health script=$TOP/bench/wrk/articles.lua
  [ "$1" = off ] && extra=(OTEL_SDK_DISABLED=true)
  [ "$2" = notification ] && service=notify health=/health script=$TOP/bench/wrk/notify.lua
  BENCH_REQUEST=$2 BENCH_MAX_ID=1000 instructions_per_request "$PROFILED_PORT" "$health" "$script" \
    "${extra[@]}" PORT="$PROFILED_PORT" HOST=127.0.0.1 \
    DATABASE_URL="postgresql://postgres@127.0.0.1:$POSTGRES_PORT/articles" \
    NOTIFY_URL="http://127.0.0.1:$NOTIFY_PORT/notify" \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$RECEIVER_PORT" \
    OTEL_BSP_SCHEDULE_DELAY=1000 OTEL_BLRP_SCHEDULE_DELAY=1000 -- "$BIN/$service"
}

for request in get post notification; do
  for mode in on off; do
    echo "instructions: ${request^^} $mode $(measure "$mode" "$request")"
  done
done
