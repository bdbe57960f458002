#!/usr/bin/env bash
# make bench, otel-instrument's cost. The plain example
# (examples/plain_server.c, not one line of telemetry) answering
# GET /items/{id} with one SELECT through libpq, run as it is ("plain") and
# under otel-instrument ("preloaded"), beside articles answering
# GET /api/articles/{id} with one SELECT through its hand-written
# integrations, telemetry on ("articles_on") and OTEL_SDK_DISABLED=true
# ("articles_off"). Each request makes the same two spans, server and
# database, and their two duration points. All four run against one stack
# of make run (bench/stack.sh): its PostgreSQL, its receiver counting only.
#
# CPU per request: the four warmed up (BENCH_WARMUP s), then loaded in turn
# by wrk (BENCH_THREADS, BENCH_CONNECTIONS) for BENCH_ROUNDS rounds of a
# counted run (BENCH_DURATION s, after 1 s uncounted), the first moving on
# by one each round; the server's CPU time (user and system, all its
# threads, from /proc) over the run, divided by its requests. A JSON line
# per run:
#   {"instrument":"preloaded","round":1,"rps":9120,"cpu_us":98.2}
# Instructions per request under callgrind (bench/callgrind.sh), plain and
# preloaded (bench/instructions.sh counts articles'):
#   instructions: ITEMS preloaded 61234 per request (runs: ...)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build/release}
BIN=$BUILD/bin
source "$TOP/bench/stack.sh"
source "$TOP/bench/callgrind.sh"
NAMES=(plain preloaded articles_on articles_off)

stack_start instrument
BENCH_REQUEST=post wrk -t1 -c4 -d2s -s "$TOP/bench/wrk/articles.lua" \
  "http://127.0.0.1:$ARTICLES_PORT" >/dev/null
ROWS=$(stack_rows instrument)
DATABASE_URL="postgresql://postgres@127.0.0.1:$POSTGRES_PORT/articles"

# spec NAME PORT: that server on PORT, as VARS (its environment, pointed
# at the stack) and PROGRAM (its command line).
spec() {
  VARS=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$RECEIVER_PORT")
  PROGRAM=("$BUILD/examples/plain_server" "$2" "$DATABASE_URL")
  case $1 in
  preloaded) VARS+=(OTEL_SERVICE_NAME=plain "OTEL_C_HTTP_SERVER_ROUTES=/items/{id}") ;;
  articles_*)
    [ "$1" = articles_off ] && VARS+=(OTEL_SDK_DISABLED=true)
    VARS+=(PORT="$2" HOST=127.0.0.1 DATABASE_URL="$DATABASE_URL"
      NOTIFY_URL="http://127.0.0.1:$NOTIFY_PORT/notify")
    PROGRAM=("$BIN/articles")
    ;;
  esac
}
# ready NAME: the path that answers once the server is up.
ready() { case $1 in articles_*) echo /api/health ;; *) echo /stock/1 ;; esac; }
# path NAME: the GET by id's path, the id left off.
path() { case $1 in articles_*) echo /api/articles/ ;; *) echo /items/ ;; esac; }

# The four servers, each on its port, the preloaded one started through
# otel-instrument as a user would (its exec keeps the pid).
declare -A PORT=() PID=()
for name in "${NAMES[@]}"; do
  PORT[$name]=$(new_port)
  spec "$name" "${PORT[$name]}"
  [ "$name" = preloaded ] && PROGRAM=("$BUILD/bin/otel-instrument" "${PROGRAM[@]}")
  env "${VARS[@]}" "${PROGRAM[@]}" >"$WORK/$name.out" 2>&1 &
  PID[$name]=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:${PORT[$name]}$(ready "$name")" >/dev/null && break
    sleep 0.1
  done
done

# load NAME SECONDS: wrk's closing JSON line for GETs by id over the rows.
load() {
  BENCH_REQUEST=get BENCH_MAX_ID=$ROWS BENCH_GET_PATH=$(path "$1") \
    wrk -t "$BENCH_THREADS" -c "$BENCH_CONNECTIONS" -d "${2}s" -s "$TOP/bench/wrk/articles.lua" \
    "http://127.0.0.1:${PORT[$1]}" | grep '^{"requests"'
}

for name in "${NAMES[@]}"; do load "$name" "$BENCH_WARMUP" >/dev/null; done
for round in $(seq "$BENCH_ROUNDS"); do
  for ((i = 0; i < ${#NAMES[@]}; i++)); do
    name=${NAMES[$(((i + round - 1) % ${#NAMES[@]}))]}
    load "$name" 1 >/dev/null
    t0=$(proc_ticks "${PID[$name]}")
    out=$(load "$name" "$BENCH_DURATION")
    t1=$(proc_ticks "${PID[$name]}")
    jq -c --arg name "$name" --argjson round "$round" --argjson ticks $((t1 - t0)) \
      --argjson hz "$(getconf CLK_TCK)" \
      'if .non_2xx + .socket_errors > 0 then error("\($name): \(.non_2xx + .socket_errors) failed") else . end
       | {instrument: $name, round: $round, rps: (.requests / (.duration_us / 1e6) | floor),
          cpu_us: ($ticks / $hz * 1e7 / .requests | round / 10)}' <<<"$out"
  done
done
for name in "${NAMES[@]}"; do
  kill -TERM "${PID[$name]}"
  wait "${PID[$name]}" || true
done

# Under callgrind the program runs directly, with the LD_PRELOAD that
# otel-instrument would have set, so that callgrind follows it.
for name in plain preloaded; do
  port=$(new_port)
  spec "$name" "$port"
  [ "$name" = preloaded ] && VARS+=("LD_PRELOAD=$BUILD/libotel-instrument.so")
  echo "instructions: ITEMS $name $(BENCH_REQUEST=get BENCH_MAX_ID="$ROWS" BENCH_GET_PATH=/items/ \
    instructions_per_request "$port" /stock/1 "$TOP/bench/wrk/articles.lua" "${VARS[@]}" -- "${PROGRAM[@]}")"
done
