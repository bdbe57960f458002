#!/usr/bin/env bash
# make bench, the services under load: the stack of make run (its receiver
# counting only) on free ports and a fresh data folder, driven by wrk on
# loopback (BENCH_THREADS 2, BENCH_CONNECTIONS 32): POST /api/articles, then
# GET /api/articles/{id} over the ids that created, each after a warm-up
# (BENCH_WARMUP s) for a counted run (BENCH_DURATION s). Three modes, for
# BENCH_ROUNDS rounds: telemetry on; OTEL_SDK_DISABLED=true; telemetry on
# with the collector down (nothing listens at the endpoint). On and off run
# next to each other, in turn first, so that each round's ratio of the two
# is little touched by the machine's drift from minute to minute.
#
# Prints one JSON line per run:
#   {"mode","round","request","rps","p50_ms","p99_ms","max_ms","non_2xx","socket_errors",
#    "timeouts","read_errors" (two kinds of socket error),
#    "articles_rss_kb","notify_rss_kb","spans_received"}
# (RSS is the service's peak, VmHWM, over the whole stack run.)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
source "$TOP/bench/stack.sh"
URL=http://127.0.0.1:$ARTICLES_PORT

# The process listening on a port.
listener() { ss -Hltnp "( sport = :$1 )" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

peak_rss_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

# One stack run in MODE (on, off): both requests; prints their JSON lines.
run_mode() {
  local mode=$1 round=$2 out=$WORK/stack.out extra=() results=() articles notify
  [ "$mode" = off ] && extra=(OTEL_SDK_DISABLED=true)
  [ "$mode" = down ] && extra=("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$(free_port)")
  stack_start "$out" "${extra[@]}" || return 1
  articles=$(listener "$ARTICLES_PORT")
  notify=$(listener "$NOTIFY_PORT")

  stack_wrk post "$BENCH_WARMUP" >/dev/null
  results+=("post $(stack_wrk post "$BENCH_DURATION")")
  local max_id
  max_id=$(curl -s "$URL/api/articles?limit=1" | jq .total)
  stack_wrk get "$BENCH_WARMUP" "$max_id" >/dev/null
  results+=("get $(stack_wrk get "$BENCH_DURATION" "$max_id")")
  local rss_a rss_n
  rss_a=$(peak_rss_kb "$articles")
  rss_n=$(peak_rss_kb "$notify")
  stack_stop
  local spans
  spans=$(sed -n 's/^receiver: received \([0-9]*\) spans.*/\1/p' "$out")
  local r
  for r in "${results[@]}"; do
    jq -c --arg mode "$mode" --argjson round "$round" --arg request "${r%% *}" \
      --argjson ra "$rss_a" --argjson rn "$rss_n" --argjson spans "${spans:-0}" \
      '{mode: $mode, round: $round, request: $request,
        rps: (.requests / (.duration_us / 1e6) | floor), p50_ms: (.p50_us / 1000), p99_ms: (.p99_us / 1000),
        max_ms: (.max_us / 1000), non_2xx, socket_errors, timeouts, read_errors,
        articles_rss_kb: $ra, notify_rss_kb: $rn, spans_received: $spans}' \
      <<<"${r#* }"
  done
}

for round in $(seq "$BENCH_ROUNDS"); do
  if ((round % 2)); then
    run_mode on "$round"
    run_mode off "$round"
  else
    run_mode off "$round"
    run_mode on "$round"
  fi
  run_mode down "$round"
done
