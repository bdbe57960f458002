#!/usr/bin/env bash
# Faults under load (wrk, 2 threads, 16 connections): the collector down for
# the whole run, the collector hung (accepting, never answering) and back,
# the database stopped and restarted, SIGTERM. Every request is still answered as the
# docs/api.md says, memory stays bounded, drops are counted and reported, and
# shutdown stays bounded. (check-articles.sh covers notify down or hung;
# test_export the exporter's retries of 503 and of a slow collector,
# request by request.)
# shellcheck disable=SC2154 # NAME_PID variables are set by start_service
source "$(dirname "$0")/lib.sh"

prepare_services || exit 1
# Small queues and short timeouts, so that the faults show within seconds.
TELEMETRY=(OTEL_BSP_MAX_QUEUE_SIZE=512 OTEL_BLRP_MAX_QUEUE_SIZE=512 OTEL_BSP_SCHEDULE_DELAY=200
  OTEL_BLRP_SCHEDULE_DELAY=200 OTEL_METRIC_EXPORT_INTERVAL=500 OTEL_EXPORTER_OTLP_TIMEOUT=1000)
# Peak RSS allowed: the queues bound it. (Under ASan, its quarantine and
# shadow memory make RSS say nothing about the program: checked in release.)
RSS_LIMIT_KB=30000
[[ $BIN == */asan/* ]] && RSS_LIMIT_KB=

# load SECONDS PATH [post]: wrk's closing JSON line (tests/integration/statuses.lua),
# with CONNECTIONS (16) connections.
load() {
  WRK_PATH=$2 WRK_POST=${3:-} wrk -t2 -c"${CONNECTIONS:-16}" -d"${1}s" -s "$TOP/tests/integration/statuses.lua" \
    "http://127.0.0.1:$AP" | grep '^{"requests"'
}
# all_answered JSON: every request got a 2xx and no socket failed (else says what wrk saw).
all_answered() {
  jq -e '.requests > 0 and .ok == .requests and .socket_errors == 0' <<<"$1" >/dev/null ||
    { echo "    wrk: $1" >&2; return 1; }
}
peak_rss_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

# start_both ENDPOINT: notify and articles exporting to ENDPOINT, articles
# with ARTICLES_ENV's settings too.
ARTICLES_ENV=()
start_both() {
  : >"$WORK/articles.log"
  start_service notify PORT="$NP" HOST=127.0.0.1 OTEL_EXPORTER_OTLP_ENDPOINT="$1" "${TELEMETRY[@]}"
  start_service articles PORT="$AP" HOST=127.0.0.1 NOTIFY_URL="$NOTIFY/notify" \
    OTEL_EXPORTER_OTLP_ENDPOINT="$1" "${TELEMETRY[@]}" "${ARTICLES_ENV[@]}"
  wait_http "$API/health" && wait_http "$NOTIFY/health"
}

# stop_both NAME: SIGTERM; both exit 0 within the shutdown bound (10 s for
# requests, 5 s for telemetry: 8 s is plenty when nothing is in flight).
stop_both() {
  local t0=$SECONDS
  kill -TERM "$articles_PID" "$notify_PID"
  wait "$articles_PID"
  local a=$?
  wait "$notify_PID"
  check "$1_exit_0" eq "$a:$?" "0:0"
  check "$1_shutdown_bounded" test $((SECONDS - t0)) -le 8
}

# --- the collector down for the whole run ---
start_both "http://127.0.0.1:$(free_port)" || exit 1
out=$(load 4 /api/articles post)
check collector_down_creates_answered all_answered "$out"
request POST "$API/articles" '{"title":"for reading","body":"x"}'
ID=$(jq -r .id <<<"$BODY")
out=$(load 3 "/api/articles/$ID")
check collector_down_reads_answered all_answered "$out"
[ -n "$RSS_LIMIT_KB" ] &&
  check collector_down_memory_bounded test "$(peak_rss_kb "$articles_PID")" -lt "$RSS_LIMIT_KB"
check collector_down_drops_counted grep -qE 'queue full: [0-9]+ spans dropped' "$WORK/articles.log"
check collector_down_failures_reported grep -q 'libotel: warning: export to http://127.0.0.1:.*failed' \
  "$WORK/articles.log"
# One warning per pipeline per second at most, not one per request.
check collector_down_warnings_limited test "$(grep -c 'libotel: warning' "$WORK/articles.log")" -lt 60
stop_both collector_down

# --- the collector hung (SIGSTOP: connections accepted, never answered), then back ---
start_sink || exit 1
start_both "http://127.0.0.1:$SINK_PORT" || exit 1
kill -STOP "$SINK_PID"
out=$(load 3 /api/articles post)
check collector_hung_creates_answered all_answered "$out"
kill -CONT "$SINK_PID"
# The queue was full when the collector came back: spans of requests made
# while it drains may still be dropped. Within 10 s, new requests' spans arrive.
exported() { spans | grep -q "\"trace\":\"$1\""; }
resumed() {
  local trace
  for _ in $(seq 20); do
    request GET "$API/articles?limit=1" # not a health check: the receiver drops those, as the collector does
    trace=$(header X-Trace-Id)
    sleep 0.5
    exported "$trace" && return 0
  done
  return 1
}
check collector_back_exports_again resumed
stop_both collector_hung

# --- the database stopped under load, then restarted ---
start_both "http://127.0.0.1:$SINK_PORT" || exit 1
load 7 "/api/articles/$ID" >"$WORK/db-load" &
LOAD=$!
sleep 1.5
pg_stop
sleep 1.5
pg_start
t0=$EPOCHREALTIME
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$API/ready")" = 200 ]; }
check db_back_ready eventually ready
echo "  ready again $(ms_since "$t0") ms after PostgreSQL"
wait "$LOAD"
out=$(cat "$WORK/db-load")
echo "  under load: $out"
json_true() { jq -e "$1" <<<"$2" >/dev/null; }
check db_down_answered_503 json_true '.unavailable > 0' "$out"
check db_down_nothing_but_200_or_503 json_true '.ok + .unavailable == .requests and .socket_errors == 0' "$out"
check db_back_serving_again json_true '.ok > 0' "$out"
stop_both db_restart
# Each create articles logged as done (201) has its server span at the receiver.
done_traces() {
  grep -h '"message":"POST /api/articles 201"' "$WORK/articles.log" | jq -r .otelTraceID | sort -u
}
exported_traces() {
  jq -r '.resourceSpans[] | select(any(.resource.attributes[]; .value.stringValue == "articles"))
    | .scopeSpans[].spans[] | select(.name == "POST /api/articles") | .traceId' "$WORK/traces.jsonl" | sort -u
}
missing() { comm -23 <(done_traces) <(exported_traces) | wc -l; }
all_exported() { [ "$(missing)" -eq 0 ]; }
# Room in the queues for everything, and time for retries.
TELEMETRY+=(OTEL_BSP_MAX_QUEUE_SIZE=200000 OTEL_BLRP_MAX_QUEUE_SIZE=200000 OTEL_EXPORTER_OTLP_TIMEOUT=10000)

# --- the collector unavailable (503, Retry-After: 1) for 3 s, then well:
# what fitted in the queues arrives, and nothing twice ---
kill "$SINK_PID"
wait "$SINK_PID" 2>/dev/null
: >"$WORK/traces.jsonl"
start_sink RECEIVER_UNAVAILABLE_MS=3000 || exit 1
start_both "http://127.0.0.1:$SINK_PORT" || exit 1
CONNECTIONS=4 load 2 /api/articles post >/dev/null
check unavailable_then_every_span_exported eventually_within 15 all_exported
duplicates=$(jq -r '.resourceSpans[].scopeSpans[].spans[].spanId' "$WORK/traces.jsonl" | sort | uniq -d | wc -l)
check unavailable_nothing_twice eq "$duplicates" 0
stop_both unavailable
kill -TERM "$SINK_PID"
wait "$SINK_PID"
check unavailable_refusals_counted grep -qE '; [1-9][0-9]* refused as not available yet$' "$WORK/receiver.out"
echo "  $(done_traces | wc -l) creates while the collector answered 503 at first, $(missing) without their span" >&2
start_sink || exit 1

# --- SIGTERM under load: requests in flight finish, the spans of every
# finished request reach the collector, exit 0 within the bound ---
start_both "http://127.0.0.1:$SINK_PORT" || exit 1
CONNECTIONS=4 load 3 /api/articles post >"$WORK/term-load" &
LOAD=$!
sleep 1
stop_timed "$articles_PID"
check sigterm_under_load_exit_0 eq "$STOP_RC" 0
# Kept-alive connections get Connection: close, so the load lets go at once.
echo "  articles stopped $STOP_MS ms after SIGTERM, under load" >&2
check sigterm_under_load_stops_within_2s test "$STOP_MS" -lt 2000
wait "$LOAD"
kill -TERM "$notify_PID"
wait "$notify_PID"
check sigterm_under_load_requests_done test "$(done_traces | wc -l)" -gt 50
check sigterm_under_load_every_span_exported eventually all_exported
echo "  $(done_traces | wc -l) creates done before SIGTERM, $(missing) without their span," \
  "$(grep -c 'libotel: warning' "$WORK/articles.log") warnings from articles' exporters" >&2

# --- notify hung (SIGSTOP) under create load: once the breaker opens,
# creates keep the pace they had with notify healthy; after SIGCONT the
# breaker closes within one cool-down (5 s) ---
COOLDOWN_MS=5000
ARTICLES_ENV=(NOTIFY_TIMEOUT_MS=1000 NOTIFY_BREAKER_FAILURES=5 "NOTIFY_BREAKER_COOLDOWN_MS=$COOLDOWN_MS")
: >"$WORK/metrics.jsonl"
: >"$WORK/traces.jsonl"
start_both "http://127.0.0.1:$SINK_PORT" || exit 1
creates() { jq -r .requests <<<"$1"; }
healthy=$(load 3 /api/articles post)
check breaker_healthy_creates_answered all_answered "$healthy"
kill -STOP "$notify_PID"
opened() { grep -q '"message":"notify breaker opened"' "$WORK/articles.log"; }
load 2 /api/articles post >/dev/null
check breaker_opens_when_notify_hangs eventually opened
hung=$(load 3 /api/articles post)
check breaker_open_creates_answered all_answered "$hung"
ratio=$(echo "scale=2; $(creates "$hung") / $(creates "$healthy")" | bc)
echo "  creates in 3 s: $(creates "$healthy") with notify healthy, $(creates "$hung") with notify hung" \
  "and the breaker open (ratio $ratio)" >&2
check breaker_open_keeps_create_throughput test "$(echo "$ratio >= 0.9" | bc)" = 1
skips=$(grep -c '"message":"notification skipped"' "$WORK/articles.log")
check breaker_skip_logged grep -q '"levelname":"WARNING".*"message":"notification skipped".*"article_id":[0-9]*,"reason":"breaker_open","skipped":[0-9]*' "$WORK/articles.log"
# One line a second at most, against thousands of skips.
check breaker_skip_log_rate_limited test "$skips" -le 8
kill -CONT "$notify_PID"
t0=$EPOCHREALTIME
closed() {
  curl -s -o /dev/null -H 'Content-Type: application/json' -d '{"title":"probe","body":"x"}' "$API/articles"
  grep -q '"message":"notify breaker closed"' "$WORK/articles.log"
}
check breaker_closes_after_sigcont eventually_within 10 closed
CLOSE_MS=$(ms_since "$t0")
echo "  the breaker closed $CLOSE_MS ms after SIGCONT" >&2
# One cool-down; and when a probe was in flight at SIGCONT, its timeout
# (1 s) may end first and open the breaker once more.
check breaker_closes_within_one_cool_down test "$CLOSE_MS" -le $((COOLDOWN_MS + 1000))
breaker_gauge() { metric_points | jq -s -c --arg s "$1" \
  'map(select(.metric == "notify.breaker.state" and .attrs.state == $s)) | last | .value'; }
gauge_shows() { [ "$(breaker_gauge "$1")" = 1 ]; }
check breaker_gauge_closed_at_the_end eventually gauge_shows closed
check breaker_gauge_showed_open eval 'metric_points | jq -e -s "any(.metric == \"notify.breaker.state\" and .attrs.state == \"open\" and .value == 1)" >/dev/null'
check breaker_skips_counted eval 'metric_points | jq -e -s "any(.metric == \"notifications.skipped\" and .attrs.reason == \"breaker_open\" and .value > 0)" >/dev/null'
check breaker_skip_is_a_span_event eval 'jq -e -s "any(.[].resourceSpans[].scopeSpans[].spans[]; .name == \"POST /api/articles\" and any(.events[]?; .name == \"notification skipped\"))" "$WORK/traces.jsonl" >/dev/null'
stop_both breaker
ARTICLES_ENV=()

check no_sanitizer_report eval '! grep -l Sanitizer "$WORK"/*.log'
finish integration_faults
