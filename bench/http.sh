#!/usr/bin/env bash
# make bench, the services under load: three stacks of make run (receivers
# counting only) side by side, one per mode: telemetry on; off
# (OTEL_SDK_DISABLED=true); on with the collector down (nothing listens at
# the endpoint). wrk on loopback (BENCH_THREADS, BENCH_CONNECTIONS) warms
# each up (BENCH_WARMUP s), then loads them in turn, one at a time, for
# BENCH_ROUNDS rounds of a counted run each (BENCH_DURATION s), the first
# moving on by one each round: POST /api/articles, then GET
# /api/articles/{id} over the ids each stack created. A round's three runs
# lie within seconds of each other, so the ratios between modes, taken per
# round, are little touched by the machine's drift from minute to minute.
#
# Prints one JSON line per run:
#   {"mode","round","request","rps","p50_ms","p99_ms","max_ms","non_2xx","socket_errors",
#    "timeouts","read_errors" (two kinds of socket error),
#    "idle_pct","iowait_pct","interrupts_per_s" (the machine's, during the run),
#    "articles_cpu_us","notify_cpu_us","postgres_cpu_us" (CPU time per request),
#    "articles_rss_kb","notify_rss_kb","spans_received"}
# (RSS is the service's peak, VmHWM, over the whole run; spans are those
# its receiver counted over the whole run.)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
source "$TOP/bench/stack.sh"
MODES=(on off down)

peak_rss_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

stack_start on
stack_start off OTEL_SDK_DISABLED=true
stack_start down "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$(new_port)"

for request in post get; do
  for mode in "${MODES[@]}"; do
    stack_wrk "$mode" "$request" "$BENCH_WARMUP" "$(stack_rows "$mode")" >/dev/null
  done
  stack_runs "$request" "${MODES[@]}" >>"$WORK/runs.jsonl"
done

declare -A RSS_A RSS_N SPANS
for mode in "${MODES[@]}"; do
  RSS_A[$mode]=$(peak_rss_kb "$(stack_pid "$mode" articles)")
  RSS_N[$mode]=$(peak_rss_kb "$(stack_pid "$mode" notify)")
done
stack_stop
for mode in "${MODES[@]}"; do
  SPANS[$mode]=$(sed -n 's/^receiver: received \([0-9]*\) spans.*/\1/p' "${STACK_OUT[$mode]}")
done

while read -r run; do
  mode=$(jq -r .name <<<"$run")
  jq -c --argjson ra "${RSS_A[$mode]}" --argjson rn "${RSS_N[$mode]}" \
    --argjson spans "${SPANS[$mode]:-0}" \
    '{mode: .name, round, request, rps, p50_ms: (.p50_us / 1000), p99_ms: (.p99_us / 1000),
      max_ms: (.max_us / 1000), non_2xx, socket_errors, timeouts, read_errors,
      idle_pct, iowait_pct, interrupts_per_s, articles_cpu_us, notify_cpu_us, postgres_cpu_us,
      articles_rss_kb: $ra, notify_rss_kb: $rn, spans_received: $spans}' <<<"$run"
done <"$WORK/runs.jsonl"
