#!/usr/bin/env bash
# OTLP/gRPC export, against a receiver that is not libotel's code
# (grpc_receiver.py: Debian's Python gRPC, with the messages protoc compiles
# from the project's .proto subset): the three signals over h2c, gzip,
# UNAVAILABLE with a RetryInfo and then OK, RESOURCE_EXHAUSTED without one
# (not retried), a partial success, a receiver that never answers, and TLS
# with a private CA, with and without a scheme in the endpoint. notify is the
# exporting program; its requests must never wait on any of it.
# shellcheck disable=SC2154 # NAME_PID variables are set by start_service
source "$(dirname "$0")/lib.sh"

# Debian's Python, where python3-grpcio is installed (another python3 may
# come first on PATH).
GRPC_PYTHON=/usr/bin/python3
PB=$WORK/pb
mkdir -p "$PB"
check messages_compiled protoc --proto_path="$TOP/libotel/proto" --python_out="$PB" \
  "$TOP"/libotel/proto/otlp/*.proto "$TOP"/libotel/proto/rpc/*.proto

# grpc_receiver NAME BEHAVIOUR [CERT]: starts one (h2c, or TLS with CERT's
# certificate and key); sets GRPC_PORT. Its calls go to $WORK/NAME.calls.
grpc_receiver() {
  rm -f "$WORK/$1.port"
  : >>"$WORK/$1.calls"
  "$GRPC_PYTHON" "$TOP/tests/integration/grpc_receiver.py" "$PB" "$WORK/$1.port" "$WORK/$1.calls" \
    "$2" ${3:+"$PKI/$3.crt" "$PKI/$3.key"} 2>>"$WORK/$1.log" &
  PIDS+=($!)
  for _ in $(seq 100); do [ -s "$WORK/$1.port" ] && break; sleep 0.1; done
  GRPC_PORT=$(cat "$WORK/$1.port")
}
# calls NAME SERVICE [ANSWER]: how many calls of SERVICE (Trace, Metrics,
# Logs) the receiver got, or answered with ANSWER.
calls() {
  jq -s --arg s "opentelemetry.proto.collector.${2,,}.v1.${2}Service" --arg a "${3:-}" \
    '[.[] | select(.method == $s and ($a == "" or .answer == $a))] | length' "$WORK/$1.calls"
}
# carried NAME SERVICE ITEM: whether an accepted call of SERVICE carried ITEM.
carried() {
  jq -s -e --arg s "opentelemetry.proto.collector.${2,,}.v1.${2}Service" --arg i "$3" \
    'any(.[]; .method == $s and .answer == "OK" and (.items | index($i)))' "$WORK/$1.calls" >/dev/null
}
grpc() {
  local name=$1
  shift
  notify_exporter "$name" OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_LOG_LEVEL=debug "$@"
}
spans_only=(OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none)
warned() { grep -q "$1" "$WORK/notify.log"; }
stop_exporter() { stop_timed "$notify_PID"; }

# --- h2c, protobuf: the three services' Export methods ---
grpc_receiver plain ok
check h2c_requests_answer grpc h2c OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$GRPC_PORT" \
  OTEL_METRIC_EXPORT_INTERVAL=300 OTEL_BLRP_SCHEDULE_DELAY=100
check h2c_spans_arrive eventually carried plain Trace "POST /notify"
check h2c_logs_arrive eventually carried plain Logs "POST /notify 200"
check h2c_metrics_arrive eventually carried plain Metrics http.server.request.duration
# (libcurl 7.88 cannot reuse an h2c connection; the exporter opens one per export.)
check h2c_every_export_accepted eventually eval '[ "$(calls plain Metrics OK)" -ge 3 ] &&
  [ "$(calls plain Metrics)" = "$(calls plain Metrics OK)" ]'
check h2c_user_agent jq -s -e 'all(.[]; .metadata["user-agent"] | startswith("OTel-OTLP-Exporter-C/"))' \
  "$WORK/plain.calls" >/dev/null
check h2c_answer_read eventually warned "TraceService/Export: [0-9]* bytes, gRPC OK, HTTP 200, attempt 1"
stop_exporter
check h2c_exits_cleanly eq "$STOP_RC" 0
check h2c_no_warning eval '! warned "libotel: warning"'

# --- the endpoint without a scheme: _INSECURE=true is h2c ---
before=$(calls plain Trace OK)
check insecure_requests_answer grpc insecure OTEL_EXPORTER_OTLP_ENDPOINT="127.0.0.1:$GRPC_PORT" \
  OTEL_EXPORTER_OTLP_INSECURE=true "${spans_only[@]}"
check insecure_spans_arrive eventually eval '[ "$(calls plain Trace OK)" -gt '"$before"' ]'
stop_exporter

# --- gzip: grpc-encoding, and a compressed message the receiver inflates ---
grpc_receiver gz ok
check gzip_requests_answer grpc gzip OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$GRPC_PORT" \
  OTEL_EXPORTER_OTLP_COMPRESSION=gzip "${spans_only[@]}"
check gzip_spans_arrive eventually carried gz Trace "POST /notify"
check gzip_sent_compressed warned "TraceService/Export: [0-9]* bytes (gzip), gRPC OK"
stop_exporter
check gzip_no_warning eval '! warned "libotel: warning"'

# --- UNAVAILABLE twice, each with a RetryInfo of 1.5 s, then OK ---
grpc_receiver busy unavailable:2:1500
check unavailable_requests_answer grpc unavailable OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$GRPC_PORT" \
  OTEL_EXPORTER_OTLP_TIMEOUT=10000 "${spans_only[@]}"
check unavailable_then_ok eventually_within 10 carried busy Trace "POST /notify"
check unavailable_answers eq "$(jq -s -c '[.[0:3][] | .answer]' "$WORK/busy.calls")" \
  '["UNAVAILABLE","UNAVAILABLE","OK"]'
check unavailable_same_batch_again jq -s -e '.[0].items == .[1].items and .[1].items == .[2].items' \
  "$WORK/busy.calls" >/dev/null
# The backoff alone would wait 125 to 500 ms: 1.4 s and more is the RetryInfo.
check unavailable_retry_info_honoured jq -s -e '(.[1].t - .[0].t) >= 1.4 and (.[2].t - .[1].t) >= 1.4' \
  "$WORK/busy.calls" >/dev/null
check unavailable_retry_logged warned "gRPC UNAVAILABLE: warming up; attempt 2 again in 1500 ms"
stop_exporter
check unavailable_no_warning eval '! warned "libotel: warning"'

# --- RESOURCE_EXHAUSTED without a RetryInfo: rejected, not retried ---
grpc_receiver quota exhausted
check exhausted_requests_answer grpc exhausted OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$GRPC_PORT" \
  "${spans_only[@]}"
check exhausted_warned eventually warned \
  "TraceService/Export rejected: gRPC RESOURCE_EXHAUSTED: quota: 100% used"
sleep 1
check exhausted_not_retried eval '! warned "attempt 2 again"'
stop_exporter

# --- a partial success: accepted, and the rejection logged ---
grpc_receiver partly partial
check partial_requests_answer grpc partial OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$GRPC_PORT" \
  "${spans_only[@]}"
check partial_warned eventually warned "partially rejected: 1 items: one item refused"
stop_exporter
check partial_not_retried eval '! warned "attempt 2 again"'

# --- a receiver that never answers: requests unaffected, shutdown bounded ---
grpc_receiver silent hang
check silent_requests_answer grpc silent OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$GRPC_PORT" \
  OTEL_EXPORTER_OTLP_TIMEOUT=1000 "${spans_only[@]}"
check silent_call_made eventually eval '[ "$(calls silent Trace)" -ge 1 ]'
check silent_warned eventually warned "TraceService/Export failed: Timeout was reached"
stop_exporter
check silent_exits_cleanly eq "$STOP_RC" 0
check silent_shutdown_bounded test "$STOP_MS" -lt 6000

# --- TLS with a private CA ---
pki_ca grpc-ca && pki_ca other-ca && pki_leaf grpc-server grpc-ca 2
check certificates_made test -s "$PKI/grpc-server.crt"
grpc_receiver tls ok grpc-server
check tls_requests_answer grpc tls OTEL_EXPORTER_OTLP_ENDPOINT="https://127.0.0.1:$GRPC_PORT" \
  OTEL_EXPORTER_OTLP_CERTIFICATE="$PKI/grpc-ca.crt" OTEL_LOGS_EXPORTER=none OTEL_METRIC_EXPORT_INTERVAL=300
check tls_spans_arrive eventually carried tls Trace "POST /notify"
check tls_every_export_accepted eventually eval '[ "$(calls tls Metrics OK)" -ge 3 ] &&
  [ "$(calls tls Metrics)" = "$(calls tls Metrics OK)" ]'
stop_exporter
check tls_no_warning eval '! warned "libotel: warning"'
# Without a scheme and without _INSECURE, an endpoint is TLS.
before=$(calls tls Trace OK)
check tls_schemeless_requests_answer grpc tls-schemeless OTEL_EXPORTER_OTLP_ENDPOINT="127.0.0.1:$GRPC_PORT" \
  OTEL_EXPORTER_OTLP_CERTIFICATE="$PKI/grpc-ca.crt" "${spans_only[@]}"
check tls_schemeless_spans_arrive eventually eval '[ "$(calls tls Trace OK)" -gt '"$before"' ]'
stop_exporter
before=$(calls tls Trace)
check tls_wrong_ca_requests_answer grpc tls-wrong OTEL_EXPORTER_OTLP_ENDPOINT="https://127.0.0.1:$GRPC_PORT" \
  OTEL_EXPORTER_OTLP_CERTIFICATE="$PKI/other-ca.crt" "${spans_only[@]}"
check tls_wrong_ca_warned eventually warned "TraceService/Export failed: SSL peer certificate"
stop_exporter
check tls_wrong_ca_nothing_arrived eq "$(calls tls Trace)" "$before"

finish integration_grpc
