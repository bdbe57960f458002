#!/usr/bin/env bash
# A/B runs of the services under wrk, for tuning: a stack of make run per
# setting, side by side, loaded in turn for a counted run each, round after
# round (bench/stack.sh), so the machine's drift touches them alike.
#
#   bench/compare.sh REQUEST SETTING...     REQUEST: post or get
#   e.g. bench/compare.sh post WORKER_THREADS=8 WORKER_THREADS=12
#
# A SETTING is VAR=value[,VAR=value...] for the stack (- for none; BIN=...
# runs another build). Each stack is warmed up first (for get, creates make
# its rows). BENCH_ROUNDS (5), BENCH_WARMUP and BENCH_DURATION (5 s),
# BENCH_THREADS and BENCH_CONNECTIONS as for make bench. Prints a line per
# run:
#   WORKER_THREADS=12 round 1: 7096 req/s, p99 8.64 ms, 0.54 WAL flushes per request
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
BENCH_ROUNDS=${BENCH_ROUNDS:-5} BENCH_WARMUP=${BENCH_WARMUP:-5} BENCH_DURATION=${BENCH_DURATION:-5}
[ $# -ge 2 ] && [[ $1 == post || $1 == get ]] || {
  echo "usage: $0 post|get SETTING..." >&2
  exit 2
}
request=$1
shift
source "$TOP/bench/stack.sh"

settings=("$@") names=()
for i in "${!settings[@]}"; do
  name=s$i
  vars=()
  [ "${settings[$i]}" = - ] || IFS=, read -r -a vars <<<"${settings[$i]}"
  stack_start "$name" "${vars[@]}"
  [ "$request" = get ] && stack_wrk "$name" post "$BENCH_WARMUP" >/dev/null
  stack_wrk "$name" "$request" "$BENCH_WARMUP" "$(stack_rows "$name")" >/dev/null
  names+=("$name")
done

stack_runs "$request" "${names[@]}" | while read -r run; do
  i=$(jq -r '.name | ltrimstr("s")' <<<"$run")
  jq -r --arg s "${settings[$i]}" \
    '"\($s) round \(.round): \(.rps) req/s, p99 \(.p99_us / 1000) ms, \(.wal_flushes) WAL flushes per request, machine idle \(.idle_pct)%"' \
    <<<"$run"
done
