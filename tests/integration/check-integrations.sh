#!/usr/bin/env bash
# The hand-written integrations on their own, through small programs of the
# tests (tests/tools/) exporting to the project's receiver:
#   - mhd: url.scheme is the daemon's, http or https (TLS), on the span, on
#     http.server.request.duration and on http.server.active_requests;
#   - curl: the program's own headers reach the server however it set them
#     (CURLOPT_HTTPHEADER, the call's argument, both, after a reset, on a
#     copied handle), beside traceparent, and the handle carries its own list
#     again afterwards;
#   - pq: the arguments of PQexecParams (typed binary parameters, binary
#     results, a NUL inside a value, prepared) against a real PostgreSQL.
source "$(dirname "$0")/lib.sh"
TOOLS=$(dirname "$BIN")/tools

start_sink || { echo "  the receiver did not start"; exit 1; }
export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT OTEL_BSP_SCHEDULE_DELAY=100 \
  OTEL_METRIC_EXPORT_INTERVAL=60000

# probe_server PORT COUNT [CERT KEY]: mhd_probe in the background, its output
# in $WORK/server.out; waits until it serves.
probe_server() {
  : >"$WORK/server.out"
  "$TOOLS/mhd_probe" "$@" >"$WORK/server.out" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  eventually grep -qx listening "$WORK/server.out"
}

# --- mhd: url.scheme from the daemon ---
pki_ca ca && pki_leaf server ca 2 || { echo "  openssl could not make certificates"; exit 1; }
plain=$(free_port)
probe_server "$plain" 2
curl -s -o /dev/null "http://127.0.0.1:$plain/probe"
curl -s -o /dev/null "http://127.0.0.1:$plain/elsewhere"
wait "$SERVER_PID"
check plain_server_exits_0 test $? -eq 0
tls=$(free_port)
probe_server "$tls" 2 "$PKI/server.crt" "$PKI/server.key"
check tls_request_answered eq "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" \
  "https://127.0.0.1:$tls/probe")" 200
curl -s -o /dev/null --cacert "$PKI/ca.crt" "https://127.0.0.1:$tls/elsewhere"
wait "$SERVER_PID"
check tls_server_exits_0 test $? -eq 0
sleep 0.3
spans >"$WORK/spans"
metric_points >"$WORK/points"
server_span() { # PORT NAME: [url.scheme, server.port, http.route]
  jq -c "select(.kind == 2 and .name == \"$2\" and .attrs.\"server.port\" == $1)
    | [.attrs.\"url.scheme\", .attrs.\"http.route\"]" "$WORK/spans"
}
check plain_span_scheme_http eq "$(server_span "$plain" "GET /probe")" '["http","/probe"]'
check plain_unrouted_span_scheme_http eq "$(server_span "$plain" GET)" '["http",null]'
check tls_span_scheme_https eq "$(server_span "$tls" "GET /probe")" '["https","/probe"]'
check tls_unrouted_span_scheme_https eq "$(server_span "$tls" GET)" '["https",null]'
durations() { # SCHEME: the request counts of http.server.request.duration's points, by route
  jq -s -c "map(select(.metric == \"http.server.request.duration\" and .attrs.\"url.scheme\" == \"$1\"))
    | map({route: (.attrs.\"http.route\" // \"none\"), status: .attrs.\"http.response.status_code\", count: .value})
    | sort_by(.route)" "$WORK/points"
}
check plain_duration_points eq "$(durations http)" \
  '[{"route":"/probe","status":200,"count":1},{"route":"none","status":404,"count":1}]'
check tls_duration_points eq "$(durations https)" \
  '[{"route":"/probe","status":200,"count":1},{"route":"none","status":404,"count":1}]'
active() { # SCHEME: [value] of http.server.active_requests for GET
  jq -s -c "map(select(.metric == \"http.server.active_requests\" and .attrs.\"url.scheme\" == \"$1\") | .value)" \
    "$WORK/points"
}
check active_requests_by_scheme eq "$(active http)/$(active https)" '[0]/[0]'

# --- curl: the program's headers survive, however it set them ---
# curl_probe HOW: two requests to mhd_probe (otel_curl_perform, then the
# handle alone); sets FIRST and SECOND to the headers each request carried
# (name: value, sorted, those of the probe only) and TRACEPARENT to whether
# the first carried one.
curl_probe() {
  local port
  port=$(free_port)
  probe_server "$port" 2
  "$TOOLS/curl_probe" "$1" "http://127.0.0.1:$port/probe" >"$WORK/client.out" 2>"$WORK/client.err"
  CLIENT_RC=$?
  wait "$SERVER_PID"
  requests() { awk -v n="$1" '/^request /{k++} k==n && /^header (X-App|X-Passed):/{sub(/^header /,""); print}' \
    "$WORK/server.out" | sort | paste -sd'|'; }
  FIRST=$(requests 1)
  SECOND=$(requests 2)
  TRACEPARENT=$(awk '/^request /{k++} k==1' "$WORK/server.out" |
    grep -qE '^header traceparent: 00-[0-9a-f]{32}-[0-9a-f]{16}-03$' && echo yes)
}
curl_probe setopt
check setopt_headers_sent_with_trace_context eq "$FIRST|$TRACEPARENT" "X-App: setopt|yes"
check setopt_headers_kept_on_the_handle eq "$SECOND" "X-App: setopt"
check probe_ran eq "$CLIENT_RC/$(grep -c '^status 200$' "$WORK/client.out")" 0/2
curl_probe argument
check argument_headers_sent_with_trace_context eq "$FIRST|$TRACEPARENT" "X-App: argument|yes"
check argument_headers_for_the_call_only eq "$SECOND" ""
curl_probe both
check passed_list_sent_for_the_call eq "$FIRST|$TRACEPARENT" "X-Passed: argument|yes"
check handle_list_back_after_the_call eq "$SECOND" "X-App: both"
curl_probe reset
check reset_handle_sends_trace_context_only eq "$FIRST|$TRACEPARENT" "|yes"
curl_probe duphandle
check copied_handle_keeps_its_list eq "$FIRST|$TRACEPARENT|$SECOND" "X-App: duphandle|yes|X-App: duphandle"
curl_probe none
check no_headers_but_trace_context eq "$FIRST|$TRACEPARENT|$SECOND" "|yes|"
check no_warning_for_known_handles eq "$(cat "$WORK/client.err")" ""

# --- pq: the arguments of PQexecParams ---
start_postgres || { echo "  PostgreSQL did not start"; exit 1; }
"$TOOLS/pq_params" >"$WORK/pq.out" 2>&1
check pq_params_runs test $? -eq 0
check binary_parameter_and_result grep -qx 'binary 42' "$WORK/pq.out"
check prepared_binary_parameter_and_result grep -qx 'prepared 43' "$WORK/pq.out"
check value_with_a_nul_byte grep -qx 'bytea 3' "$WORK/pq.out"
check binary_result_without_parameters grep -qx 'no-parameters 7' "$WORK/pq.out"
sleep 0.3
db_spans=$(spans | jq -c 'select(.attrs."db.system.name" == "postgresql") | [.name, .attrs."db.query.text", .status]' | paste -sd' ')
check pq_spans eq "$db_spans" \
  '["SELECT","SELECT $1 + 1",0] ["SELECT","SELECT $1 + 2",0] ["SELECT","SELECT length($1)",0] ["SELECT","SELECT ?::int4",0]'

finish integration_integrations
