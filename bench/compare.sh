#!/usr/bin/env bash
# A/B runs of the services under wrk, for tuning: make run's stack once per
# setting and round, settings in turn within each round, so the machine's
# drift from minute to minute touches them alike.
#
#   bench/compare.sh REQUEST SETTING...     REQUEST: post or get
#   e.g. bench/compare.sh post WORKER_THREADS=8 WORKER_THREADS=12
#
# A SETTING is VAR=value[,VAR=value...] for both services (- for none).
# BENCH_ROUNDS (3), BENCH_WARMUP (3 s), BENCH_DURATION (8 s), BENCH_THREADS
# and BENCH_CONNECTIONS as for make bench. Prints a line per run:
#   WORKER_THREADS=12 round 1: 7096 req/s, p99 8.64 ms, 0.54 WAL flushes per request
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
BENCH_ROUNDS=${BENCH_ROUNDS:-3} BENCH_WARMUP=${BENCH_WARMUP:-3} BENCH_DURATION=${BENCH_DURATION:-8}
[ $# -ge 2 ] && [[ $1 == post || $1 == get ]] || {
  echo "usage: $0 post|get SETTING..." >&2
  exit 2
}
request=$1
shift
source "$TOP/bench/stack.sh"
source "$TOP/scripts/lib/postgres.sh"
URL=http://127.0.0.1:$ARTICLES_PORT

wal_flushes() {
  "$PG_BIN/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d articles -Atc \
    'SELECT wal_sync FROM pg_stat_wal'
}

for round in $(seq "$BENCH_ROUNDS"); do
  for setting in "$@"; do
    vars=()
    [ "$setting" = - ] || IFS=, read -r -a vars <<<"$setting"
    stack_start "$WORK/stack.out" "${vars[@]}"
    max_id=1
    if [ "$request" = get ]; then
      stack_wrk post "$BENCH_WARMUP" >/dev/null
      max_id=$(curl -s "$URL/api/articles?limit=1" | jq .total)
    fi
    stack_wrk "$request" "$BENCH_WARMUP" "$max_id" >/dev/null
    before=$(wal_flushes)
    out=$(stack_wrk "$request" "$BENCH_DURATION" "$max_id")
    after=$(wal_flushes)
    stack_stop
    jq -r --arg s "$setting" --argjson round "$round" --argjson flushes $((after - before)) \
      '"\($s) round \($round): \(.requests / (.duration_us / 1e6) | floor) req/s, p99 \(.p99_us / 1000) ms, \($flushes / .requests * 100 | round / 100) WAL flushes per request"' \
      <<<"$out"
  done
done
