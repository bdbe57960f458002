#!/usr/bin/env bash
# The local stack as a user meets it: `make run` started without a terminal,
# proven by scripts/test-api.sh and scripts/verify-collector.sh, stopped by
# Ctrl-C (SIGINT to its process group) and by SIGTERM, started again on the
# same data, and pointed at another collector with OTEL_EXPORTER_OTLP_ENDPOINT.
source "$(dirname "$0")/lib.sh"

export DATA_DIR=$WORK/data
ARTICLES_PORT=$(free_port) NOTIFY_PORT=$(free_port)
RECEIVER_PORT=$(free_port) POSTGRES_PORT=$(free_port)
export ARTICLES_PORT NOTIFY_PORT RECEIVER_PORT POSTGRES_PORT
export API_BASE_URL=http://127.0.0.1:$ARTICLES_PORT NOTIFY_BASE_URL=http://127.0.0.1:$NOTIFY_PORT
export OTEL_METRIC_EXPORT_INTERVAL=500 OTEL_BSP_SCHEDULE_DELAY=200 OTEL_BLRP_SCHEDULE_DELAY=200
STACK_PORTS=("$ARTICLES_PORT" "$NOTIFY_PORT" "$RECEIVER_PORT" "$POSTGRES_PORT")
OUT=$WORK/stack.out
STACK=

# stack_up [VAR=value...]: `make run` in a session of its own, no terminal;
# returns once it prints "stack: ready" (60 s at most).
stack_up() {
  : >"$OUT"
  BIN=$BIN setsid env --default-signal=INT "$@" make -s -C "$TOP" run </dev/null >>"$OUT" 2>&1 &
  STACK=$!
  wait_for_line "$OUT" '^stack: ready' "$STACK"
}

# stack_down SIGNAL WHO: SIGNAL to `make run` alone (WHO=make) or to its whole
# process group (WHO=group, as Ctrl-C does); sets STOP_MS, how long it took.
stack_down() {
  local t0=$EPOCHREALTIME
  if [ "$2" = group ]; then kill "-$1" -- "-$STACK"; else kill "-$1" "$STACK"; fi
  for _ in $(seq 300); do
    kill -0 "$STACK" 2>/dev/null || break
    sleep 0.05
  done
  wait "$STACK" 2>/dev/null
  STOP_MS=$(ms_since "$t0")
}

not() { ! "$@"; }

nothing_left() {
  local p
  for p in "${STACK_PORTS[@]}"; do
    not port_in_use "$p" || { echo "    port $p still bound" >&2; return 1; }
  done
  ! pg_is_up "$(realpath -m "$DATA_DIR/pg")" || { echo "    PostgreSQL still running" >&2; return 1; }
  ! pgrep -g "$STACK" >/dev/null || { pgrep -a -g "$STACK" >&2; return 1; }
}

# run_script NAME COMMAND...: a script that prints PASS/FAIL lines and
# "N passed, M failed"; its checks count in this suite's totals.
run_script() {
  local name=$1 out p f
  shift
  out=$("$@" 2>&1)
  local rc=$?
  if [[ $(tail -1 <<<"$out") =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
  else
    p=0 f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
    grep -v '^PASS' <<<"$out" | sed "s/^/  $name: /"
    [ "$f" -eq 0 ] && failed=$((failed + 1))
  fi
}

exported() { spans | grep -q "\"trace\":\"$1\""; }

no_sanitizer_report() { ! grep -l 'Sanitizer' "$DATA_DIR"/logs/*.log "$OUT"; }

stop_leftovers() {
  [ -n "$STACK" ] && kill -TERM "$STACK" 2>/dev/null && wait "$STACK" 2>/dev/null
  pg_is_up "$(realpath -m "$DATA_DIR/pg")" && pg_down "$(realpath -m "$DATA_DIR/pg")"
  [ -n "${OUTSIDE:-}" ] && rm -rf "$OUTSIDE"
  cleanup
}
trap stop_leftovers EXIT

# --- first run: a new cluster, both scripts, Ctrl-C ---
check stack_starts stack_up
check creates_the_cluster grep -q '^stack: creating a PostgreSQL cluster' "$OUT"
check prints_urls grep -q "articles   http://127.0.0.1:$ARTICLES_PORT/api/articles" "$OUT"
run_script test-api bash "$TOP/scripts/test-api.sh"
run_script verify-collector env POSTS=3 FLUSH_TIMEOUT=20 bash "$TOP/scripts/verify-collector.sh"
check receiver_prints_waterfalls grep -q '└─ notify SERVER POST /notify' "$OUT"

# verify-collector fails when the telemetry is not there.
mkdir -p "$WORK/empty/telemetry"
DATA_DIR=$WORK/empty FLUSH_TIMEOUT=1 POSTS=1 bash "$TOP/scripts/verify-collector.sh" >"$WORK/verify-empty.out"
check verify_exits_1_without_telemetry eq "$?" 1
check verify_reports_missing_spans grep -q "^FAIL each create's trace has spans" "$WORK/verify-empty.out"

request POST "$API_BASE_URL/api/articles" '{"title":"kept between runs","body":""}'
KEPT=$(jq -r .id <<<"$BODY")
stack_down INT group
echo "  Ctrl-C stopped the stack in $STOP_MS ms"
check ctrl_c_stops_within_5s test "$STOP_MS" -lt 5000
check ctrl_c_says_stopped eq "$(tail -1 "$OUT")" "stack: stopped"
check ctrl_c_leaves_nothing nothing_left
check no_sanitizer_report_1 no_sanitizer_report

# --- a port in use: a clear message, nothing started ---
start_sink
ARTICLES_PORT=$SINK_PORT bash "$TOP/scripts/run-local.sh" >"$WORK/busy.out" 2>&1 </dev/null
check busy_port_exits_1 eq "$?" 1
check busy_port_named grep -q "port $SINK_PORT (ARTICLES_PORT) is in use" "$WORK/busy.out"
check busy_port_starts_nothing nothing_left

# --- second run: the same data, another collector, SIGTERM ---
# Spans wait a minute in the queue, so only the flush at exit can deliver them.
check restarts stack_up OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" \
  OTEL_BSP_SCHEDULE_DELAY=60000
check reuses_the_cluster not grep -q "creating a PostgreSQL cluster" "$OUT"
check own_receiver_not_started not port_in_use "$RECEIVER_PORT"
check says_no_waterfall grep -q "^  telemetry  http://127.0.0.1:$SINK_PORT (OTEL_EXPORTER_OTLP_ENDPOINT: no receiver, so no waterfall here)$" "$OUT"
request GET "$API_BASE_URL/api/articles/$KEPT"
check data_kept_between_runs eq "$STATUS:$(jq -r .title <<<"$BODY")" "200:kept between runs"
TRACE=$(header X-Trace-Id)
stack_down TERM make
echo "  SIGTERM stopped the stack in $STOP_MS ms"
check sigterm_stops_within_5s test "$STOP_MS" -lt 5000
check sigterm_says_stopped eq "$(tail -1 "$OUT")" "stack: stopped"
check sigterm_leaves_nothing nothing_left
check spans_flushed_to_the_endpoint_at_exit exported "$TRACE"
check no_sanitizer_report_2 no_sanitizer_report

# --- as root, in a folder the postgres user cannot enter (a clone in /root) ---
if [ "$(id -u)" -eq 0 ]; then
  mkdir -m 700 "$WORK/private"
  DATA_DIR=$WORK/private/data
  OUTSIDE=/var/lib/postgresql/articles-$(printf %s "$DATA_DIR" | md5sum | cut -c1-12)
  check private_folder_starts stack_up
  check private_folder_says_where grep -q "the cluster lives in $OUTSIDE" "$OUT"
  check private_folder_links_the_cluster eq "$(readlink "$DATA_DIR/pg")" "$OUTSIDE"
  request POST "$API_BASE_URL/api/articles" '{"title":"in a private folder","body":""}'
  check private_folder_serves eq "$STATUS" 201
  stack_down TERM make
  check private_folder_leaves_nothing nothing_left
fi

finish stack
