#!/usr/bin/env bash
# End-to-end check of a running stack's telemetry: creates POSTS articles,
# waits for the telemetry to be flushed, then reads what reached the
# collector (or, under make run, the local receiver) as OTLP/JSON lines:
#
#   - both services wrote JSON log lines carrying each create's trace id;
#   - each create's trace has spans of both services, and notify's SERVER span
#     is a child of the articles CLIENT span that called it;
#   - no BEGIN/COMMIT/ROLLBACK span was exported;
#   - articles.created went up by at least POSTS;
#   - OTLP log records of both services carry the trace and span ids of
#     exported spans.
#
# One PASS or FAIL line per check, then "N passed, M failed"; exits 1 if
# anything failed.
#
#   scripts/verify-collector.sh            the stack of make run
#   scripts/verify-collector.sh --docker   the stack of make docker-up
#
#   POSTS          creates to drive (3)
#   API_BASE_URL   articles (http://127.0.0.1:8080)
#   DATA_DIR       where the stack writes (.data): telemetry/*.jsonl and
#                  logs/*.log under make run, collector/*.jsonl under compose
#   FLUSH_TIMEOUT  seconds to wait for the telemetry (60)
#
# Needs bash, curl and jq (and Docker or Podman for --docker: scripts/compose.sh).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
POSTS=${POSTS:-3}
API=${API_BASE_URL:-http://127.0.0.1:8080}
DATA_DIR=${DATA_DIR:-$TOP/.data}
FLUSH_TIMEOUT=${FLUSH_TIMEOUT:-60}
DOCKER=
case ${1:-} in
  --docker) DOCKER=1 ;;
  "") ;;
  *)
    echo "usage: $0 [--docker]" >&2
    exit 2
    ;;
esac
if [ -n "$DOCKER" ]; then TELEMETRY=$DATA_DIR/collector; else TELEMETRY=$DATA_DIR/telemetry; fi
source "$TOP/scripts/lib/checks.sh"

# A service's stdout: one JSON object per line, among other output.
service_log() {
  if [ -n "$DOCKER" ]; then
    "$TOP/scripts/compose.sh" log "$1" 2>/dev/null
  else
    cat "$DATA_DIR/logs/$1.log" 2>/dev/null
  fi
}

# A signal's OTLP/JSON lines (empty when nothing arrived yet).
otlp() { cat "$TELEMETRY/$1.jsonl" 2>/dev/null; }

# The exported spans of the traces in $TRACES, one per line:
# {svc, trace, span, parent, kind, name}.
spans() {
  otlp traces | jq -c --argjson ids "$TRACES" '.resourceSpans[]?
    | (.resource.attributes[] | select(.key == "service.name") | .value.stringValue) as $svc
    | .scopeSpans[]?.spans[]? | select(.traceId | IN($ids[]))
    | {svc: $svc, trace: .traceId, span: .spanId, parent: (.parentSpanId // ""), kind, name}'
}

# The OTLP log records of the traces in $TRACES: {svc, trace, span}.
log_records() {
  otlp logs | jq -c --argjson ids "$TRACES" '.resourceLogs[]?
    | (.resource.attributes[] | select(.key == "service.name") | .value.stringValue) as $svc
    | .scopeLogs[]?.logRecords[]? | select(.traceId // "" | IN($ids[]))
    | {svc: $svc, trace: .traceId, span: (.spanId // "")}'
}

# The latest point of articles.created, "START VALUE" ("- 0" before any).
created_counter() {
  otlp metrics | jq -rs '[.[].resourceMetrics[]?.scopeMetrics[]?.metrics[]?
      | select(.name == "articles.created") | .sum.dataPoints[]?]
    | sort_by(.timeUnixNano | tonumber) | last
    | if . == null then "- 0" else "\(.startTimeUnixNano) \(.asInt)" end'
}

# How many traces of $TRACES are complete: notify's SERVER span (kind 2) is the
# child of an articles CLIENT span (kind 3) of the same trace.
linked_traces() {
  spans | jq -s '[group_by(.trace)[] | . as $t
    | [$t[] | select(.svc == "notify" and .kind == 2) | .parent] as $parents
    | select([$t[] | select(.svc == "articles" and .kind == 3 and (.span | IN($parents[])))]
      | length > 0)] | length'
}

# --- the stack answers ---
status=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$API/api/health")
expect "articles answers at $API" "$status" 200
[ "$status" = 200 ] || { summary; exit; }
if [ -z "$DOCKER" ] && [ ! -d "$TELEMETRY" ]; then
  expect "telemetry folder $TELEMETRY exists (is make run's receiver running?)" no yes
  summary
  exit
fi
read -r start_before value_before <<<"$(created_counter)"

# --- drive POSTS creates, keeping each response's trace id ---
ids=()
for i in $(seq "$POSTS"); do
  headers=$(curl -s -m 10 -o /dev/null -D - -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "{\"title\":\"verify-collector $i of $POSTS\",\"body\":\"$(date -u +%FT%TZ)\"}" \
    "$API/api/articles" | tr -d '\r')
  trace=$(sed -n 's/^x-trace-id: //Ip' <<<"$headers")
  [[ $headers == *201 && $trace =~ ^[0-9a-f]{32}$ ]] && ids+=("$trace")
done
expect "$POSTS creates answered 201 with X-Trace-Id" "${#ids[@]}" "$POSTS"
TRACES=$(printf '%s\n' "${ids[@]}" | jq -Rsc 'split("\n") | map(select(. != ""))')

# --- wait until everything expected has arrived, or FLUSH_TIMEOUT ---
counter_target() {
  local start value
  read -r start value <<<"$(created_counter)"
  # The same series (same start) must grow by POSTS; a new one (the service
  # restarted in between) must count at least POSTS.
  if [ "$start" = "$start_before" ]; then echo "$value $((value_before + POSTS))"; else echo "$value $POSTS"; fi
}
arrived() {
  local value target
  read -r value target <<<"$(counter_target)"
  [ "$(linked_traces)" -ge "${#ids[@]}" ] && [ "$value" -ge "$target" ] &&
    [ "$(log_records | jq -s '[.[].svc] | unique | length')" -ge 2 ]
}
deadline=$((SECONDS + FLUSH_TIMEOUT))
until arrived || [ $SECONDS -ge "$deadline" ]; do sleep 0.5; done

# --- JSON log lines on the services' stdout ---
for svc in articles notify; do
  found=$(service_log "$svc" | jq -R --arg svc "$svc" --argjson ids "$TRACES" \
    'fromjson? | select(.otelServiceName == $svc) | .otelTraceID | select(IN($ids[]))' | sort -u | wc -l)
  expect "$svc wrote JSON log lines with each create's otelTraceID" "$found" "${#ids[@]}"
done

# --- traces ---
both=$(spans | jq -s '[group_by(.trace)[] | select(([.[].svc] | unique) == ["articles", "notify"])] | length')
expect "each create's trace has spans from articles and notify" "$both" "${#ids[@]}"
expect "notify's SERVER span is a child of the articles CLIENT span" "$(linked_traces)" "${#ids[@]}"
root=$(spans | jq -s '[.[] | select(.svc == "articles" and .kind == 2 and .parent == ""
  and .name == "POST /api/articles")] | length')
expect "each trace's root is the articles SERVER span POST /api/articles" "$root" "${#ids[@]}"
tx=$(otlp traces | jq '[.resourceSpans[]?.scopeSpans[]?.spans[]?
  | select(.name | test("^(BEGIN|COMMIT|ROLLBACK)\\b"))] | length' | jq -s 'add // 0')
expect "no BEGIN, COMMIT or ROLLBACK span" "$tx" 0

# --- metrics ---
read -r value target <<<"$(counter_target)"
[ "$value" -ge "$target" ] && verdict=ok || verdict="$value, expected at least $target"
expect "articles.created went up by at least $POSTS (now $value)" "$verdict" ok

# --- OTLP log records ---
known=$(spans | jq -r '.span' | sort -u)
for svc in articles notify; do
  records=$(log_records | jq -c --arg svc "$svc" 'select(.svc == $svc)')
  traces=$(jq -r '.trace' <<<"$records" | sort -u | grep -c .)
  expect "$svc exported log records carrying each create's trace id" "$traces" "${#ids[@]}"
  orphans=$(jq -r '.span' <<<"$records" | grep . | sort -u | comm -23 - <(echo "$known") | grep -c .)
  expect "log records of $svc point at exported spans" "$orphans" 0
done

summary
