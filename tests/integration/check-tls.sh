#!/usr/bin/env bash
# OTLP export over TLS, against a receiver that is not libotel's code
# (tls_receiver.py: Python's ssl over http.server) with certificates of the
# test's own, made by openssl: a private CA trusted through
# OTEL_EXPORTER_OTLP_CERTIFICATE, the wrong CA, mTLS with
# OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and _CLIENT_KEY, an expired server
# certificate, a per-signal variable over the general one, and a file that
# cannot be read. notify is the exporting program; its requests must never
# wait on any of it.
# shellcheck disable=SC2154 # NAME_PID variables are set by start_service
source "$(dirname "$0")/lib.sh"

# --- the certificates ---
pki=$PKI
pki_ca test-ca && pki_ca other-ca && pki_ca client-ca &&
  pki_leaf server test-ca 2 && pki_leaf expired test-ca 0 &&
  pki_leaf libotel-client client-ca 2 extendedKeyUsage=clientAuth
check certificates_made test -s "$pki/libotel-client.crt"
sleep 1 # the expired certificate's end (its start, to the second) is now past

# tls_receiver NAME CERT [CLIENT_CA]: starts one; sets TLS_PORT.
tls_receiver() {
  python3 "$TOP/tests/integration/tls_receiver.py" "$WORK/$1.port" "$pki/$2.crt" "$pki/$2.key" \
    "$WORK/$1.requests" ${3:+"$pki/$3.crt"} 2>>"$WORK/$1.log" &
  PIDS+=($!)
  for _ in $(seq 50); do [ -s "$WORK/$1.port" ] && break; sleep 0.1; done
  TLS_PORT=$(cat "$WORK/$1.port")
  : >>"$WORK/$1.requests"
}
traces_received() { grep -c '"path": "/v1/traces"' "$WORK/$1.requests"; }

# exporter NAME VAR=value...: notify exporting its spans to https://127.0.0.1:$TLS_PORT.
exporter() {
  local name=$1
  shift
  notify_exporter "$name" OTEL_EXPORTER_OTLP_ENDPOINT="https://127.0.0.1:$TLS_PORT" \
    OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none "$@"
}
stop_exporter() { stop_timed "$notify_PID"; }
warned() { grep -q "$1" "$WORK/notify.log"; }

# --- the private CA trusted: spans arrive ---
tls_receiver trusted server
check trusted_requests_answer exporter trusted OTEL_EXPORTER_OTLP_CERTIFICATE="$pki/test-ca.crt"
check trusted_ca_spans_arrive eventually eval '[ "$(traces_received trusted)" -ge 1 ]'
stop_exporter
check trusted_ca_no_warning eval '! warned "libotel: warning"'

# --- the signal's own variable wins over the general one ---
check signal_requests_answer exporter signal OTEL_EXPORTER_OTLP_CERTIFICATE="$pki/other-ca.crt" \
  OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE="$pki/test-ca.crt"
before=$(traces_received trusted)
check signal_certificate_wins eventually eval '[ "$(traces_received trusted)" -gt '"$before"' ]'
stop_exporter

# --- the wrong CA: refused, warned about and counted; requests unaffected ---
start_sink RECEIVER_FILTER=none
check wrong_ca_requests_answer exporter wrong OTEL_EXPORTER_OTLP_CERTIFICATE="$pki/other-ca.crt" \
  OTEL_METRICS_EXPORTER=otlp OTEL_EXPORTER_OTLP_METRICS_ENDPOINT="http://127.0.0.1:$SINK_PORT/v1/metrics" \
  OTEL_METRIC_EXPORT_INTERVAL=300
before=$(traces_received trusted)
check wrong_ca_warned eventually warned "export to https://127.0.0.1:$TLS_PORT/v1/traces failed: SSL peer certificate"
failed_exports() {
  metric_points | jq -s '[.[] | select(.metric == "otel.sdk.exporter.span.exported"
    and .attrs["error.type"] != null) | .value] | max // 0'
}
check wrong_ca_counted eventually eval '[ "$(failed_exports)" -ge 1 ]'
stop_exporter
check wrong_ca_nothing_arrived eq "$(traces_received trusted)" "$before"

# --- mTLS: the client certificate is presented ---
tls_receiver mtls server client-ca
check mtls_requests_answer exporter mtls OTEL_EXPORTER_OTLP_CERTIFICATE="$pki/test-ca.crt" \
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE="$pki/libotel-client.crt" \
  OTEL_EXPORTER_OTLP_CLIENT_KEY="$pki/libotel-client.key"
check mtls_spans_arrive eventually eval '[ "$(traces_received mtls)" -ge 1 ]'
check mtls_client_certificate_presented grep -q '"client": "libotel-client"' "$WORK/mtls.requests"
stop_exporter
# (Under TLS 1.3 the refusal comes after the handshake, as a failure to
# read the answer, which is retried: the export gives up at its timeout.)
check mtls_without_a_client_certificate_answers exporter mtls-none OTEL_EXPORTER_OTLP_CERTIFICATE="$pki/test-ca.crt" \
  OTEL_EXPORTER_OTLP_TIMEOUT=1500
before=$(traces_received mtls)
check mtls_without_a_client_certificate_warned eventually warned "export to https://127.0.0.1:$TLS_PORT/v1/traces failed"
stop_exporter
check mtls_without_a_client_certificate_refused eq "$(traces_received mtls)" "$before"

# --- an expired server certificate: refused ---
tls_receiver expired expired
check expired_requests_answer exporter expired OTEL_EXPORTER_OTLP_CERTIFICATE="$pki/test-ca.crt"
check expired_warned eventually warned "export to https://127.0.0.1:$TLS_PORT/v1/traces failed: SSL peer certificate"
stop_exporter
check expired_nothing_arrived eq "$(traces_received expired)" 0

# --- a file that cannot be read: one warning naming the variable; the host goes on ---
tls_receiver unreadable server
check unreadable_requests_answer exporter unreadable OTEL_EXPORTER_OTLP_CERTIFICATE="$WORK/no-such.pem"
stop_exporter
check unreadable_warned_once eq "$(grep -c 'OTEL_EXPORTER_OTLP_CERTIFICATE=.* cannot be read' "$WORK/notify.log")" 1
check unreadable_exits_cleanly eq "$STOP_RC" 0
check unreadable_spans_arrive_with_the_system_cas_refused eq "$(traces_received unreadable)" 0

finish integration_tls
