# shellcheck shell=bash
# Instructions per request of a server, under valgrind --tool=callgrind:
# steadier than times on a shared machine. Source it with WORK set.
#
# instructions_per_request PORT READY_PATH WRK_SCRIPT [VAR=value ...] -- PROGRAM [ARGS...]
# runs PROGRAM (with those variables) under callgrind, waits until
# READY_PATH answers on 127.0.0.1:PORT, loads it with wrk (1 thread, 4
# connections, WRK_SCRIPT, which reads its request from the environment
# and ends with its JSON line) for 2 s, then again from a fresh start for
# 6 s: the difference between the two runs' instructions, divided by the
# difference in requests, leaves start-up and shutdown out.
# Timing-dependent loops (a server's polling, an export thread's waits)
# move a figure by a few hundred instructions from run to run, so it does
# this BENCH_INSTRUCTION_RUNS (3) times and prints the median, then each:
#   9778 per request (runs: 9778 9801 9650)
instructions_per_request() {
  local port=$1 ready=$2 script=$3 each=() n1 i1 n2 i2
  shift 3
  for _ in $(seq "${BENCH_INSTRUCTION_RUNS:-3}"); do
    read -r n1 i1 < <(callgrind_run "$port" "$ready" "$script" 2 "$@")
    read -r n2 i2 < <(callgrind_run "$port" "$ready" "$script" 6 "$@")
    each+=($(((i2 - i1) / (n2 - n1))))
  done
  echo "$(printf '%s\n' "${each[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')" \
    "per request (runs: ${each[*]})"
}

# callgrind_run PORT READY_PATH WRK_SCRIPT SECONDS [VAR=value ...] -- PROGRAM [ARGS...]:
# one such run, "requests instructions".
callgrind_run() {
  local port=$1 ready=$2 script=$3 seconds=$4 vars=() out=$WORK/callgrind.out pid requests
  shift 4
  while [ "$1" != -- ]; do
    vars+=("$1")
    shift
  done
  shift
  env "${vars[@]}" valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port$ready" >/dev/null && break
    sleep 0.1
  done
  requests=$(wrk -t1 -c4 -d"${seconds}s" -s "$script" "http://127.0.0.1:$port" |
    grep '^{"requests"' | jq .requests)
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$requests $(callgrind_annotate "$out" 2>/dev/null |
    sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)"
}
