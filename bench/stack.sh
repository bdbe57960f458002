# shellcheck shell=bash
# make run's stack for the benchmarks: on free ports, its data in a fresh
# folder, its receiver counting only (RECEIVER_KEEP=count). Source it with TOP
# and BIN set; it makes WORK (removed at exit) and exports the ports.
source "$TOP/bench/settings.sh"
source "$TOP/scripts/lib/ports.sh"
source "$TOP/scripts/lib/wait.sh"

WORK=$(mktemp -d /tmp/bench.XXXXXX)
chmod 755 "$WORK"
export DATA_DIR=$WORK/data RECEIVER_KEEP=count BIN
ARTICLES_PORT=$(free_port) NOTIFY_PORT=$(free_port) RECEIVER_PORT=$(free_port) POSTGRES_PORT=$(free_port)
export ARTICLES_PORT NOTIFY_PORT RECEIVER_PORT POSTGRES_PORT
STACK=

# stack_start OUT [VAR=value ...]: starts the stack with those variables set,
# its output in OUT; returns once it is ready (1, with OUT shown, if it died).
stack_start() {
  local out=$1
  shift
  setsid env "$@" bash "$TOP/scripts/run-local.sh" </dev/null >"$out" 2>&1 &
  STACK=$!
  wait_for_line "$out" '^stack: ready' "$STACK"
}

# stack_stop: stops it (SIGTERM, as Ctrl-C would) and waits for the end.
stack_stop() {
  [ -n "$STACK" ] || return 0
  kill -TERM "$STACK" 2>/dev/null || true
  wait "$STACK" 2>/dev/null || true
  STACK=
}
# stack_wrk REQUEST SECONDS [MAX_ID]: wrk's closing JSON line for REQUEST
# (bench/wrk/articles.lua: post, or get over ids 1..MAX_ID) against articles.
stack_wrk() {
  BENCH_REQUEST=$1 BENCH_MAX_ID=${3:-1} wrk -t "$BENCH_THREADS" -c "$BENCH_CONNECTIONS" -d "${2}s" \
    -s "$TOP/bench/wrk/articles.lua" "http://127.0.0.1:$ARTICLES_PORT" | grep '^{"requests"'
}
trap 'stack_stop; rm -rf "$WORK"' EXIT
