#!/usr/bin/env bash
# NOTIFY_MODE=outbox, against a private PostgreSQL and real notify processes:
# a create answers without waiting for notify and its notification arrives
# once, in the create's trace; notify honours Idempotency-Key; notify hung,
# then down for 30 s under create load, loses nothing and counts nothing
# twice; SIGTERM with rows pending loses none; two articles processes share
# one outbox and deliver each row once.
# shellcheck disable=SC2154 # NAME_PID variables are set by start_service
source "$(dirname "$0")/lib.sh"

prepare_services || exit 1
start_sink || exit 1
TELEMETRY=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" OTEL_BSP_SCHEDULE_DELAY=200
  OTEL_BLRP_SCHEDULE_DELAY=200 OTEL_METRIC_EXPORT_INTERVAL=500)
OUTBOX=(NOTIFY_MODE=outbox NOTIFY_URL="$NOTIFY/notify" NOTIFY_TIMEOUT_MS=1000 NOTIFY_RETRY_MAX_MS=2000
  NOTIFY_OUTBOX_POLL_MS=500)

start_notify() {
  start_service notify PORT="$NP" HOST=127.0.0.1 "${TELEMETRY[@]}"
  wait_http "$NOTIFY/health"
}
# start_articles PORT [VAR=value...]: an articles process in outbox mode.
start_articles() {
  local port=$1
  shift
  start_service articles PORT="$port" HOST=127.0.0.1 "${OUTBOX[@]}" "${TELEMETRY[@]}" "$@"
  wait_http "http://127.0.0.1:$port/api/health"
}
stop_notify() {
  kill "$notify_PID"
  wait "$notify_PID" 2>/dev/null
}
create() { # prints the new article's id
  curl -s -H 'Content-Type: application/json' -d '{"title":"boxed","body":"x"}' "$API/articles" | jq -r .id
}
pending() { psql_query "SELECT count(*) FROM notification_outbox WHERE delivered_at IS NULL"; }
received_ids() {
  grep -h '"message":"article notification received"' "$WORK/notify.log" | jq -r .article_id | sort
}
# each_received_once FILE: every id in FILE reached notify, and none twice.
each_received_once() {
  local theirs
  theirs=$(received_ids | grep -Fxf "$1")
  [ -z "$(uniq -d <<<"$theirs")" ] && [ -z "$(comm -23 <(sort "$1") <(uniq <<<"$theirs"))" ]
}
json_ok() { jq -e "$1" <<<"$2" >/dev/null; }
nothing_pending() { [ "$(pending)" -eq 0 ]; }

# --- one create: answered at once, delivered once, in the create's trace ---
start_notify || exit 1
start_articles "$AP" || exit 1
request POST "$API/articles" '{"title":"boxed","body":"x"}'
check outbox_create_201 eq "$STATUS" 201
ID=$(jq -r .id <<<"$BODY")
TRACE=$(header X-Trace-Id)
echo "$ID" >"$WORK/one"
check outbox_delivered eventually each_received_once "$WORK/one"
check outbox_row_marked_delivered eventually nothing_pending
# (A trace the create began: sampled, and its id random, flags 03.)
check outbox_row_keeps_trace_context eval \
  "psql_query 'SELECT traceparent FROM notification_outbox WHERE article_id = $ID' | grep -qE '^00-$TRACE-[0-9a-f]{16}-03$'"
check outbox_row_attempts_one eq "$(psql_query "SELECT attempts FROM notification_outbox WHERE article_id = $ID")" 1
in_trace() { spans | jq -c --arg t "$TRACE" 'select(.trace == $t)'; }
span_named() { in_trace | jq -c --arg n "$1" 'select(.name == $n)' | head -1; }
four_spans() { [ -n "$(span_named 'POST /notify')" ] && [ -n "$(span_named 'send notification_outbox')" ]; }
check outbox_spans_exported eventually four_spans
server=$(span_named 'POST /api/articles')
producer=$(span_named 'send notification_outbox')
consumer=$(span_named 'process notification_outbox')
client=$(in_trace | jq -c 'select(.name == "POST" and .kind == 3)' | head -1)
notify_server=$(span_named 'POST /notify')
parent_is() { [ "$(jq -r .parent <<<"$1")" = "$(jq -r .span <<<"$2")" ]; }
kind_is() { [ "$(jq .kind <<<"$1")" = "$2" ]; }
check outbox_producer_under_server parent_is "$producer" "$server"
check outbox_producer_kind kind_is "$producer" 4
check outbox_insert_under_producer parent_is "$(span_named "INSERT articles INSERT notification_outbox SELECT SELECT")" "$producer"
check outbox_consumer_continues_producer parent_is "$consumer" "$producer"
check outbox_consumer_kind kind_is "$consumer" 5
check outbox_call_under_consumer parent_is "$client" "$consumer"
check outbox_notify_server_in_create_trace parent_is "$notify_server" "$client"
check outbox_settle_under_consumer eval \
  'in_trace | jq -e -s --arg c "$(jq -r .span <<<"$consumer")" "any(.name == \"UPDATE notification_outbox\" and .parent == \$c)" >/dev/null'
check outbox_messaging_attributes eq "$(jq -c '.attrs | [."messaging.system", ."messaging.destination.name",
  ."messaging.operation.type", ."messaging.message.id" != null, ."article.id"]' <<<"$consumer")" \
  "[\"postgresql\",\"notification_outbox\",\"process\",true,$ID]"
check outbox_consumer_links_producer eval "jq -e -s --arg s \"$(jq -r .span <<<"$producer")\" \
  'any(.[].resourceSpans[].scopeSpans[].spans[]; .name == \"process notification_outbox\" and any(.links[]?; .spanId == \$s))' \
  \"$WORK/traces.jsonl\" >/dev/null"

# --- notify's Idempotency-Key, sent directly ---
post_key() { # KEY-FIELD ARTICLE-ID: prints status and body
  curl -s -w ' %{http_code}' -H 'Content-Type: application/json' -H "Idempotency-Key: $1" \
    -d "{\"article_id\":$2,\"title\":\"k\"}" "$NOTIFY/notify"
}
count_for() { grep -c "\"message\":\"$1\".*\"article_id\":$2[,}]" "$WORK/notify.log"; }
check key_first_accepted eq "$(post_key '"k-1"' 900001)" '{"received":true,"article_id":900001} 200'
check key_again_answered_alike eq "$(post_key '"k-1"' 900001)" '{"received":true,"article_id":900001} 200'
check key_again_not_counted eventually eval '[ "$(count_for "article notification received" 900001)" = 1 ]'
check key_again_logged eventually eval '[ "$(count_for "duplicate notification ignored" 900001)" = 1 ]'
check key_with_other_article_422 eq "$(post_key '"k-1"' 900002 | tail -c 4)" " 422"
check key_unquoted_400 eq "$(post_key 'k-2' 900003 | sed 's/ [0-9]*$//' | jq -r '.extra[0] | [.key, .source] | join(" ")')" \
  "Idempotency-Key header"
check key_twice_400 eq "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H 'Idempotency-Key: "a"' -H 'Idempotency-Key: "b"' -d '{"article_id":1,"title":"t"}' "$NOTIFY/notify")" 400
for _ in 1 2; do
  curl -s -o /dev/null -H 'Content-Type: application/json' -d '{"article_id":900004,"title":"t"}' "$NOTIFY/notify"
done
check no_key_counted_each_time eventually eval '[ "$(count_for "article notification received" 900004)" = 2 ]'
dup_metric() { metric_points | jq -e -s 'any(.metric == "notifications.duplicates" and .value >= 1)' >/dev/null; }
check duplicates_counted eventually dup_metric

# --- notify hung (SIGSTOP): deliveries time out and are retried; once it
# answers again, each arrives once, redeliveries answered, not counted ---
kill -STOP "$notify_PID"
: >"$WORK/hung"
slow=0
for _ in $(seq 10); do
  t=$(curl -s -o "$WORK/c" -w '%{time_total}' -H 'Content-Type: application/json' -d '{"title":"hung","body":"x"}' "$API/articles")
  jq -r .id "$WORK/c" >>"$WORK/hung"
  awk -v t="$t" 'BEGIN { exit !(t > 0.5) }' && slow=$((slow + 1))
done
check hung_creates_fast eq "$slow" 0
failed() { grep -q '"message":"notification delivery failed"' "$WORK/articles.log"; }
check hung_delivery_failure_logged eventually failed
sleep 1.5
kill -CONT "$notify_PID"
check hung_then_each_received_once eventually_within 20 each_received_once "$WORK/hung"
check hung_then_nothing_pending eventually_within 10 nothing_pending
echo "  after notify hung: $(grep -c '"message":"duplicate notification ignored"' "$WORK/notify.log") redeliveries answered and not counted" >&2

# --- notify down for 30 s under create load ---
stop_notify
out=$(python3 "$TOP/tests/integration/create_load.py" 30 20 "$WORK/down" "$AP" "$AP")
echo "  creates with notify down: $out" >&2
check down_creates_all_answered json_ok '.created > 900 and .failed == 0' "$out"
check down_creates_stay_fast json_ok '.p99_ms < 250' "$out"
check down_rows_pending test "$(pending)" -ge "$(jq .created <<<"$out")"
start_notify || exit 1
t0=$SECONDS
check down_then_each_received_once eventually_within 30 each_received_once "$WORK/down"
echo "  $(wc -l <"$WORK/down") notifications delivered $((SECONDS - t0)) s after notify came back" >&2
check down_then_nothing_pending eventually_within 10 nothing_pending
# The notify started now has received these and nothing else.
received_metric() { metric_points | jq -s '[.[] | select(.metric == "notifications.received")] | last | .value'; }
check down_received_metric_counts_each_once eventually eval '[ "$(received_metric)" = "$(wc -l <"$WORK/down")" ]'

# --- SIGTERM with rows pending and a delivery in flight: none lost ---
kill -STOP "$notify_PID"
: >"$WORK/term"
for _ in $(seq 20); do create >>"$WORK/term"; done
# Rows under a lease (8 s ahead; a failed row's retry is 2 s at most) are claimed.
claimed() { psql_query "SELECT count(*) FROM notification_outbox
  WHERE delivered_at IS NULL AND next_attempt_at > now() + interval '3 seconds'"; }
in_flight() { [ "$(claimed)" -gt 0 ]; }
check term_rows_claimed eventually in_flight
stop_timed "$articles_PID"
check term_exit_0 eq "$STOP_RC" 0
echo "  articles stopped $STOP_MS ms after SIGTERM, a delivery in flight" >&2
check term_stops_within_the_delivery_timeout test "$STOP_MS" -lt 2500
check term_rows_kept test "$(pending)" -ge 19
check term_rows_handed_back eq "$(claimed)" 0
kill -CONT "$notify_PID"
start_articles "$AP" || exit 1
check term_next_start_delivers_each_once eventually_within 20 each_received_once "$WORK/term"
check term_then_nothing_pending eventually_within 10 nothing_pending

# --- two articles processes, one outbox: each row delivered once. The
# second polls once a minute: its own creates wake its dispatchers ---
stop_notify
: >"$WORK/notify.log"
start_notify || exit 1
AP2=$(free_port)
first=$articles_PID
start_articles "$AP2" NOTIFY_DISPATCHERS=4 NOTIFY_OUTBOX_POLL_MS=60000 || exit 1
second=$articles_PID
curl -s -H 'Content-Type: application/json' -d '{"title":"woken","body":"x"}' \
  "http://127.0.0.1:$AP2/api/articles" | jq -r .id >"$WORK/woken"
check own_create_wakes_dispatcher eventually_within 2 each_received_once "$WORK/woken"
out=$(python3 "$TOP/tests/integration/create_load.py" 5 100 "$WORK/two" "$AP" "$AP2")
echo "  two processes: $out" >&2
check two_creates_answered json_ok '.created > 400 and .failed == 0' "$out"
check two_each_received_once eventually_within 20 each_received_once "$WORK/two"
check two_nothing_pending eventually_within 10 nothing_pending
check two_no_redelivery eq "$(grep -c '"message":"POST /notify 200"' "$WORK/notify.log")" \
  "$(cat "$WORK/woken" "$WORK/two" | wc -l)"
check two_no_duplicate eq "$(grep -c '"message":"duplicate notification ignored"' "$WORK/notify.log")" 0
instances() {
  jq -r '.resourceSpans[] | select(any(.scopeSpans[].spans[]; .name == "process notification_outbox"))
    | .resource.attributes[] | select(.key == "service.instance.id") | .value.stringValue' "$WORK/traces.jsonl" | sort -u | wc -l
}
check two_both_dispatch eventually eval '[ "$(instances)" -ge 2 ]'

# --- rows a stopping process hands back wake the other's dispatchers
# (LISTEN/NOTIFY: the other polls once a minute) ---
kill -STOP "$notify_PID"
: >"$WORK/handed"
for _ in $(seq 10); do create >>"$WORK/handed"; done
check handover_rows_claimed eventually in_flight
kill -TERM "$first"
wait "$first"
check handover_first_exit_0 eq "$?" 0
kill -CONT "$notify_PID"
check handover_other_process_delivers eventually_within 8 each_received_once "$WORK/handed"
check handover_nothing_pending eventually_within 5 nothing_pending
kill -TERM "$second"
wait "$second"
check two_second_exit_0 eq "$?" 0

check no_sanitizer_report eval '! grep -l Sanitizer "$WORK"/*.log'
finish integration_outbox
