#!/usr/bin/env bash
# What the services export, decoded from a local OTLP receiver: the span tree
# of docs/telemetry.md for one POST, route templates, database and HTTP
# client attributes, W3C propagation in and out, statuses, and log lines that
# carry the trace ids.
# shellcheck disable=SC2154 # NAME_PID variables are set by start_service
source "$(dirname "$0")/lib.sh"

prepare_services || exit 1
start_sink || { echo "  the receiver did not start"; exit 1; }
OTEL=("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT" OTEL_BSP_SCHEDULE_DELAY=100
  OTEL_METRIC_EXPORT_INTERVAL=500)
# notify reads a configuration file (docs/configuration.md): it is the whole
# configuration, so the console exporter and service name of the
# environment are ignored; the endpoint comes through a ${...} reference.
cat >"$WORK/notify-otel.yaml" <<'YAML'
file_format: "1.0"
resource:
  schema_url: https://opentelemetry.io/schemas/1.26.0
  attributes:
    - name: deployment.environment.name
      value: file-config
propagator:
  composite: [tracecontext: , baggage: ]
tracer_provider:
  processors:
    - batch:
        schedule_delay: 100
        exporter:
          otlp_http:
            endpoint: ${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces
meter_provider:
  readers:
    - periodic:
        interval: 500
        exporter:
          otlp_http:
            endpoint: ${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/metrics
logger_provider:
  processors:
    - batch:
        exporter:
          otlp_http:
            endpoint: ${env:OTEL_EXPORTER_OTLP_ENDPOINT}/v1/logs
YAML
start_service notify PORT=$NP HOST=127.0.0.1 "${OTEL[@]}" OTEL_CONFIG_FILE="$WORK/notify-otel.yaml" \
  OTEL_TRACES_EXPORTER=console OTEL_SERVICE_NAME=ignored
start_service articles PORT=$AP HOST=127.0.0.1 NOTIFY_URL=http://127.0.0.1:$NP/notify \
  NOTIFY_TIMEOUT_MS=1000 "${OTEL[@]}"
wait_http "$API/health" && wait_http "http://127.0.0.1:$NP/health" || exit 1

request POST "$API/articles" '{"title":"Traced title","body":"secret body"}'
ID=$(jq -r .id <<<"$BODY")
TRACE=$(header X-Trace-Id)
request GET "$API/articles/$ID"
GET_TRACE=$(header X-Trace-Id)
request GET "$API/articles/999999"
MISSING_TRACE=$(header X-Trace-Id)
request GET "http://127.0.0.1:$AP/no/such/route"
UNROUTED_TRACE=$(header X-Trace-Id)
PARENT_TRACE=4bf92f3577b34da6a3ce929d0e0e4736
STATUS=$(curl -s -o /dev/null -w '%{http_code}' \
  -H "traceparent: 00-$PARENT_TRACE-00f067aa0ba902b7-01" -H "tracestate: congo=t61rcWkgMzE" \
  -H 'Content-Type: application/json' -d '{"title":"child","body":"x"}' "$API/articles")
INVALID=$(curl -s -D - -o /dev/null -H "traceparent: 00-$PARENT_TRACE-0000000000000000-01" \
  "$API/health" | tr -d '\r' | sed -n 's/^X-Trace-Id: //Ip')
# A header on several field lines: tracestate lines are one list; a second
# traceparent line makes the header invalid.
LINES_TRACE=0af7651916cd43dd8448eb211c80319c
curl -s -o /dev/null -H "traceparent: 00-$LINES_TRACE-b7ad6b7169203331-01" \
  -H "tracestate: foo=1" -H "tracestate: bar=2,foo=3" \
  -H 'Content-Type: application/json' -d '{"title":"lines","body":"x"}' "$API/articles"
TWICE=$(curl -s -D - -o /dev/null -H "traceparent: 00-$PARENT_TRACE-00f067aa0ba902b7-01" \
  -H "traceparent: 00-$PARENT_TRACE-00f067aa0ba902b7-01" "$API/health" | tr -d '\r' | sed -n 's/^X-Trace-Id: //Ip')
kill -STOP "$notify_PID" 2>/dev/null # accepts, never answers
request POST "$API/articles" '{"title":"unheard","body":"x"}'
TIMEOUT_TRACE=$(header X-Trace-Id)
TIMEOUT_STATUS=$STATUS
pg_stop
request GET "$API/articles/$ID"
DOWN_TRACE=$(header X-Trace-Id)
kill -CONT "$notify_PID"
kill -TERM "$articles_PID" "$notify_PID" # flush on the way out
wait "$articles_PID" "$notify_PID"
sleep 0.3

spans >"$WORK/spans"
in_trace() { jq -c "select(.trace == \"$1\")" "$WORK/spans"; }
one() { in_trace "$1" | jq -c "select(.svc == \"$2\" and .name == \"$3\")"; }
field() { jq -r "$2" <<<"$1"; }

# --- notify's configuration file: its resource, and nothing from the environment ---
notify_resource=$(jq -c 'select(.resourceSpans) | .resourceSpans[]
  | select(any(.resource.attributes[]; .key == "service.name" and .value.stringValue == "notify"))
  | {schema: .schemaUrl, env: (.resource.attributes[] | select(.key == "deployment.environment.name") | .value.stringValue)}' \
  "$WORK/traces.jsonl" | head -1)
check notify_resource_from_its_config_file eq "$notify_resource" \
  '{"schema":"https://opentelemetry.io/schemas/1.26.0","env":"file-config"}'
check notify_ignores_the_environment_beside_its_file eq "$(grep -c '"traceId"' "$WORK/notify.log")" 0
check no_span_of_a_service_named_by_the_environment eq "$(spans | grep -c '"svc":"ignored"')" 0

# --- one POST: four spans in one trace ---
check post_trace_has_four_spans eq "$(in_trace "$TRACE" | wc -l)" 4
server=$(one "$TRACE" articles "POST /api/articles")
insert=$(one "$TRACE" articles "INSERT articles")
client=$(one "$TRACE" articles "POST")
remote=$(one "$TRACE" notify "POST /notify")
check server_span eq "$(field "$server" '[.kind,.parent,.status]|tostring')" '[2,"",0]'
check server_attrs eq "$(field "$server" '.attrs|[."http.request.method",."http.route",."url.path",."url.scheme",."http.response.status_code",."article.id",."network.protocol.version"]|tostring')" \
  "[\"POST\",\"/api/articles\",\"/api/articles\",\"http\",201,$ID,\"1.1\"]"
check server_addresses eq "$(field "$server" '.attrs|[."server.address",."server.port",."client.address",(."user_agent.original"|startswith("curl/"))]|tostring')" \
  "[\"127.0.0.1\",$AP,\"127.0.0.1\",true]"
server_id=$(field "$server" .span)
check insert_span eq "$(field "$insert" '[.kind,.parent]|tostring')" "[3,\"$server_id\"]"
check insert_db_attrs eq "$(field "$insert" '.attrs|[."db.system.name",."db.namespace",."db.query.summary",."db.operation.name",."db.collection.name",."server.address",."server.port"]|tostring')" \
  "[\"postgresql\",\"articles\",\"INSERT articles\",\"INSERT\",\"articles\",\"127.0.0.1\",$PG_PORT]"
query=$(field "$insert" '.attrs."db.query.text"')
parameterised() { [[ $query == *'VALUES ($1, $2)'* && $query != *Traced* ]]; }
check insert_query_is_parameterised parameterised
check client_span eq "$(field "$client" '[.kind,.parent,.status]|tostring')" "[3,\"$server_id\",0]"
check client_attrs eq "$(field "$client" '.attrs|[."http.request.method",."url.full",."server.address",."server.port",."http.response.status_code",."network.protocol.version"]|tostring')" \
  "[\"POST\",\"http://127.0.0.1:$NP/notify\",\"127.0.0.1\",$NP,200,\"1.1\"]"
check notify_parent_is_client_span eq "$(field "$remote" '[.kind,.parent]|tostring')" \
  "[2,\"$(field "$client" .span)\"]"
check notify_route eq "$(field "$remote" '.attrs."http.route"')" /notify

# --- GET by id: the route template, never the raw id ---
check get_named_by_template eq "$(one "$GET_TRACE" articles "GET /api/articles/{id}" | jq -r '.attrs."http.route"')" \
  "/api/articles/{id}"
check get_has_select_child eq "$(one "$GET_TRACE" articles "SELECT articles" | jq -r '.attrs."db.operation.name"')" SELECT
check missing_is_404_not_error eq "$(one "$MISSING_TRACE" articles "GET /api/articles/{id}" | jq -c '[.attrs."http.response.status_code",.status]')" \
  "[404,0]"
# A request no route took: the server's attributes all the same, no http.route.
check unrouted_has_server_attrs eq "$(one "$UNROUTED_TRACE" articles GET | jq -c '.attrs|[."http.request.method",."url.scheme",."network.protocol.version",."server.address",."server.port",."http.route",."http.response.status_code"]')" \
  "[\"GET\",\"http\",\"1.1\",\"127.0.0.1\",$AP,null,404]"
check no_transaction_spans eq "$(jq -r 'select(.name|test("^(BEGIN|COMMIT|ROLLBACK|PREPARE)"))' "$WORK/spans" | wc -l)" 0

# --- propagation in and out ---
child=$(one "$PARENT_TRACE" articles "POST /api/articles")
check incoming_traceparent_is_parent eq "$(field "$child" '[.parent,.state]|tostring')" \
  '["00f067aa0ba902b7","congo=t61rcWkgMzE"]'
check tracestate_passed_to_notify eq "$(one "$PARENT_TRACE" notify "POST /notify" | jq -r .state)" \
  "congo=t61rcWkgMzE"
check invalid_traceparent_starts_a_new_trace bash -c "[[ '$INVALID' =~ ^[0-9a-f]{32}$ && '$INVALID' != '$PARENT_TRACE' ]]"
check tracestate_lines_are_one_list eq "$(one "$LINES_TRACE" articles "POST /api/articles" | jq -r .state)" \
  "foo=1,bar=2"
check tracestate_lines_reach_notify eq "$(one "$LINES_TRACE" notify "POST /notify" | jq -r .state)" \
  "foo=1,bar=2"
check traceparent_twice_starts_a_new_trace bash -c "[[ '$TWICE' =~ ^[0-9a-f]{32}$ && '$TWICE' != '$PARENT_TRACE' ]]"

# --- 5xx: the server span is an error ---
down=$(one "$DOWN_TRACE" articles "GET /api/articles/{id}")
check db_down_server_span_error eq "$(field "$down" '[.attrs."http.response.status_code",.attrs."error.type",.status]|tostring')" \
  '[503,"503",2]'

# --- notify not answering: 201 all the same, and an error client span ---
check create_despite_notify_timeout eq "$TIMEOUT_STATUS" 201
check client_span_timeout_error eq "$(one "$TIMEOUT_TRACE" articles POST | jq -c '[.status,.attrs."error.type"]')" \
  '[2,"timeout"]'

# --- metrics: the business counters and the duration histograms ---
metric_points >"$WORK/points"
latest() { jq -s -c "map(select(.metric == \"$1\" ${2:-})) | max_by(.value)" "$WORK/points"; }
created=$(latest articles.created)
check articles_created_counts_creates eq "$(field "$created" '[.value,.kind,.monotonic,.temporality,.unit]|tostring')" \
  "[$(grep -c '"message":"article created"' "$WORK/articles.log"),\"sum\",true,2,\"1\"]"
check articles_created_is_four eq "$(field "$created" .value)" 4
received=$(latest notifications.received)
check notifications_received_counts eq "$(field "$received" .value)" \
  "$(grep -c '"message":"article notification received"' "$WORK/notify.log")"
HTTP_BOUNDS='[0.005,0.01,0.025,0.05,0.075,0.1,0.25,0.5,0.75,1,2.5,5,7.5,10]'
server_duration=$(latest http.server.request.duration '
  and .attrs."http.route" == "/api/articles" and .attrs."http.response.status_code" == 201')
check server_duration_histogram eq "$(field "$server_duration" '[.kind,.unit,.value,(.bounds|tostring),.attrs."http.request.method",.attrs."url.scheme"]|tostring')" \
  "[\"histogram\",\"s\",4,\"$HTTP_BOUNDS\",\"POST\",\"http\"]"
client_duration=$(latest http.client.request.duration)
check client_duration_histogram eq "$(field "$client_duration" '[.kind,.unit,(.bounds|tostring)]|tostring')" \
  "[\"histogram\",\"s\",\"$HTTP_BOUNDS\"]"
db_duration=$(latest db.client.operation.duration ' and .attrs."db.operation.name" == "INSERT"')
check db_duration_histogram eq "$(field "$db_duration" '[.kind,.unit,.value,(.bounds|tostring),.attrs."db.system.name",.attrs."db.collection.name"]|tostring')" \
  '["histogram","s",4,"[0.001,0.005,0.01,0.05,0.1,0.5,1,5,10]","postgresql","articles"]'

# --- exemplars: the duration histograms point to the spans they timed ---
spans >"$WORK/all-spans"
# The names of the spans a point's exemplars point to ("none" for an
# exemplar without its span), each once; "" without exemplars.
exemplar_spans() {
  jq -r --slurpfile spans "$WORK/all-spans" '.exemplars[] as $x
    | ([$spans[] | select(.trace == $x.trace and .span == $x.span) | "\(.name) (\(.kind))"] | first // "none")' \
    <<<"$1" | sort -u | paste -sd,
}
check server_duration_exemplars eq "$(exemplar_spans "$server_duration")" "POST /api/articles (2)"
check client_duration_exemplars eq "$(exemplar_spans "$client_duration")" "POST (3)"
check db_duration_exemplars eq "$(exemplar_spans "$db_duration")" "INSERT articles (3)"

# --- a statement that fails: ERROR status with the SQLSTATE ---
pg_start
DATABASE_URL=$DATABASE_URL OTEL_TRACES_EXPORTER=console OTEL_METRICS_EXPORTER=none \
  "$(dirname "$BIN")/tools/pq_probe" >"$WORK/probe.jsonl" 2>"$WORK/probe.err"
probe() { jq -c "select(.attributes[] | select(.key == \"db.query.text\" and .value.stringValue == \"$1\"))
  | {name, kind, status: (.status.code // 0), attrs: (reduce .attributes[] as \$a ({}; .[\$a.key] = (\$a.value|to_entries[0].value)))}" \
  "$WORK/probe.jsonl"; }
failing=$(probe 'SELECT 1 / $1::int')
check failed_statement_span eq "$(field "$failing" '[.name,.kind,.status,.attrs."error.type",.attrs."db.response.status_code"]|tostring')" \
  '["SELECT",3,2,"22012","22012"]'
working=$(probe 'SELECT count(*) FROM articles')
check working_statement_span eq "$(field "$working" '[.name,.status,.attrs."db.response.status_code"]|tostring')" \
  '["SELECT articles",0,null]'

active=$(jq -s -c 'map(select(.metric == "http.server.active_requests" and .attrs."http.request.method" == "POST")) | last' "$WORK/points")
check active_requests_back_to_zero eq "$(field "$active" '[.value,.monotonic,.unit]|tostring')" '[0,false,"{request}"]'

# --- the SDK's own metrics: spans exported, none dropped or failed ---
sdk=$(latest otel.sdk.exporter.span.exported ' and .attrs."error.type" == null')
check sdk_spans_exported eq "$(field "$sdk" '[.value > 0,.monotonic,.unit,.attrs."otel.component.type"]|tostring')" \
  '[true,true,"{span}","otlp_http_span_exporter"]'
# each export's duration, and each collection's (told in the next one)
ops=$(latest otel.sdk.exporter.operation.duration ' and .attrs."otel.component.type" == "otlp_http_span_exporter"')
check sdk_export_durations eq "$(field "$ops" '[.value > 0,.kind,.unit,.attrs."otel.component.name"]|tostring')" \
  '[true,"histogram","s","span_exporter/0"]'
collections=$(latest otel.sdk.metric_reader.collection.duration)
check sdk_collection_durations eq "$(field "$collections" '[.value > 0,.kind,.attrs."otel.component.type"]|tostring')" \
  '[true,"histogram","periodic_metric_reader"]'
# spans started: the services' own roots, and the servers' spans under a remote parent
roots=$(latest otel.sdk.span.started ' and .attrs."otel.span.parent.origin" == "none"')
check sdk_spans_started eq "$(field "$roots" '[.value > 0,.monotonic,.attrs."otel.span.sampling_result"]|tostring')" \
  '[true,true,"RECORD_AND_SAMPLE"]'
under_remote=$(latest otel.sdk.span.started ' and .attrs."otel.span.parent.origin" == "remote"')
check sdk_spans_started_under_a_remote_parent eq "$(field "$under_remote" '.value > 0')" true
live=$(latest otel.sdk.span.live)
check sdk_spans_live eq "$(field "$live" '[.value >= 0,.monotonic]|tostring')" '[true,false]'
queue=$(latest otel.sdk.processor.span.queue.capacity)
check sdk_queue_capacity eq "$(field "$queue" '[.value,.monotonic,.attrs."otel.component.name"]|tostring')" \
  '[2048,false,"batching_span_processor/0"]'
check sdk_nothing_dropped_or_failed eq "$(jq -s -c 'map(select((.metric | startswith("otel.sdk.")) and .attrs."error.type" != null)) | length' "$WORK/points")" 0

# --- log records over OTLP carry the request's trace and span ---
record() { jq -c ".resourceLogs[] | (.resource.attributes[] | select(.key == \"service.name\") | .value.stringValue) as \$svc
  | .scopeLogs[].logRecords[] | select(.body.stringValue == \"$1\" and .traceId == \"$2\")
  | {svc: \$svc, trace: .traceId, span: .spanId, severity: .severityNumber}" "$WORK/logs.jsonl"; }
created_record=$(record "article created" "$TRACE")
check created_record_exported eq "$(field "$created_record" '[.svc,.span,.severity]|tostring')" \
  "[\"articles\",\"$server_id\",9]"
check created_record_matches_stdout grep -q "\"message\":\"article created\",\"otelTraceID\":\"$TRACE\",\"otelSpanID\":\"$server_id\"" "$WORK/articles.log"
received_record=$(record "article notification received" "$TRACE")
check notify_record_exported eq "$(field "$received_record" '[.svc,.span]|tostring')" \
  "[\"notify\",\"$(field "$remote" .span)\"]"
warning=$(jq -c '.resourceLogs[].scopeLogs[].logRecords[] | select(.body.stringValue == "notification dispatch failed")' "$WORK/logs.jsonl")
check warning_record_exported eq "$(field "$warning" '[.severityNumber,.traceId]|tostring')" "[13,\"$TIMEOUT_TRACE\"]"

# --- logs carry the trace ---
check create_log_has_trace grep -q "\"message\":\"article created\",\"otelTraceID\":\"$TRACE\"" "$WORK/articles.log"
check notify_log_has_trace grep -q "\"message\":\"article notification received\",\"otelTraceID\":\"$TRACE\"" "$WORK/notify.log"
check access_log_has_trace grep -q "\"message\":\"POST /api/articles 201\",\"otelTraceID\":\"$TRACE\"" "$WORK/articles.log"
check resource_attrs eq "$(jq -r '[.resourceSpans[0].resource.attributes[] | select(.key|test("^(telemetry.sdk.name|telemetry.sdk.language)$")) | .value.stringValue] | join(",")' "$WORK/traces.jsonl" | head -1)" \
  "libotel,c"

# --- a configuration file that cannot be used: one line with its place, and the service serves ---
printf 'file_format: "1.0"\ntracer_provider:\n  processors: [\n' >"$WORK/broken.yaml"
BP=$(free_port)
env PORT=$BP HOST=127.0.0.1 OTEL_CONFIG_FILE="$WORK/broken.yaml" "$BIN/notify" >"$WORK/broken.log" 2>&1 &
broken_pid=$!
wait_http "http://127.0.0.1:$BP/health"
check broken_config_file_service_serves eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BP/health")" 200
check broken_config_file_one_line_with_its_place \
  eq "$(grep -c "broken.yaml:4:1: .*telemetry is off" "$WORK/broken.log")" 1
kill -TERM "$broken_pid"
wait "$broken_pid"
check broken_config_file_service_exits_cleanly test $? -eq 0

finish integration_telemetry
