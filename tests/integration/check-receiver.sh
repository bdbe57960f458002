#!/usr/bin/env bash
# The local OTLP receiver (receiver/): libotel's own exports in protobuf, JSON
# and gzip arrive as OTLP/JSON lines and as a live view with a waterfall; what
# it cannot decode gets the protocol's 400, 404, 405 or 415; SIGTERM stops it.
source "$(dirname "$0")/lib.sh"

start_sink || { echo "  the receiver did not start"; exit 1; }
URL=http://127.0.0.1:$SINK_PORT
DEMO=$(dirname "$BIN")/examples/trace_demo
not_grep() { ! grep -q "$@"; }
# count_items TOTALS K: "spans points logs" from a totals line ("N spans in E
# exports, N data points in E, N log records in E"), times K; with K=1, less
# the hand-written log record sent above.
count_items() {
  read -r s _ _ _ _ p _ _ _ _ l _ <<<"$1"
  if [ "$2" = 1 ]; then l=$((l - 1)); fi
  echo "$((s * $2)) $((p * $2)) $((l * $2))"
}
demo() { env OTEL_EXPORTER_OTLP_ENDPOINT="$URL" OTEL_BSP_SCHEDULE_DELAY=50 "$@" "$DEMO" >/dev/null 2>&1; }

demo OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
demo OTEL_EXPORTER_OTLP_PROTOCOL=http/json
demo OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_EXPORTER_OTLP_COMPRESSION=gzip
demo OTEL_EXPORTER_OTLP_PROTOCOL=http/json OTEL_EXPORTER_OTLP_COMPRESSION=gzip
check four_trace_exports_written eq "$(wc -l <"$WORK/traces.jsonl")" 4
check each_line_has_the_demo_trace eq "$(jq -c '[.resourceSpans[].scopeSpans[].spans[].name] | sort' "$WORK/traces.jsonl" | sort -u)" \
  '["GET /hello","compute greeting"]'
check json_and_protobuf_lines_alike eq "$(jq -c '[(.resourceSpans[0].resource.attributes[] | select(.key == "service.name") | .value.stringValue), (.resourceSpans[0].scopeSpans[0].spans[0] | .traceId | length)]' "$WORK/traces.jsonl" | sort -u)" \
  '["trace-demo",32]'
check metrics_written eq "$(jq -r '.resourceMetrics | length > 0' "$WORK/metrics.jsonl" | sort -u)" true

# The live view: a line per span, then one waterfall per trace.
sleep 1.5
check span_lines eq "$(grep -c '^span  trace-demo' "$WORK/receiver.out")" 8
check waterfalls eq "$(grep -c '^trace [0-9a-f]\{32\}  2 spans' "$WORK/receiver.out")" 4
check waterfall_tree eq "$(grep -m1 -c '^  └─ trace-demo INTERNAL compute greeting  *|.*█.*| ' "$WORK/receiver.out")" 1

# Refusals, in the request's own encoding.
request POST "$URL/v1/traces" 'not protobuf' application/x-protobuf
check garbage_protobuf_400 eq "$STATUS $(header Content-Type)" "400 application/x-protobuf"
request POST "$URL/v1/traces" '{"resourceSpans":' application/json
check truncated_json_400 eq "$STATUS $(jq -r .code <<<"$BODY")" "400 3"
request POST "$URL/v1/logs" '{"resourceLogs":[{"scopeLogs":"x"}]}' application/json
check wrong_json_shape_400 eq "$STATUS" 400
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H 'Content-Encoding: gzip' --data-binary '{}' "$URL/v1/traces")
check bad_gzip_400 eq "$STATUS" 400
request POST "$URL/v1/traces" 'hello' text/plain
check unknown_content_type_415 eq "$STATUS" 415
request POST "$URL/v1/profiles" '{}' application/json
check unknown_path_404 eq "$STATUS" 404
request GET "$URL/v1/traces"
check get_405 eq "$STATUS" 405
request POST "$URL/v1/logs" '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hi"},"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}]}]}]}' application/json
check json_log_accepted eq "$STATUS $BODY" "200 {}"
check json_log_written eq "$(jq -c '.resourceLogs[0].scopeLogs[0].logRecords[0] | select(.body.stringValue == "hi")
  | [.body.stringValue, .traceId]' "$WORK/logs.jsonl")" \
  '["hi","4bf92f3577b34da6a3ce929d0e0e4736"]'
check refusals_not_written eq "$(wc -l <"$WORK/traces.jsonl")" 4

kill -TERM "$SINK_PID"
wait "$SINK_PID"
check sigterm_exits_0 eq "$?" 0
check says_what_it_received grep -q '^receiver: received 8 spans in 4 exports, ' "$WORK/receiver.out"
files_total=$(sed -n "s/^receiver: received //p" "$WORK/receiver.out")

# `receiver view` (make docker-traces): the same waterfalls from a file that
# another process writes: what it holds (--all) or only what is added; a file
# that appears later, or is replaced, is read from its start.
viewer() { # NAME [--all] FILE: in the background, output in $WORK/NAME.view
  local name=$1
  shift
  "$BIN/receiver" view "$@" >"$WORK/$name.view" 2>&1 &
  PIDS+=($!)
  printf -v "${name}_VIEW" '%s' "$!"
}
waterfalls_in() { grep -c '^trace [0-9a-f]\{32\}  2 spans' "$WORK/$1.view"; }
viewer all --all "$WORK/traces.jsonl"
viewer new "$WORK/traces.jsonl"
viewer later "$WORK/copy/traces.jsonl"
shown_all() { [ "$(waterfalls_in all)" = "$1" ]; }
check viewer_shows_what_the_file_holds eventually shown_all 4
start_sink || exit 1 # appends to the same files
URL=http://127.0.0.1:$SINK_PORT demo OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf # a fifth trace
kill -TERM "$SINK_PID"
wait "$SINK_PID"
mkdir -p "$WORK/copy" && cp "$WORK/traces.jsonl" "$WORK/copy/traces.jsonl"
sleep 1.8
# shellcheck disable=SC2154 # set by viewer
kill -TERM "$all_VIEW" "$new_VIEW" "$later_VIEW"
wait "$all_VIEW"
check viewer_sigterm_exits_0 eq "$?" 0
check viewer_follows_the_file eq "$(waterfalls_in all)" 5
check viewer_without_all_shows_what_is_added eq "$(waterfalls_in new)" 1
check viewer_waits_for_the_file eq "$(waterfalls_in later)" 5
check viewer_draws_the_tree eq "$(grep -c '^  └─ trace-demo INTERNAL compute greeting  *|.*█.*| ' "$WORK/new.view")" 1


# What it must not trust: nesting, control characters; and what it filters.
start_sink || exit 1
URL=http://127.0.0.1:$SINK_PORT
# A body nested past 64 levels is refused before protobuf-c unpacks it
# (a million levels overflowed its stack); OTLP's own depth is served.
python3 "$TOP/tests/integration/nested_otlp.py" 1000000 >"$WORK/deep.pb"
STATUS=$(curl -s -o "$WORK/body" -w '%{http_code}' -H 'Content-Type: application/x-protobuf' \
  --data-binary @"$WORK/deep.pb" "$URL/v1/traces")
check million_levels_refused eq "$STATUS:$(grep -c 'deeper than 64 levels' "$WORK/body")" "400:1"
python3 "$TOP/tests/integration/nested_otlp.py" 25 >"$WORK/shallow.pb"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-protobuf' \
  --data-binary @"$WORK/shallow.pb" "$URL/v1/traces")
check nesting_within_the_limit_served eq "$STATUS" 200
check receiver_still_up kill -0 "$SINK_PID"

# Strings it received reach the terminal with their control characters escaped.
span_json() { # NAME KIND [ROUTE]: an export of one span
  jq -cn --arg n "$1" --argjson k "$2" --arg r "${3-}" '{resourceSpans: [{resource: {attributes:
    [{key: "service.name", value: {stringValue: "esc\u001bsvc"}}]}, scopeSpans: [{spans: [{
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", name: $n, kind: $k,
    startTimeUnixNano: "1", endTimeUnixNano: "2",
    attributes: (if $r == "" then [] else [{key: "http.route", value: {stringValue: $r}}] end)}]}]}]}'
}
request POST "$URL/v1/traces" "$(span_json $'red \e[31mtext\nnext' 1)" application/json
check escaped_span_accepted eq "$STATUS" 200
shown() { grep -qF 'span  esc\x1bsvc INTERNAL red \x1b[31mtext\x0anext' "$WORK/receiver.out"; }
check control_characters_escaped eventually shown
check no_raw_escape_on_the_terminal eval '! grep -q $'"'"'\e'"'"' "$WORK/receiver.out"'

# The collector's noise filter: health-check SERVER spans and BEGIN/COMMIT/ROLLBACK go.
lines_before=$(wc -l <"$WORK/traces.jsonl")
for span in "GET /api/health 2 /api/health" "GET /health 2 /health" "COMMIT 3" "BEGIN 3" "ROLLBACK 3" \
  "GET /api/health 3 /api/health" "GET /api/articles 2 /api/articles"; do
  read -r verb path kind route <<<"$span"
  [ -z "${path##[0-9]}" ] && { route=$kind; kind=$path; path=; }
  request POST "$URL/v1/traces" "$(span_json "$verb${path:+ $path}" "$kind" "$route")" application/json
done
kept() { tail -n +$((lines_before + 1)) "$WORK/traces.jsonl" | jq -r '.resourceSpans[] | (.scopeSpans // [])[] | (.spans // [])[] | "\(.name)/\(.kind)"' | paste -sd,; }
check noise_filtered eq "$(kept)" "GET /api/health/3,GET /api/articles/2"

kill -TERM "$SINK_PID"
wait "$SINK_PID"

# RECEIVER_FILTER=none keeps everything.
start_sink RECEIVER_FILTER=none || exit 1
request POST "http://127.0.0.1:$SINK_PORT/v1/traces" "$(span_json COMMIT 3)" application/json
check filter_none_keeps_commit eq "$(jq -r '.resourceSpans[] | (.scopeSpans // [])[] | (.spans // [])[].name' "$WORK/traces.jsonl" | tail -1)" COMMIT
kill -TERM "$SINK_PID"
wait "$SINK_PID"

# Counting only (for benchmarks): decodes and counts, writes and shows nothing.
RECEIVER_KEEP=count RECEIVER_PORT=0 RECEIVER_DIR=$WORK/count "$BIN/receiver" >"$WORK/count.out" 2>&1 &
COUNT_PID=$!
for _ in $(seq 50); do
  COUNT_PORT=$(sed -n 's|^receiver: OTLP/HTTP on http://[0-9.]*:\([0-9]*\), counting only$|\1|p' "$WORK/count.out")
  [ -n "$COUNT_PORT" ] && break
  sleep 0.1
done
URL=http://127.0.0.1:$COUNT_PORT demo OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
URL=http://127.0.0.1:$COUNT_PORT demo OTEL_EXPORTER_OTLP_PROTOCOL=http/json
request POST "http://127.0.0.1:$COUNT_PORT/v1/traces" 'not protobuf' application/x-protobuf
check count_only_still_refuses eq "$STATUS" 400
kill -TERM "$COUNT_PID"
wait "$COUNT_PID"
check count_only_exits_0 eq "$?" 0
check count_only_counts grep -q '^receiver: received 4 spans in 2 exports, ' "$WORK/count.out"
# The same exports, counted without decoding: half of what the four runs above held.
count_total=$(sed -n "s/^receiver: received //p" "$WORK/count.out")
check count_only_counted_points_and_logs eval '[[ $count_total =~ ^4\ spans.*\ [1-9][0-9]*\ data\ points.*\ 2\ log ]]'
check count_only_counts_like_decoding eq "$(count_items "$count_total" 2)" "$(count_items "$files_total" 1)"
check count_only_writes_nothing test ! -e "$WORK/count"
check count_only_shows_no_spans not_grep '^span ' "$WORK/count.out"
# Not available yet: 503 with Retry-After and an UNAVAILABLE status, in the
# request's encoding (the fault suite watches exporters retry through it).
start_sink RECEIVER_UNAVAILABLE_MS=60000 || exit 1
request POST "http://127.0.0.1:$SINK_PORT/v1/traces" '{"resourceSpans":[]}' application/json
check unavailable_503 eq "$STATUS:$(header Retry-After):$(jq -c '.code' <<<"$BODY")" "503:1:14"
RECEIVER_KEEP=everything "$BIN/receiver" >"$WORK/bad-keep.out" 2>&1
check bad_keep_exits_2 eq "$?:$(grep -c RECEIVER_KEEP "$WORK/bad-keep.out")" "2:1"
finish integration_receiver
