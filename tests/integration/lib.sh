# shellcheck shell=bash disable=SC2034 # STATUS, BODY, ...: for the suites
# Shared by the integration suites: a private PostgreSQL cluster, the services
# as processes, HTTP helpers and assertions. Source it; call `finish` last.
# BIN names the folder with the service binaries (a build variant's bin/).

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
WORK=$(mktemp -d /tmp/articles-test.XXXXXX)
PORTS_TAKEN=$WORK/ports-taken # free_port never hands out a port twice
chmod 755 "$WORK"
PIDS=()
STATUS=
BODY=
source "$TOP/tests/support/assert.sh"
source "$TOP/scripts/lib/postgres.sh"

source "$TOP/scripts/lib/ports.sh"
source "$TOP/scripts/lib/wait.sh"

start_postgres() {
  PG_DIR="$WORK/pg"
  PG_PORT=$(free_port)
  pg_init "$PG_DIR" --no-sync && pg_start || return 1
  pg_as_owner createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres articles
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/articles"
}

pg_start() { pg_up "$PG_DIR" "$PG_PORT" -c fsync=off; }

# The database, migrated, and the services' ports: sets NP, AP (notify's and
# articles' ports), API and NOTIFY (their base URLs).
prepare_services() {
  start_postgres || return 1
  MIGRATIONS_DIR=$TOP/migrations "$BIN/articles" migrate up >/dev/null || return 1
  NP=$(free_port)
  AP=$(free_port)
  API=http://127.0.0.1:$AP/api
  NOTIFY=http://127.0.0.1:$NP
}
pg_stop() { pg_down "$PG_DIR"; }

psql_query() {
  pg_as_owner psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d articles -Atc "$1"
}

# start_service NAME VAR=value...: runs $BIN/NAME in the background with its
# output in $WORK/NAME.log; sets NAME_PID.
start_service() {
  local name=$1
  shift
  env "$@" "$BIN/$name" >>"$WORK/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  printf -v "${name}_PID" '%s' "$pid"
}

# Waits until URL answers 200 (10 s at most).
wait_http() {
  for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 0.1
  done
  echo "  $1 did not come up" >&2
  return 1
}

# request METHOD URL [BODY [CONTENT-TYPE]]: sets STATUS, BODY and HEADERS.
request() {
  local method=$1 url=$2 data=${3-} type=${4:-application/json}
  local args=(-s -X "$method" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}')
  [ $# -ge 3 ] && args+=(-H "Content-Type: $type" --data-binary "$data")
  STATUS=$(curl "${args[@]}" "$url")
  BODY=$(cat "$WORK/body")
  HEADERS=$(tr -d '\r' <"$WORK/headers")
}

# eventually_within SECONDS COMMAND...: COMMAND succeeds within SECONDS
# (tried every 0.1 s); eventually COMMAND...: within 5 s.
eventually_within() {
  local tries=$(($1 * 10))
  shift
  for _ in $(seq "$tries"); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}
eventually() { eventually_within 5 "$@"; }

# ms_since T0: whole milliseconds since T0, an $EPOCHREALTIME.
ms_since() { echo "($EPOCHREALTIME - $1) * 1000 / 1" | bc; }

# stop_timed PID: SIGTERM, and the wait for its end: sets STOP_RC (its exit
# code) and STOP_MS (how long it took).
stop_timed() {
  local t0=$EPOCHREALTIME
  kill -TERM "$1"
  wait "$1"
  STOP_RC=$?
  STOP_MS=$(ms_since "$t0")
}

header() { printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | head -1; }

cleanup() {
  for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "${PG_DIR:-}" ] && pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_sink [VAR=value...]: the receiver (receiver/) on a free port, writing
# $WORK/{traces,metrics,logs}.jsonl; sets SINK_PORT and SINK_PID. The output
# of an earlier receiver is emptied here, before the start: emptied by the
# child instead, it could still be read for the port.
start_sink() {
  : >"$WORK/receiver.out"
  env "$@" RECEIVER_PORT=0 RECEIVER_DIR="$WORK" "$BIN/receiver" >>"$WORK/receiver.out" 2>>"$WORK/receiver.log" &
  SINK_PID=$!
  PIDS+=("$SINK_PID")
  for _ in $(seq 50); do
    SINK_PORT=$(sed -n 's|^receiver: OTLP/HTTP on http://[0-9.]*:\([0-9]*\),.*|\1|p' "$WORK/receiver.out")
    [ -n "$SINK_PORT" ] && return 0
    sleep 0.1
  done
  return 1
}

# Every span received so far, one compact object per line:
# {svc, name, kind, trace, span, parent, state, status, attrs: {key: value}}
# (OTLP/JSON carries 64-bit integers as strings; they become numbers here).
spans() {
  [ -f "$WORK/traces.jsonl" ] || return 0
  jq -c '.resourceSpans[]
    | (.resource.attributes[] | select(.key == "service.name") | .value.stringValue) as $svc
    | .scopeSpans[].spans[]
    | {svc: $svc, name, kind, trace: .traceId, span: .spanId, parent: (.parentSpanId // ""),
       state: (.traceState // ""), status: (.status.code // 0),
       attrs: (reduce (.attributes // [])[] as $a ({}; .[$a.key] =
         ($a.value | to_entries[0] | if .key == "intValue" then (.value | tonumber) else .value end)))}' \
    "$WORK/traces.jsonl"
}

# The last exported value of a metric's data points, one compact object per
# point and export: {metric, kind, value (sum or count), start, time, buckets, bounds, attrs,
# exemplars: [{trace, span}]}.
metric_points() {
  [ -f "$WORK/metrics.jsonl" ] || return 0
  jq -c '.resourceMetrics[] | (.scopeMetrics // [])[] | (.metrics // [])[] | . as $m
    | ((.sum.dataPoints // []) | map(. + {kind: "sum", value: (.asInt | tonumber)}))
      + ((.histogram.dataPoints // []) | map(. + {kind: "histogram", value: (.count | tonumber)}))
      + ((.gauge.dataPoints // []) | map(. + {kind: "gauge", value: ((.asInt // .asDouble // 0) | tonumber)}))
    | .[] | {metric: $m.name, unit: $m.unit, kind, value, monotonic: ($m.sum.isMonotonic // false),
             temporality: (($m.sum // $m.histogram // {}).aggregationTemporality),
             start: .startTimeUnixNano, bounds: (.explicitBounds // []),
             exemplars: [(.exemplars // [])[] | {trace: .traceId, span: .spanId}],
             attrs: (reduce (.attributes // [])[] as $a ({}; .[$a.key] =
               ($a.value | to_entries[0] | if .key == "intValue" then (.value | tonumber) else .value end)))}' \
    "$WORK/metrics.jsonl"
}

# Certificates of a suite's own, made by openssl in $PKI:
#   pki_ca NAME             a self-signed CA, NAME.crt and NAME.key
#   pki_leaf NAME CA DAYS [EXTENSIONS]  a certificate for NAME signed by CA,
#                           for 127.0.0.1 unless EXTENSIONS say otherwise
#                           (DAYS 0: it expires within the second)
PKI=$WORK/pki
pki_ossl() { openssl "$@" >/dev/null 2>&1; }
pki_ca() {
  mkdir -p "$PKI" &&
    pki_ossl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/$1.key" -out "$PKI/$1.crt" -subj "/CN=$1" -days 2
}
pki_leaf() {
  pki_ossl req -newkey rsa:2048 -nodes -keyout "$PKI/$1.key" -out "$PKI/$1.csr" -subj "/CN=$1" &&
    printf '%s\n' "${4:-subjectAltName=IP:127.0.0.1}" >"$PKI/$1.ext" &&
    pki_ossl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.crt" -CAkey "$PKI/$2.key" -CAcreateserial \
      -out "$PKI/$1.crt" -days "$3" -extfile "$PKI/$1.ext"
}

# notify_exporter NAME VAR=value...: notify on a free port ($NP), exporting as
# the variables say, then three requests, each of which must answer 200 at
# once (under 500 ms): whatever the export meets, requests never wait on it.
# Its output goes to $WORK/notify.log, emptied first.
notify_exporter() {
  local name=$1
  shift
  NP=$(free_port)
  : >"$WORK/notify.log"
  start_service notify PORT="$NP" HOST=127.0.0.1 OTEL_BSP_SCHEDULE_DELAY=100 "$@"
  wait_http "http://127.0.0.1:$NP/health" || return 1
  local slowest=0 t
  for _ in 1 2 3; do
    t=$EPOCHREALTIME
    request POST "http://127.0.0.1:$NP/notify" '{"article_id":1,"title":"exported"}'
    [ "$STATUS" = 200 ] || { echo "    $name: notify answered $STATUS" >&2; return 1; }
    t=$(ms_since "$t")
    [ "$t" -gt "$slowest" ] && slowest=$t
  done
  [ "$slowest" -lt 500 ] || { echo "    $name: a request took $slowest ms" >&2; return 1; }
}
