#!/usr/bin/env bash
# otel-instrument: unchanged programs, run under it, export the telemetry
# that the hand-written integrations make, to the project's receiver, against
# a private PostgreSQL.
#   - the launcher: --help, --version, exit status and PID kept, LD_PRELOAD
#     kept, the refusals (not found, statically linked, set-user-ID), and a
#     program that calls no instrumented library starts no thread;
#   - programs no one here wrote, from Debian: the curl CLI (traceparent
#     sent, its own headers kept, credentials and signed parameters in no
#     telemetry) and psql, the binary and the Perl wrapper (output unchanged,
#     literals replaced), and Python's syslog module;
#   - programs of the tests with no telemetry of their own: libpq's sync,
#     async and pipelined calls and a fork; curl's easy and multi interfaces,
#     against both of Debian's libcurl builds; the plain example, two
#     instances giving articles' trace shape;
#   - a libmicrohttpd server in each threading mode, with a suspended and
#     resumed connection;
#   - work handed to a thread through the program's own queue, with and
#     without <otel/instrument.h>'s handoff; calls before main and from
#     threads that race to start the telemetry;
#   - articles under otel-instrument: no span twice;
#   - OTEL_C_DISABLED_INSTRUMENTATIONS for each name; libotel's own export is
#     never traced.
# Under ASan the library needs the sanitizer's runtime loaded before it:
# the programs built here get it first in LD_PRELOAD. Debian's programs (sh,
# curl, psql) hang at start with that runtime preloaded, libotel or not, so
# they are run in the release build only.
source "$(dirname "$0")/lib.sh"
OUT=$(dirname "$BIN")
INSTRUMENT=$BIN/otel-instrument
PLAIN=$OUT/plain
asan=
[[ $BIN == */asan/* ]] && asan=1
# An ASan build's programs need the sanitizer's runtime loaded first, before
# the preloaded library: first in LD_PRELOAD.
ASAN_RUNTIME=${asan:+$(gcc -print-file-name=libasan.so)}

start_postgres || { echo "  PostgreSQL did not start"; exit 1; }
start_sink || { echo "  the receiver did not start"; exit 1; }
export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT OTEL_BSP_SCHEDULE_DELAY=100 \
  OTEL_BLRP_SCHEDULE_DELAY=100 OTEL_METRICS_EXPORTER=none
# (In the foreground only: in the background, $! would be a subshell's.)
instrumented() { LD_PRELOAD=$ASAN_RUNTIME "$INSTRUMENT" "$@"; }
# Every resource that exported spans, as an object of its attributes.
resources() {
  jq -c '.resourceSpans[].resource.attributes | map({(.key): (.value.stringValue // .value.intValue)}) | add' \
    "$WORK/traces.jsonl"
}
# spans_of SERVICE: a line per span of that service: "name kind status" and
# the attributes asked for (a jq list of keys), one compact JSON array each.
spans_of() {
  spans | jq -c --arg s "$1" --argjson k "${2:-[]}" 'select(.svc == $s)
    | [.name, .kind, .status] + [.attrs[$k[]]]'
}

# --- the launcher ---
check help eval '"$INSTRUMENT" --help | grep -q "^usage: otel-instrument \[--\] PROGRAM"'
check version eval '"$INSTRUMENT" --version | grep -qE "^otel-instrument \(libotel\) [0-9]+\.[0-9]+\.[0-9]+$"'
"$INSTRUMENT" >/dev/null 2>&1
check no_program_is_usage eq "$?" 2
out=$("$INSTRUMENT" no-such-program-here 2>&1)
check not_found_refused eq "$?:$out" "127:otel-instrument: no-such-program-here: not found"
printf 'int main(void) { return 0; }\n' | cc -static -x c - -o "$WORK/static" 2>/dev/null
out=$("$INSTRUMENT" "$WORK/static" 2>&1)
check static_refused eq "$?:$out" "126:otel-instrument: $WORK/static: statically linked: nothing can be preloaded into it"
cp /bin/true "$WORK/setuid" && chmod u+s "$WORK/setuid"
out=$("$INSTRUMENT" "$WORK/setuid" 2>&1)
check setuid_refused eq "$?:${out%%:*}" "126:otel-instrument"
if [ -z "$asan" ]; then # sh is Debian's: see the top
  instrumented -- sh -c 'exit 7'
  check exit_status_kept eq "$?" 7
  "$INSTRUMENT" sh -c 'echo $$ >"$1"' sh "$WORK/pid" &
  pid=$!
  wait "$pid"
  check pid_kept eq "$(cat "$WORK/pid")" "$pid"
  zlib=$(ldconfig -p | sed -n 's/.*libz.so.1 .*=> //p' | head -1)
  check ld_preload_kept eq "$(LD_PRELOAD=$zlib "$INSTRUMENT" sh -c 'echo "$LD_PRELOAD"')" \
    "$zlib:$(realpath "$OUT/libotel-instrument.so")"
  check idle_program_starts_no_thread eq "$(instrumented sh -c 'ls /proc/self/task | wc -l')" 1
fi

# --- a server of the tests' that prints each request's headers ---
# probe_server COUNT: tools/mhd_probe on a free port ($PROBE), its output in
# $WORK/probe.out (it links libotel: its spans are its own).
probe_server() {
  PROBE=$(free_port)
  : >"$WORK/probe.out"
  OTEL_SERVICE_NAME=probe "$OUT/tools/mhd_probe" "$PROBE" "$1" >"$WORK/probe.out" 2>&1 &
  PROBE_PID=$!
  PIDS+=("$PROBE_PID")
  eventually grep -qx listening "$WORK/probe.out"
}
headers_seen() { grep -c "^header $1" "$WORK/probe.out"; }
# Waits for the probe to have answered its count (10 s at most: then it is
# stopped, and the checks on what it saw fail).
probe_done() {
  for _ in $(seq 100); do kill -0 "$PROBE_PID" 2>/dev/null || break; sleep 0.1; done
  kill "$PROBE_PID" 2>/dev/null
  wait "$PROBE_PID" 2>/dev/null
}

# --- the curl CLI ---
if [ -z "$asan" ]; then
  probe_server 2
  url="http://user:s3cr3t-pass@127.0.0.1:$PROBE/probe?sig=t0ps3cret&x=1"
  plain=$(curl -s -H 'X-App: cli' -w ' %{http_code}' "$url")
  traced=$(OTEL_SERVICE_NAME=curl-cli instrumented curl -s -H 'X-App: cli' -w ' %{http_code}' "$url")
  probe_done
  check curl_output_unchanged eq "$traced" "$plain"
  check curl_sends_traceparent eq "$(headers_seen 'traceparent: 00-')" 1
  check curl_keeps_its_headers eq "$(headers_seen 'X-App: cli')" 2
  eventually_within 5 grep -q '"curl-cli"' "$WORK/traces.jsonl"
  client=$(spans | jq -c 'select(.svc == "curl-cli")')
  check curl_client_span eq "$(jq -c '[.name, .kind, .attrs."http.response.status_code", .attrs."url.full"]' <<<"$client")" \
    "[\"GET\",3,200,\"http://REDACTED:REDACTED@127.0.0.1:$PROBE/probe?sig=REDACTED&x=1\"]"
  eventually_within 5 eval '[ -n "$(spans | jq -c "select(.svc == \"probe\")")" ]'
  check curl_span_is_the_servers_parent eq "$(spans | jq -r --arg p "$(jq -r .span <<<"$client")" \
    'select(.svc == "probe" and .parent == $p) | .trace')" "$(jq -r .trace <<<"$client")"
  check curl_resource eq "$(jq -c '.resourceSpans[] | .resource.attributes | map(select(.key == "service.name" and .value.stringValue == "curl-cli"))
    | length' "$WORK/traces.jsonl" | sort -u | tail -1)" 1
fi

# --- psql: the binary, and Debian's Perl wrapper ---
sql="select 'literal-value' as v, 41 + 1 as n"
if [ -z "$asan" ]; then
  for psql in /usr/lib/postgresql/15/bin/psql /usr/bin/psql; do
    plain=$(pg_as_owner "$psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d articles -c "$sql")
    traced=$(instrumented "$psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d articles -c "$sql")
    check "psql_output_unchanged_$(basename "$(dirname "$psql")")" eq "$traced" "$plain"
  done
  eventually_within 5 eval '[ "$(spans_of unknown_service:psql | wc -l)" -ge 2 ]'
  check psql_spans eq "$(spans_of unknown_service:psql '["db.query.text","db.namespace","server.port"]' | sort -u)" \
    "[\"select\",3,0,\"select ? as v, ? + ? as n\",\"articles\",$PG_PORT]"
  check psql_resource eq "$(resources | jq -c 'select(."service.name" == "unknown_service:psql")
    | [."process.executable.name", has("process.command_line")]' | sort -u)" '["psql",false]'
fi

# --- libpq from a program of the tests: sync, async, pipelined, forked ---
export DATABASE_URL
plain=$("$PLAIN/pq_async")
traced=$(OTEL_SERVICE_NAME=pq-async instrumented "$PLAIN/pq_async")
check pq_async_output_unchanged eq "$traced" "$plain"
eventually_within 5 eval '[ "$(spans_of pq-async | wc -l)" -ge 10 ]'
check pq_async_spans eq "$(spans_of pq-async '["db.query.text"]' | sort | paste -sd' ')" \
  '["SELECT SELECT",3,0,"SELECT ?; SELECT ?"] ["SELECT",3,0,"SELECT $1::int * 3"] ["SELECT",3,0,"SELECT $1::int * 6"] ["SELECT",3,0,"SELECT $1::int + 1"] ["SELECT",3,0,"SELECT ? AS s, ? AS n"] ["SELECT",3,0,"SELECT ?"] ["SELECT",3,0,"SELECT ?"] ["SELECT",3,2,"SELECT $1::int + 3"] ["SELECT",3,2,"SELECT 1 / $1::int"] ["SELECT",3,2,"SELECT 1 / $1::int"]'
# What a failed statement carries: from the connection and the server's answer.
check pq_failure_attributes eq "$(spans_of pq-async '["db.system.name","db.namespace","server.address","server.port","db.response.status_code","error.type"]' | grep -m1 '"22012"')" \
  "[\"SELECT\",3,2,\"postgresql\",\"$(basename "$DATABASE_URL")\",\"127.0.0.1\",$PG_PORT,\"22012\",\"22012\"]"
pids=$(resources | jq -r 'select(."service.name" == "pq-async") | ."process.pid"' | sort -u | wc -l)
check pq_forked_child_exports_as_itself eq "$pids" 2
check pq_literal_in_no_telemetry eval '! grep -q "secret literal" "$WORK"/*.jsonl'
check syslog_from_a_program eventually eval 'jq -e ".resourceLogs[].scopeLogs[] | select(.scope.name == \"syslog\")
  | .logRecords[] | select(.body.stringValue == \"pq_async: 12 results\" and .severityNumber == 10)" "$WORK/logs.jsonl" >/dev/null'

# --- libcurl from a program of the tests: easy and multi, both builds ---
probe_server 12
for build in curl_multi curl_multi_gnutls; do
  plain=$("$PLAIN/$build" "http://127.0.0.1:$PROBE/probe")
  traced=$(OTEL_SERVICE_NAME=$build instrumented "$PLAIN/$build" "http://127.0.0.1:$PROBE/probe")
  check "${build}_output_unchanged" eq "$traced" "$plain"
done
probe_done
check curl_multi_traceparent_on_each_traced_transfer eq "$(headers_seen 'traceparent: 00-')" 6
check curl_multi_own_header_kept eq "$(headers_seen 'X-App: easy')" 4
for build in curl_multi curl_multi_gnutls; do
  eventually_within 5 eval '[ "$(spans_of $build | wc -l)" -ge 3 ]'
  check "${build}_spans" eq "$(spans_of "$build" '["http.response.status_code","url.full"]' | sort -u)" \
    "[\"GET\",3,0,200,\"http://127.0.0.1:$PROBE/probe\"]"
  check "${build}_three_transfers" eq "$(spans_of "$build" | wc -l)" 3
done

# --- the plain example: two instances, articles' trace shape ---
P1=$(free_port) P2=$(free_port)
export OTEL_C_HTTP_SERVER_ROUTES='/items/{id},/stock/{id}'
LD_PRELOAD=$ASAN_RUNTIME OTEL_METRICS_EXPORTER=otlp OTEL_SERVICE_NAME=stock "$INSTRUMENT" "$OUT/examples/plain_server" "$P2" "$DATABASE_URL" >"$WORK/stock.out" 2>&1 &
STOCK=$!
LD_PRELOAD=$ASAN_RUNTIME OTEL_METRICS_EXPORTER=otlp OTEL_SERVICE_NAME=items "$INSTRUMENT" "$OUT/examples/plain_server" "$P1" "$DATABASE_URL" \
  "http://127.0.0.1:$P2" >"$WORK/items.out" 2>&1 &
ITEMS=$!
PIDS+=("$STOCK" "$ITEMS")
eventually grep -qx listening "$WORK/items.out" && eventually grep -qx listening "$WORK/stock.out"
request GET "http://127.0.0.1:$P1/items/42"
check plain_example_answers eq "$STATUS $BODY" '200 {"id":42,"price":4200,"stock":{"id":42,"stock":14}}'
request GET "http://127.0.0.1:$P1/nowhere"
kill -TERM "$ITEMS" "$STOCK"
wait "$ITEMS"
check plain_example_exits_0 eq "$?" 0
wait "$STOCK"
unset OTEL_C_HTTP_SERVER_ROUTES
eventually_within 5 eval '[ "$(spans_of items | wc -l)" -ge 4 ]'
root=$(spans | jq -c 'select(.svc == "items" and .name == "GET /items/{id}")')
in_trace() { spans | jq -c --arg t "$(jq -r .trace <<<"$root")" 'select(.trace == $t)'; }
child_of() { in_trace | jq -c --arg p "$2" "select(.svc == \"$1\" and .parent == \$p)" | jq -r '.name' | sort | paste -sd,; }
check plain_example_root eq "$(jq -c '[.kind, .parent, .attrs."http.route", .attrs."http.response.status_code"]' <<<"$root")" \
  '[2,"","/items/{id}",200]'
check plain_example_db_and_client_under_the_server eq "$(child_of items "$(jq -r .span <<<"$root")")" "GET,SELECT"
client=$(in_trace | jq -r 'select(.svc == "items" and .name == "GET") | .span')
check plain_example_second_instance_under_the_client eq "$(child_of stock "$client")" "GET /stock/{id}"
check plain_example_four_spans eq "$(in_trace | wc -l)" 4
check plain_example_unrouted_by_method eq "$(spans_of items '["http.route","http.response.status_code"]' | grep -c '^\["GET",2,0,null,404\]$')" 1
# The duration metrics, flushed at exit: the server's, the database's and
# the client's in the first instance, the server's in the second (beside
# them, libotel's own, otel.sdk.*).
metric_names() {
  jq -r --arg s "$1" '.resourceMetrics[]
    | select(any(.resource.attributes[]; .key == "service.name" and .value.stringValue == $s))
    | .scopeMetrics[].metrics[] | select(.histogram and (.name | startswith("otel.sdk.") | not))
    | .name' "$WORK/metrics.jsonl" | sort -u | paste -sd,
}
check plain_example_durations eq "$(metric_names items)" \
  db.client.operation.duration,http.client.request.duration,http.server.request.duration
check plain_example_second_instance_duration eq "$(metric_names stock)" http.server.request.duration

# --- libmicrohttpd's threading modes, and suspended connections ---
# In each mode both requests are spans, and the handler runs under its
# request's span, also after a resume (its syslog record says so); in
# per-connection mode, where libmicrohttpd cannot suspend, after a wait.
for mode in external polling pool per-connection; do
  MP=$(free_port)
  LD_PRELOAD=$ASAN_RUNTIME OTEL_SERVICE_NAME=mhd-$mode OTEL_C_HTTP_SERVER_ROUTES=/now,/later \
    "$INSTRUMENT" "$PLAIN/mhd_modes" "$MP" "$mode" >"$WORK/mode.out" 2>&1 &
  MODE_PID=$!
  PIDS+=("$MODE_PID")
  eventually grep -qx listening "$WORK/mode.out"
  answers=$(curl -s "http://127.0.0.1:$MP/now")/$(curl -s "http://127.0.0.1:$MP/later")
  kill -TERM "$MODE_PID"
  wait "$MODE_PID"
  check "mhd_${mode}_answers" eq "$answers" now/later
done
# record_span SERVICE BODY: the span id of that service's log record.
record_span() {
  jq -r --arg s "$1" --arg b "$2" '.resourceLogs[]
    | select(any(.resource.attributes[]; .key == "service.name" and .value.stringValue == $s))
    | .scopeLogs[].logRecords[] | select(.body.stringValue == $b) | .spanId' "$WORK/logs.jsonl"
}
span_named() { spans | jq -r --arg s "$1" --arg n "$2" 'select(.svc == $s and .name == $n) | .span'; }
for mode in external polling pool per-connection; do
  eventually_within 5 eval '[ "$(spans_of mhd-$mode | wc -l)" -ge 2 ]'
  check "mhd_${mode}_spans" eq "$(spans_of "mhd-$mode" '["http.response.status_code"]' | sort | paste -sd' ')" \
    '["GET /later",2,0,200] ["GET /now",2,0,200]'
  check "mhd_${mode}_handler_under_its_span" eq "$(record_span "mhd-$mode" 'answered /now')" \
    "$(span_named "mhd-$mode" 'GET /now')"
  check "mhd_${mode}_resumed_handler_under_its_span" eq "$(record_span "mhd-$mode" 'answered /later')" \
    "$(span_named "mhd-$mode" 'GET /later')"
done

# --- work handed to a thread through the program's own queue ---
# Without the handoff the worker's statement starts a trace of its own;
# with <otel/instrument.h>'s it is the request's child; without
# otel-instrument the handoff does nothing.
QP=$(free_port)
LD_PRELOAD=$ASAN_RUNTIME OTEL_SERVICE_NAME=queue OTEL_C_HTTP_SERVER_ROUTES='/direct/{n},/queued/{n},/handed/{n}' \
  "$INSTRUMENT" "$PLAIN/queue_server" "$QP" "$DATABASE_URL" >"$WORK/queue.out" 2>&1 &
QUEUE=$!
PIDS+=("$QUEUE")
eventually grep -qx listening "$WORK/queue.out"
for route in direct queued handed; do
  request GET "http://127.0.0.1:$QP/$route/7"
  check "queue_${route}_answers" eq "$STATUS $BODY" '200 {"n":7}'
done
kill -TERM "$QUEUE"
wait "$QUEUE"
eventually_within 5 eval '[ "$(spans_of queue | wc -l)" -ge 6 ]'
# under_server ROUTE: the names of the spans whose parent is ROUTE's server span.
under_server() {
  local server
  server=$(spans | jq -r --arg n "GET /$1/{n}" 'select(.svc == "queue" and .name == $n) | .span')
  spans | jq -r --arg p "$server" 'select(.parent == $p) | .name' | paste -sd,
}
check queue_direct_statement_under_the_server eq "$(under_server direct)" SELECT
check queue_queued_statement_loses_its_parent eq "$(under_server queued)" ""
check queue_queued_statement_is_a_root eq "$(spans | jq -c 'select(.svc == "queue" and .name == "SELECT" and .parent == "")' | wc -l)" 1
check queue_handed_statement_under_the_server eq "$(under_server handed)" SELECT
QP=$(free_port)
"$PLAIN/queue_server" "$QP" "$DATABASE_URL" >"$WORK/queue-plain.out" 2>&1 &
QUEUE=$!
PIDS+=("$QUEUE")
eventually grep -qx listening "$WORK/queue-plain.out"
request GET "http://127.0.0.1:$QP/handed/5"
check queue_handoff_without_otel_instrument eq "$STATUS $BODY" '200 {"n":5}'
kill -TERM "$QUEUE"
wait "$QUEUE"

# --- calls before main, and from threads older than the telemetry ---
probe_server 5
EARLY_URL="http://127.0.0.1:$PROBE/probe" OTEL_SERVICE_NAME=early instrumented "$PLAIN/early_calls" >"$WORK/early.out"
OTEL_SERVICE_NAME=racers instrumented "$PLAIN/early_calls" "http://127.0.0.1:$PROBE/probe" >>"$WORK/early.out"
probe_done
check early_calls_answered eq "$(paste -sd, "$WORK/early.out")" \
  "before main 200,thread 0 200,thread 1 200,thread 2 200,thread 3 200"
check early_calls_traceparent_each eq "$(headers_seen 'traceparent: 00-')" 5
eventually_within 5 eval '[ "$(spans_of racers | wc -l)" -ge 4 ]'
check early_call_before_main_span eq "$(spans_of early | paste -sd,)" '["GET",3,0]'
check early_racing_threads_spans eq "$(spans | jq -r 'select(.svc == "racers") | .trace' | sort -u | wc -l)" 4

# --- articles, which links libotel itself: left alone, no span twice ---
MIGRATIONS_DIR=$TOP/migrations "$BIN/articles" migrate up >/dev/null
NP=$(free_port) AP=$(free_port)
LD_PRELOAD=$ASAN_RUNTIME PORT=$NP HOST=127.0.0.1 "$INSTRUMENT" "$BIN/notify" >"$WORK/notify.log" 2>&1 &
NOTIFY_PID=$!
LD_PRELOAD=$ASAN_RUNTIME PORT=$AP HOST=127.0.0.1 NOTIFY_URL=http://127.0.0.1:$NP/notify "$INSTRUMENT" "$BIN/articles" \
  >"$WORK/articles.log" 2>&1 &
ARTICLES_PID=$!
PIDS+=("$NOTIFY_PID" "$ARTICLES_PID")
wait_http "http://127.0.0.1:$AP/api/health" && wait_http "http://127.0.0.1:$NP/health"
request POST "http://127.0.0.1:$AP/api/articles" '{"title":"under otel-instrument","body":"x"}'
TRACE=$(header X-Trace-Id)
kill -TERM "$ARTICLES_PID" "$NOTIFY_PID"
wait "$ARTICLES_PID" "$NOTIFY_PID"
check articles_says_it_stands_down grep -q "^otel-instrument: articles starts libotel itself" "$WORK/articles.log"
eventually_within 5 eval '[ "$(spans | jq -c "select(.trace == \"$TRACE\")" | wc -l)" -ge 4 ]'
check articles_no_span_twice eq "$(spans | jq -r "select(.trace == \"$TRACE\") | .svc + \" \" + .name" | sort | paste -sd,)" \
  "articles INSERT articles,articles POST,articles POST /api/articles,notify POST /notify"

# --- OTEL_C_DISABLED_INSTRUMENTATIONS ---
OTEL_C_DISABLED_INSTRUMENTATIONS=pq OTEL_SERVICE_NAME=no-pq instrumented "$PLAIN/pq_async" >/dev/null
probe_server 3
OTEL_C_DISABLED_INSTRUMENTATIONS=curl OTEL_SERVICE_NAME=no-curl instrumented "$PLAIN/curl_multi" \
  "http://127.0.0.1:$PROBE/probe" >/dev/null
probe_done
check disabled_curl_sends_no_traceparent eq "$(headers_seen 'traceparent')" 0
P3=$(free_port)
LD_PRELOAD=$ASAN_RUNTIME OTEL_C_DISABLED_INSTRUMENTATIONS=mhd OTEL_SERVICE_NAME=no-mhd "$INSTRUMENT" "$OUT/examples/plain_server" \
  "$P3" "$DATABASE_URL" >"$WORK/no-mhd.out" 2>&1 &
NOMHD=$!
PIDS+=("$NOMHD")
eventually grep -qx listening "$WORK/no-mhd.out"
request GET "http://127.0.0.1:$P3/items/1"
kill -TERM "$NOMHD"
wait "$NOMHD"
OTEL_C_DISABLED_INSTRUMENTATIONS=' syslog ,bogus' OTEL_SERVICE_NAME=no-syslog instrumented "$PLAIN/pq_async" \
  >/dev/null 2>"$WORK/no-syslog.err"
sleep 1
check disabled_pq_no_span eq "$(spans_of no-pq | wc -l)" 0
check disabled_curl_no_span eq "$(spans_of no-curl | wc -l)" 0
check disabled_mhd_only_the_database_span eq "$(spans_of no-mhd | jq -r '.[0]' | paste -sd,)" SELECT
check disabled_syslog_no_record eq "$(jq -c '.resourceLogs[] | select(.resource.attributes[] | .key == "service.name" and .value.stringValue == "no-syslog")' "$WORK/logs.jsonl" | wc -l)" 0
check disabled_syslog_spans_still eq "$(spans_of no-syslog | wc -l)" 10
check unknown_name_warned grep -q "OTEL_C_DISABLED_INSTRUMENTATIONS: 'bogus' is none of" "$WORK/no-syslog.err"
if [ -z "$asan" ]; then
  instrumented python3 -c 'import syslog; syslog.syslog(syslog.LOG_WARNING, "from python: %d%%" % 97)'
  check python_syslog_record eventually eval 'jq -e ".resourceLogs[].scopeLogs[].logRecords[] | select(.body.stringValue == \"from python: 97%\" and .severityText == \"WARNING\")" "$WORK/logs.jsonl" >/dev/null'
fi

# --- libotel's own export is never traced ---
check export_never_traced eq "$(spans | jq -c "select(.attrs.\"url.full\" // \"\" | contains(\":$SINK_PORT/\"))" | wc -l)" 0

finish integration_instrument
