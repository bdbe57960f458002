#!/usr/bin/env bash
# Instructions per request in articles, and per notification in notify,
# under valgrind --tool=callgrind: steadier than times on a shared machine.
# Starts make run's stack (its receiver counting only) on free ports, then a
# second articles (or notify) under callgrind against the same database,
# notify and receiver, loaded by wrk (1 thread, 4 connections) for 2 s and
# then 6 s; the difference between the two runs, divided by the difference
# in requests, leaves start-up out. Prints a line per request kind and
# telemetry mode, the median of its runs first:
#   instructions: GET on 113934 per request (runs: 113934 114210 113650)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
source "$TOP/bench/stack.sh"
PROFILED_PORT=$(free_port)
stack_start main
# Rows for the GETs to find.
BENCH_REQUEST=post wrk -t1 -c4 -d2s -s "$TOP/bench/wrk/articles.lua" "http://127.0.0.1:$ARTICLES_PORT" >/dev/null

# profiled MODE REQUEST SECONDS: "requests instructions" of one run
# (REQUEST get or post: articles; notification: notify).
profiled() {
  local extra=() out=$WORK/callgrind.out pid requests service=articles health=/api/health
  local script=$TOP/bench/wrk/articles.lua
  [ "$1" = off ] && extra=(OTEL_SDK_DISABLED=true)
  [ "$2" = notification ] && service=notify health=/health script=$TOP/bench/wrk/notify.lua
  env "${extra[@]}" PORT="$PROFILED_PORT" HOST=127.0.0.1 \
    DATABASE_URL="postgresql://postgres@127.0.0.1:$POSTGRES_PORT/articles" \
    NOTIFY_URL="http://127.0.0.1:$NOTIFY_PORT/notify" \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$RECEIVER_PORT" \
    OTEL_BSP_SCHEDULE_DELAY=1000 OTEL_BLRP_SCHEDULE_DELAY=1000 \
    valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN/$service" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$PROFILED_PORT$health" >/dev/null && break
    sleep 0.1
  done
  requests=$(BENCH_REQUEST=$2 BENCH_MAX_ID=1000 wrk -t1 -c4 -d"$3s" -s "$script" \
    "http://127.0.0.1:$PROFILED_PORT" | grep '^{"requests"' | jq .requests)
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$requests $(callgrind_annotate "$out" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)"
}

# Timing-dependent loops (the servers' polling, the export thread's waits)
# move a figure by a few hundred instructions from run to run: each is the
# median of BENCH_INSTRUCTION_RUNS measurements, all of which are printed.
RUNS=${BENCH_INSTRUCTION_RUNS:-3}
for request in get post notification; do
  for mode in on off; do
    each=()
    for _ in $(seq "$RUNS"); do
      read -r n1 i1 < <(profiled "$mode" "$request" 2)
      read -r n2 i2 < <(profiled "$mode" "$request" 6)
      each+=($(((i2 - i1) / (n2 - n1))))
    done
    median=$(printf '%s\n' "${each[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    echo "instructions: ${request^^} $mode $median per request (runs: ${each[*]})"
  done
done
