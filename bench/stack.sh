# shellcheck shell=bash
# make run's stack for the benchmarks, as many at once as a comparison needs:
# each on free ports, its data in a folder of its own, its receiver counting
# only (RECEIVER_KEEP=count). Source it with TOP and BIN set; it makes WORK
# (removed at exit, with every stack stopped).
#
# Stacks that are compared run side by side and are loaded in turn, a short
# run each, so that the machine's speed, which drifts from minute to minute,
# touches them alike (stack_runs); an idle stack costs next to nothing
# (20 ms of CPU in 20 s, measured).
source "$TOP/bench/settings.sh"
source "$TOP/scripts/lib/ports.sh"
source "$TOP/scripts/lib/postgres.sh"
source "$TOP/scripts/lib/wait.sh"

WORK=$(mktemp -d /tmp/bench.XXXXXX)
chmod 755 "$WORK"
export RECEIVER_KEEP=count BIN
declare -A STACK_PID=() STACK_ARTICLES=() STACK_NOTIFY=() STACK_POSTGRES=() STACK_OUT=()
TAKEN_PORTS=" "

# A free port that no stack of this run has been given yet (a stack's ports
# are free until its servers bind them).
new_port() {
  local p
  while p=$(free_port) && [[ $TAKEN_PORTS == *" $p "* ]]; do :; done
  TAKEN_PORTS+="$p "
  echo "$p"
}

# stack_start NAME [VAR=value ...]: starts a stack called NAME with those
# variables set; returns once it is ready (1, with its output shown, if it
# died). Its ports are then in ARTICLES_PORT, NOTIFY_PORT, RECEIVER_PORT and
# POSTGRES_PORT, its output in $WORK/NAME.out.
stack_start() {
  local name=$1
  shift
  ARTICLES_PORT=$(new_port) NOTIFY_PORT=$(new_port) RECEIVER_PORT=$(new_port) POSTGRES_PORT=$(new_port)
  export ARTICLES_PORT NOTIFY_PORT RECEIVER_PORT POSTGRES_PORT
  STACK_OUT[$name]=$WORK/$name.out
  : >"${STACK_OUT[$name]}" # here, not in the child: an earlier "ready" must not be read
  setsid env DATA_DIR="$WORK/$name" "$@" bash "$TOP/scripts/run-local.sh" </dev/null \
    >>"${STACK_OUT[$name]}" 2>&1 &
  STACK_PID[$name]=$!
  STACK_ARTICLES[$name]=$ARTICLES_PORT
  STACK_NOTIFY[$name]=$NOTIFY_PORT
  STACK_POSTGRES[$name]=$POSTGRES_PORT
  wait_for_line "${STACK_OUT[$name]}" '^stack: ready' "${STACK_PID[$name]}"
}

# stack_stop [NAME]: stops that stack, or every one (SIGTERM, as Ctrl-C
# would), and waits for the end.
stack_stop() {
  local name names=("$@")
  [ $# -gt 0 ] || names=("${!STACK_PID[@]}")
  for name in "${names[@]}"; do
    kill -TERM "${STACK_PID[$name]}" 2>/dev/null || true
    wait "${STACK_PID[$name]}" 2>/dev/null || true
    unset "STACK_PID[$name]"
  done
}
trap 'stack_stop; rm -rf "$WORK"' EXIT

# stack_pid NAME SERVICE: the pid of the stack's articles, notify or
# postgres (its postmaster).
stack_pid() {
  local port=${STACK_ARTICLES[$1]}
  [ "$2" = notify ] && port=${STACK_NOTIFY[$1]}
  [ "$2" = postgres ] && port=${STACK_POSTGRES[$1]}
  ss -Hltnp "( sport = :$port )" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

# stack_cpu_ticks NAME: the CPU time (user and system, in clock ticks) the
# stack's articles, notify and PostgreSQL have used so far: "articles
# notify postgres". PostgreSQL's is its postmaster's, its living
# backends' and its ended ones' (counted into the postmaster's children's
# time once reaped).
# (in /proc/PID/stat the second field, the command's name, holds no space
# for these three)
stack_cpu_ticks() {
  local postmaster children
  postmaster=$(stack_pid "$1" postgres)
  children=$(pgrep -P "$postmaster" | sed 's|.*|/proc/&/stat|' | paste -sd' ')
  echo "$(proc_ticks "$(stack_pid "$1" articles)")" "$(proc_ticks "$(stack_pid "$1" notify)")" \
    "$(awk 'FNR == 1 && NR == 1 {t += $16 + $17} FNR == 1 {t += $14 + $15} END {print t}' \
      "/proc/$postmaster/stat" $children 2>/dev/null)"
}
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# stack_wrk NAME REQUEST SECONDS [MAX_ID]: wrk's closing JSON line for
# REQUEST (bench/wrk/articles.lua: post, or get over ids 1..MAX_ID) against
# the stack's articles.
stack_wrk() {
  BENCH_REQUEST=$2 BENCH_MAX_ID=${4:-1} wrk -t "$BENCH_THREADS" -c "$BENCH_CONNECTIONS" -d "${3}s" \
    -s "$TOP/bench/wrk/articles.lua" "http://127.0.0.1:${STACK_ARTICLES[$1]}" | grep '^{"requests"'
}

# stack_rows NAME: how many articles the stack holds (the ids a GET picks from).
stack_rows() {
  curl -s "http://127.0.0.1:${STACK_ARTICLES[$1]}/api/articles?limit=1" | jq .total
}

# stack_wal_flushes NAME: the WAL flushes its PostgreSQL has made so far.
stack_wal_flushes() {
  "$PG_BIN/psql" -h 127.0.0.1 -p "${STACK_POSTGRES[$1]}" -U postgres \
    -d articles -Atc 'SELECT wal_sync FROM pg_stat_wal'
}

# machine_ticks: the machine's CPU time so far, all cores, in clock ticks:
# idle, idle waiting on the disk (iowait), and in all; and the interrupts
# it has taken: "idle iowait total interrupts".
machine_ticks() {
  awk '/^cpu / {for (i = 2; i <= 9; i++) total += $i; idle = $5; iowait = $6}
       /^intr / {intr = $2} END {print idle, iowait, total, intr}' /proc/stat
}

# stack_runs REQUEST NAME...: BENCH_ROUNDS rounds; in each, a counted run
# (BENCH_DURATION s, after 1 s uncounted) of REQUEST against each named
# stack in turn, the first moving on by one each round (warm the stacks up
# first). A JSON line per run: wrk's figures with "name", "round",
# "request", "rps", "wal_flushes" (per request), the CPU time per
# request of the stack's articles, notify and PostgreSQL
# ("articles_cpu_us", "notify_cpu_us", "postgres_cpu_us"), and the
# machine's "idle_pct" and "iowait_pct" (of its cores' time, while loaded)
# and "interrupts_per_s" added. A machine with work waiting leaves no core
# idle but while commits wait on the disk (iowait), so idle time in a run
# is time the virtual machine's cores were not running.
stack_runs() {
  local request=$1 round i n max
  shift
  local names=("$@")
  for round in $(seq "$BENCH_ROUNDS"); do
    for ((i = 0; i < ${#names[@]}; i++)); do
      n=${names[$(((i + round - 1) % ${#names[@]}))]}
      max=1
      [ "$request" = get ] && max=$(stack_rows "$n")
      local before out idle0 iowait0 total0 intr0 idle1 iowait1 total1 intr1 a0 n0 p0 a1 n1 p1
      stack_wrk "$n" "$request" 1 "$max" >/dev/null # caches warm again after the others' runs
      before=$(stack_wal_flushes "$n")
      read -r idle0 iowait0 total0 intr0 < <(machine_ticks)
      read -r a0 n0 p0 < <(stack_cpu_ticks "$n")
      out=$(stack_wrk "$n" "$request" "$BENCH_DURATION" "$max")
      read -r a1 n1 p1 < <(stack_cpu_ticks "$n")
      read -r idle1 iowait1 total1 intr1 < <(machine_ticks)
      jq -c --arg name "$n" --argjson round "$round" --arg request "$request" \
        --argjson flushes $(($(stack_wal_flushes "$n") - before)) \
        --argjson idle $((idle1 - idle0)) --argjson iowait $((iowait1 - iowait0)) \
        --argjson total $((total1 - total0)) --argjson intr $((intr1 - intr0)) \
        --argjson cpu "[$((a1 - a0)), $((n1 - n0)), $((p1 - p0))]" --argjson hz "$(getconf CLK_TCK)" \
        '. + {name: $name, round: $round, request: $request,
              rps: (.requests / (.duration_us / 1e6) | floor),
              wal_flushes: ($flushes / .requests * 100 | round / 100),
              idle_pct: ($idle / $total * 1000 | round / 10),
              iowait_pct: ($iowait / $total * 1000 | round / 10),
              interrupts_per_s: ($intr / (.duration_us / 1e6) | floor),
              articles_cpu_us: ($cpu[0] / $hz * 1e7 / .requests | round / 10),
              notify_cpu_us: ($cpu[1] / $hz * 1e7 / .requests | round / 10),
              postgres_cpu_us: ($cpu[2] / $hz * 1e7 / .requests | round / 10)}' <<<"$out"
    done
  done
}
