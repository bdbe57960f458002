#!/usr/bin/env bash
# make bench, the notify modes: creates (POST /api/articles) against four
# stacks of make run side by side, telemetry on: NOTIFY_MODE=sync and
# NOTIFY_MODE=outbox, each with notify healthy and with notify hung (SIGSTOP:
# it accepts connections and never answers). The hung stacks are loaded
# until the sync one's breaker has opened, then all four in turn, a counted
# run each (BENCH_DURATION s), for NOTIFY_ROUNDS rounds (5), as bench/http.sh
# does. Prints one JSON line per run:
#   {"notify_mode","round","rps","p50_ms","p99_ms","non_2xx","socket_errors"}
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
source "$TOP/bench/stack.sh"
BENCH_ROUNDS=${NOTIFY_ROUNDS:-5}
STACKS=(sync sync_hung outbox outbox_hung)

stack_start sync
stack_start sync_hung
stack_start outbox NOTIFY_MODE=outbox
stack_start outbox_hung NOTIFY_MODE=outbox
for s in "${STACKS[@]}"; do
  stack_wrk "$s" post "$BENCH_WARMUP" >/dev/null
done
for s in sync_hung outbox_hung; do
  kill -STOP "$(stack_pid "$s" notify)"
done
# The breaker opens once five creates have waited out notify's 5 s timeout.
opened() { grep -q '"message":"notify breaker opened"' "$WORK/sync_hung/logs/articles.log"; }
for _ in 1 2 3; do
  opened && break
  stack_wrk sync_hung post 6 >/dev/null
done
opened || { echo "bench/notify.sh: the breaker did not open" >&2; exit 1; }
stack_wrk outbox_hung post "$BENCH_WARMUP" >/dev/null

stack_runs post "${STACKS[@]}" | jq -c '{notify_mode: .name, round, rps, p50_ms: (.p50_us / 1000),
  p99_ms: (.p99_us / 1000), non_2xx, socket_errors}'
for s in sync_hung outbox_hung; do
  kill -CONT "$(stack_pid "$s" notify)"
done
