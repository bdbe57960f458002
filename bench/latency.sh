#!/usr/bin/env bash
# Where a create's time goes under make bench's load, read from the spans the
# services export: a stack of make run (its receiver writing files), warmed
# up, then a counted run of POST /api/articles; the stack is stopped, so every
# span is flushed, and each counted create's trace is cut into phases:
#   to insert    server span's start to the INSERT's: the body, a worker
#                to take the request, the JSON checked
#   insert       the INSERT ... RETURNING span (the commit's WAL flush in it)
#   notify call  the client span of the call to notify
#   in notify    notify's server span, inside that call
#   answer       the call's end to the server span's end: the response made,
#                the connection handed back to the server's thread and sent
# Prints wrk's line and how many creates have a whole trace, then, in ms,
# each phase's p50, p90 and p99 over the creates, and its mean over the
# slowest 1% and over the middle 10% (p45-p55) by total: so a tail can be
# told apart, one phase slow or every phase slower at once.
#   bench/latency.sh [VAR=value ...]    (for the stack, as in compare.sh)
# The receiver writing files costs more CPU than counting only: the rates are
# a little below make bench's.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
source "$TOP/bench/stack.sh"

# Writing files, the receiver is slower than counting: a queue the size of a
# run keeps every span (the default 2048 dropped a tenth of them).
stack_start latency RECEIVER_KEEP=files OTEL_BSP_MAX_QUEUE_SIZE=65536 "$@"
stack_wrk latency post "$BENCH_WARMUP" >/dev/null
from=$(date +%s%N)
echo "wrk: $(stack_wrk latency post "$BENCH_DURATION")"
stack_stop latency
grep -h "dropped" "$WORK/latency/logs/articles.log" >&2 || true # spans dropped: fewer creates than wrk counted

jq -nr --argjson from "$from" '
  def ms: . / 1e6 * 100 | round / 100;
  def at($p): sort | .[(length * $p) | floor];
  def mean: add / length;
  [inputs | .resourceSpans[]
    | (.resource.attributes[] | select(.key == "service.name") | .value.stringValue) as $svc
    | .scopeSpans[].spans[]
    | {trace: .traceId, start: (.startTimeUnixNano | tonumber), end: (.endTimeUnixNano | tonumber),
       part: (if $svc == "notify" then "notify" elif .kind == 2 then "server"
              elif (.name | startswith("INSERT")) then "insert" else "call" end)}
    | select(.start >= $from)]
  | group_by(.trace)
  | map(map({(.part): .}) | add | select(.server and .insert and .call))
  | map({"total": (.server.end - .server.start),
         "to insert": (.insert.start - .server.start),
         "insert": (.insert.end - .insert.start),
         "notify call": (.call.end - .call.start),
         "in notify": (if .notify then .notify.end - .notify.start else 0 end),
         "answer": (.server.end - .call.end)})
  | sort_by(.total) as $rows | ($rows | length) as $n
  | ($rows[($n * 0.99 | floor):]) as $slow | ($rows[($n * 0.45 | floor):($n * 0.55 | floor)]) as $middle
  | "\($n) creates; ms          p50     p90     p99  slowest 1%  middle 10%",
    ($rows[0] | keys_unsorted[]) as $k
    | [$k, ([$rows[][$k]] | at(0.5), at(0.9), at(0.99)), ([$slow[][$k]] | mean),
       ([$middle[][$k]] | mean)]
    | "\(.[0] | . + " " * (22 - length))" + (.[1:] | map(ms | tostring | " " * (8 - length) + .) | join(""))
' "$WORK/latency/telemetry/traces.jsonl"
