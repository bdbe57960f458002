#!/usr/bin/env bash
# make bench: the libotel microbenchmarks, then the services under wrk
# (bench/http.sh), written up as bench/results.md with the machine, the
# versions, the command and each figure against its target.
# BENCH_FROM=FILE writes it up from http.sh's lines saved in FILE instead of
# running the load again.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$TOP/build/release
OUT=${BENCH_RESULTS:-$TOP/bench/results.md}
source "$TOP/bench/settings.sh"
WORK=$(mktemp -d /tmp/bench-results.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

echo "bench: libotel microbenchmarks"
for b in "$BUILD"/bench/bench_*; do
  [ -x "$b" ] || continue
  OTEL_METRICS_EXPORTER=none "$b" | tee -a "$WORK/micro.txt"
done

if [ -n "${BENCH_FROM:-}" ]; then
  grep '^instructions:' "$BENCH_FROM" >"$WORK/instructions.txt" || true
else
  echo "bench: instructions per request, telemetry on and off (bench/instructions.sh, about 4 minutes)"
  bash "$TOP/bench/instructions.sh" | tee "$WORK/instructions.txt"
fi

if [ -n "${BENCH_FROM:-}" ]; then
  grep '^{"instrument"' "$BENCH_FROM" >"$WORK/instrument.jsonl" || true
else
  echo "bench: otel-instrument's cost (bench/instrument.sh, about 5 minutes)"
  bash "$TOP/bench/instrument.sh" | tee "$WORK/instrument.out"
  grep '^instructions:' "$WORK/instrument.out" >>"$WORK/instructions.txt"
  grep '^{"instrument"' "$WORK/instrument.out" >"$WORK/instrument.jsonl"
fi

if [ -n "${BENCH_FROM:-}" ]; then
  grep '^{"mode"' "$BENCH_FROM" >"$WORK/http.jsonl"
  grep '^{"scale"' "$BENCH_FROM" >"$WORK/scale.jsonl" || true
  grep '^{"notify_mode"' "$BENCH_FROM" >"$WORK/notify.jsonl" || true
else
  echo "bench: the machine's scale: PostgreSQL alone, a bare libmicrohttpd server (about a minute)"
  bash "$TOP/bench/scale.sh" | tee "$WORK/scale.jsonl"
  echo "bench: the services under wrk (about 7 minutes)"
  bash "$TOP/bench/http.sh" | tee "$WORK/http.jsonl"
  echo "bench: creates in both notify modes, notify healthy and hung (about 3 minutes)"
  bash "$TOP/bench/notify.sh" | tee "$WORK/notify.jsonl"
fi
# The soak (bench/soak.sh): its verdict is make bench's exit status, once
# the results are written.
soak_ok=true
if [ -n "${BENCH_FROM:-}" ]; then
  grep -E '^\{"(soak|verdict)"' "$BENCH_FROM" >"$WORK/soak.jsonl" || true
else
  echo "bench: the soak, creates for ${SOAK_SECONDS:-300} s (bench/soak.sh)"
  bash "$TOP/bench/soak.sh" | tee "$WORK/soak.jsonl" || soak_ok=false
fi

# Under GET load the machine leaves no core idle: a GET run in which it
# left this share of its cores' time idle or more is one the virtual
# machine stalled in. (Creates wait on the disk and on notify, so even a
# good POST run leaves a few percent idle; stalls are not told apart there.)
STALL_IDLE_PCT=5

# Per request and mode: the median of the rounds' throughput, latencies and
# machine idle time, how many runs stalled, the highest peak RSS.
summary=$(jq -s --argjson stall "$STALL_IDLE_PCT" 'def median: sort | (.[(length - 1) / 2 | floor] + .[length / 2 | floor]) / 2;
  group_by([.request, .mode]) | map({
    request: .[0].request, mode: .[0].mode, rounds: length,
    rps: (map(.rps) | median | floor), p50_ms: (map(.p50_ms) | median), p99_ms: (map(.p99_ms) | median),
    idle_pct: (map(.idle_pct // empty) | if length > 0 then median * 10 | round / 10 else null end),
    iowait_pct: (map(.iowait_pct // empty) | if length > 0 then median * 10 | round / 10 else null end),
    stalled: (map(select((.idle_pct // 0) >= $stall)) | length),
    failed: (map(.non_2xx + .socket_errors) | add),
    articles_mb: (map(.articles_rss_kb) | max / 1024),
    notify_mb: (map(.notify_rss_kb) | max / 1024)})' "$WORK/http.jsonl")
pick() { jq -r --arg r "$1" --arg m "$2" ".[] | select(.request == \$r and .mode == \$m) | .$3" <<<"$summary"; }
# ratios REQUEST A B [FIELD]: each round's throughput (or FIELD) in mode A
# over mode B's, "0.91 0.87 0.95".
ratios() {
  jq -s -r --arg r "$1" --arg a "$2" --arg b "$3" --arg f "${4:-rps}" '[.[] | select(.request == $r)] | group_by(.round)
    | map((map(select(.mode == $a)) | .[0][$f]) / (map(select(.mode == $b)) | .[0][$f]) * 100
      | round / 100) | map(tostring) | join(" ")' "$WORK/http.jsonl"
}
# ratio REQUEST A B [FIELD]: the median of those, then the rounds' own: "0.91 (0.87, 0.91, 0.95)".
ratio() {
  local each
  each=$(ratios "$@")
  jq -n -r --arg each "$each" '$each | split(" ") | map(tonumber) as $v | ($v | sort) as $s
    | "\((($s[($s | length - 1) / 2 | floor] + $s[($s | length) / 2 | floor]) / 2 * 100 | round / 100)) (\($v | map(tostring) | join(", ")))"'
}
ratio_value() { echo "${1%% *}"; }
# calm_ratio REQUEST A B: the median of the ratios of the rounds in which
# neither run stalled, and how many those were: "0.93 over 6 rounds".
calm_ratio() {
  jq -s -r --arg r "$1" --arg a "$2" --arg b "$3" --argjson stall "$STALL_IDLE_PCT" '
    [.[] | select(.request == $r)] | group_by(.round)
    | map(select(all(.[]; .mode != $a and .mode != $b or (.idle_pct != null and .idle_pct < $stall)))
      | (map(select(.mode == $a)) | .[0].rps) / (map(select(.mode == $b)) | .[0].rps))
    | sort | length as $n
    | if $n == 0 then "none of the rounds"
      else "\(((.[($n - 1) / 2 | floor] + .[$n / 2 | floor]) / 2 * 100 | round / 100)) over \($n) rounds" end' \
    "$WORK/http.jsonl"
}
# idle REQUEST MODE: "0.4%, iowait 0%, 2 stalled" (stalls for GET only), or
# "n/a" for runs saved before it was measured.
idle() {
  local pct iowait stalled=
  pct=$(pick "$1" "$2" idle_pct) iowait=$(pick "$1" "$2" iowait_pct)
  [ "$1" = get ] && stalled=", $(pick "$1" "$2" stalled) stalled"
  if [ "$pct" = null ]; then
    echo n/a
  elif [ "$iowait" = null ]; then
    echo "$pct%$stalled"
  else
    echo "$pct%, iowait $iowait%$stalled"
  fi
}
p99() { printf '%.2f' "$(pick "$1" "$2" p99_ms)"; }
verdict() { if jq -e -n "$1" >/dev/null; then echo met; else echo "**missed**"; fi; }
fmt() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }

post_rps=$(pick post on rps) get_rps=$(pick get on rps)
post_ratio=$(ratio post on off) get_ratio=$(ratio get on off)
post_p99_ratio=$(ratio post on off p99_ms) get_p99_ratio=$(ratio get on off p99_ms)
# instructions REQUEST MODE: bench/instructions.sh's figure ("" when not measured).
instructions() { awk -v r="$1" -v m="$2" '$2 == r && $3 == m { print $4 }' "$WORK/instructions.txt"; }
# telemetry REQUEST: instructions per request, on minus off.
telemetry() {
  local on off
  on=$(instructions "$1" on) off=$(instructions "$1" off)
  if [ -n "$on" ] && [ -n "$off" ]; then echo $((on - off)); fi
}
# cpu_share REQUEST: telemetry's share of articles' CPU time per request,
# each round's (on - off) / on in percent, then their median, then the
# rounds' own: "13.8 (12.1, 15, ...)"; "" when not measured.
cpu_share() {
  jq -s -r --arg r "$1" '[.[] | select(.request == $r and .articles_cpu_us != null)] | group_by(.round)
    | map((map(select(.mode == "on")) | .[0].articles_cpu_us) as $on
      | (map(select(.mode == "off")) | .[0].articles_cpu_us) as $off
      | select($on != null and $off != null and $on > 0) | ($on - $off) / $on * 1000 | round / 10)
    | if length == 0 then "" else (sort as $s | ($s[(length - 1) / 2 | floor] + $s[length / 2 | floor]) / 2
      | . * 10 | round / 10 | tostring) + " (" + (map(tostring) | join(", ")) + ")" end' "$WORK/http.jsonl"
}
# micro LABEL: the median (ns) of the microbenchmark row that starts with LABEL.
micro() { awk -v l="$1" 'index($0, l) == 1 { for (i = 1; i < NF; i++) if ($i == "median") { print $(i + 1); exit } }' "$WORK/micro.txt"; }
encode_rate=$(awk '/^protobuf \+ gzip/ { print $4; exit }' "$WORK/micro.txt")
post_down=$(ratio post down on) get_down=$(ratio get down on)
# peak_mb MODE SERVICE: the highest peak RSS in MB over both requests.
peak_mb() { jq --arg m "$1" "[.[] | select(.mode == \$m) | .$2_mb] | max * 10 | round / 10" <<<"$summary"; }
rss_a=$(peak_mb on articles) rss_n=$(peak_mb on notify)
rounds=$(jq '.[0].rounds' <<<"$summary")
# scale NAME: what that part of the machine does alone, per second (empty if not measured).
scale() { jq -r --arg s "$1" 'select(.scale == $s) | .rate' "$WORK/scale.jsonl"; }
# share A B: A as a fraction of B, "0.35".
share() { jq -n "$1 / $2 * 100 | round / 100"; }

{
  echo "# Benchmark results"
  echo
  echo "Written by \`make bench\` (\`bench/results.sh\`) on $(date -u +%Y-%m-%d)."
  echo
  echo "- Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
    "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r)"
  echo "- Versions: $(gcc --version | head -1); libmicrohttpd $(dpkg-query -W -f='${Version}' libmicrohttpd12);" \
    "libpq $(dpkg-query -W -f='${Version}' libpq5); PostgreSQL $(dpkg-query -W -f='${Version}' postgresql-15);" \
    "libcurl $(dpkg-query -W -f='${Version}' libcurl4); wrk $(dpkg-query -W -f='${Version}' wrk)"
  echo "- Load: wrk on the same machine, loopback, $BENCH_THREADS threads, $BENCH_CONNECTIONS" \
    "connections. Three stacks of make run side by side (PostgreSQL with fsync on, both services" \
    "with their defaults, the OTLP receiver counting only): telemetry on (\`on\`), on with nothing" \
    "listening at the endpoint (\`down\`), \`OTEL_SDK_DISABLED=true\` (\`off\`). Each warmed up" \
    "for $BENCH_WARMUP s, then loaded in turn, one at a time, for $rounds rounds of a counted" \
    "$BENCH_DURATION s run (after 1 s uncounted), the first moving on by one each round:" \
    "\`POST /api/articles\`, then \`GET /api/articles/{id}\` over the ids created. Medians over" \
    "the rounds, the highest peak RSS (VmHWM); ratios between modes are each round's, then their median." \
    "Machine idle: the share of the cores' time left idle during a counted run, and apart from it" \
    "the share idle waiting on the disk (iowait), medians over the rounds. Under GET load the" \
    "machine leaves no core idle, so a GET run with $STALL_IDLE_PCT% or more idle is counted as one" \
    "the virtual machine stalled in (docs/performance.md, \"Why side by side, in rounds, with medians\"); creates" \
    "wait on the disk and on notify, and leave a few percent idle in any run."
  echo
  echo "| request | telemetry | req/s | p50 | p99 | failed | machine idle | articles peak RSS | notify peak RSS |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for r in post get; do
    for m in on down off; do
      path=$([ "$r" = post ] && echo 'POST /api/articles' || echo 'GET /api/articles/{id}')
      printf '| `%s` | %s | %s | %.2f ms | %.2f ms | %s | %s | %.1f MB | %.1f MB |\n' "$path" "$m" \
        "$(fmt "$(pick "$r" "$m" rps)")" "$(pick "$r" "$m" p50_ms)" "$(pick "$r" "$m" p99_ms)" \
        "$(pick "$r" "$m" failed)" "$(idle "$r" "$m")" "$(pick "$r" "$m" articles_mb)" \
        "$(pick "$r" "$m" notify_mb)"
    done
  done
  echo
  echo "| target (telemetry on) | measured | |"
  echo "|---|---|---|"
  echo "| \`POST\` ≥ 5,000 req/s | $(fmt "$post_rps") | $(verdict "$post_rps >= 5000") |"
  echo "| \`GET\` ≥ 20,000 req/s | $(fmt "$get_rps") | $(verdict "$get_rps >= 20000") |"
  echo "| collector down: throughput ≥ 0.9 of collector up | POST $post_down, GET $get_down | $(verdict "$(ratio_value "$post_down") >= 0.9 and $(ratio_value "$get_down") >= 0.9") |"
  echo "| collector down: p99 | POST $(p99 post down) ms (up: $(p99 post on)), GET $(p99 get down) ms (up: $(p99 get on)) | |"
  echo "| peak RSS < 20 MB per service | articles $rss_a MB, notify $rss_n MB | $(verdict "$rss_a < 20 and $rss_n < 20") |"
  echo "| collector down: peak RSS (queues full, bounded by their sizes) | articles $(peak_mb down articles) MB, notify $(peak_mb down notify) MB | |"
  echo
  echo "## Telemetry's cost"
  echo
  echo "Its targets: telemetry on against \`OTEL_SDK_DISABLED=true\`, in this run. Instructions per" \
    "request are counted under callgrind by \`make bench-instructions\` (\`bench/instructions.sh\`)," \
    "on minus off (each the median of three runs), both threads of the service included. The CPU" \
    "share is articles' CPU time per request from /proc, (on - off) / on in each round, then the" \
    "median. The nanoseconds and spans per second are the microbenchmarks' (below)."
  echo
  echo "| measure | measured | target | |"
  echo "|---|---|---|---|"
  # instruction_row REQUEST WHAT TARGET: a row when both modes were counted.
  instruction_row() {
    local n
    n=$(telemetry "$1")
    [ -n "$n" ] || return 0
    echo "| telemetry instructions per $2 | $(fmt "$n") (on $(fmt "$(instructions "$1" on)"), off $(fmt "$(instructions "$1" off)")) | ≤ $(fmt "$3") | $(verdict "$n <= $3") |"
  }
  instruction_row GET "GET (articles)" 7000
  instruction_row NOTIFICATION "notification (notify)" 7000
  instruction_row POST "create (articles)" 15000
  for r in get post; do
    share=$(cpu_share "$r")
    [ -n "$share" ] || continue
    echo "| telemetry's share of articles' CPU per $([ "$r" = get ] && echo GET || echo create), % | $share | ≤ 10 | $(verdict "${share%% *} <= 10") |"
  done
  span_ns=$(micro "sampled, queued for export") span_literal_ns=$(micro "sampled, literal keys")
  echo "| span start + 6 attributes + end, median | $span_ns ns (literal keys: $span_literal_ns ns) | ≤ 200 ns | $(verdict "$span_ns <= 200") |"
  echo "| encode protobuf + gzip, spans per second per core | $(fmt "$encode_rate") | ≥ 1,500,000 | $(verdict "$encode_rate >= 1500000") |"
  echo "| peak RSS per service, telemetry on | articles $rss_a MB, notify $rss_n MB | < 20 MB | $(verdict "$rss_a < 20 and $rss_n < 20") |"
  echo
  echo "For information (on this 2-core VM the machine's stalls, not the code, move these most):"
  echo
  echo "| measure | measured |"
  echo "|---|---|"
  echo "| throughput on/off, POST | $post_ratio |"
  echo "| throughput on/off, GET | $get_ratio |"
  echo "| throughput on/off, GET, the rounds in which neither run stalled | $(calm_ratio get on off) |"
  echo "| p99 on/off, POST | $post_p99_ratio |"
  echo "| p99 on/off, GET | $get_p99_ratio |"
  echo "| counter add, 1 thread, unbound with 2 attributes / bound | $(micro "counter add         1 thread") / $(micro "bound counter add   1 thread") ns |"
  echo "| histogram record, 1 thread, unbound (4 attributes) / bound | $(micro "histogram record    1 thread") / $(micro "bound histogram     1 thread") ns |"
  echo "| span with the SDK off, OTEL_SPAN_SET_* / otel_span_set_str and _int | $(micro "SDK off, literal keys") / $(micro "SDK off (after shutdown)") ns |"
  if [ -s "$WORK/instrument.jsonl" ]; then
    # instrument_cpu NAME: its median CPU per request (µs); instrument_cpu A B:
    # each round's A minus B, their median, then the rounds' own.
    instrument_cpu() {
      jq -s -r --arg a "$1" --arg b "${2:-}" 'def median: sort | (.[(length - 1) / 2 | floor] + .[length / 2 | floor]) / 2;
        if $b == "" then map(select(.instrument == $a) | .cpu_us) | median * 10 | round / 10
        else group_by(.round) | map((map(select(.instrument == $a)) | .[0].cpu_us)
          - (map(select(.instrument == $b)) | .[0].cpu_us) | . * 10 | round / 10)
          | "\(median * 10 | round / 10) (\(map(tostring) | join(", ")))" end' "$WORK/instrument.jsonl"
    }
    plain_i=$(instructions ITEMS plain) preloaded_i=$(instructions ITEMS preloaded)
    preloaded_cost=$((preloaded_i - plain_i)) handwritten_cost=$(telemetry GET)
    preloaded_cpu=$(instrument_cpu preloaded plain) handwritten_cpu=$(instrument_cpu articles_on articles_off)
    echo
    echo "## otel-instrument"
    echo
    echo "The plain example (\`examples/plain_server.c\`, not one line of telemetry) answering" \
      "\`GET /items/{id}\` with one \`SELECT\` through libpq, as it is and under \`otel-instrument\`," \
      "beside articles answering \`GET /api/articles/{id}\` with one \`SELECT\` through its" \
      "hand-written integrations, telemetry off and on (\`bench/instrument.sh\`, \`make bench-instrument\`)." \
      "Each request makes the same two spans (server and database) and their two duration points." \
      "CPU per request: the four servers loaded in turn by wrk as above, for" \
      "$(jq -s 'map(.round) | max' "$WORK/instrument.jsonl") rounds, medians; telemetry's share" \
      "is each round's difference, then their median. Instructions under callgrind, medians of three runs."
    echo
    echo "| server | CPU per request | instructions per request |"
    echo "|---|---|---|"
    echo "| plain example | $(instrument_cpu plain) µs | $(fmt "$plain_i") |"
    echo "| plain example under \`otel-instrument\` | $(instrument_cpu preloaded) µs | $(fmt "$preloaded_i") |"
    echo "| articles, \`OTEL_SDK_DISABLED=true\` | $(instrument_cpu articles_off) µs | $(fmt "$(instructions GET off)") |"
    echo "| articles, hand-written integrations | $(instrument_cpu articles_on) µs | $(fmt "$(instructions GET on)") |"
    echo
    echo "| telemetry's cost per request | preloaded | hand-written | preloaded ≤ hand-written |"
    echo "|---|---|---|---|"
    echo "| instructions | $(fmt "$preloaded_cost") | $(fmt "$handwritten_cost") | $(verdict "$preloaded_cost <= $handwritten_cost") |"
    echo "| CPU, µs | $preloaded_cpu | $handwritten_cpu | $(verdict "${preloaded_cpu%% *} <= ${handwritten_cpu%% *}") |"
  fi
  if [ -n "$(scale insert)" ]; then
    echo
    echo "## The machine's scale"
    echo
    echo "What its parts do alone (\`bench/scale.sh\`), and the services' figures (telemetry on) as a" \
      "fraction of them, so that runs on different machines can be compared. The targets were set" \
      "on a machine where the three measured about 9,000, 31,000 and 70,000 per second: the" \
      "fractions they ask for are in the last column."
    echo
    echo "| measure | per second | services, telemetry on | fraction | target's fraction |"
    echo "|---|---|---|---|---|"
    echo "| PostgreSQL alone: articles' \`INSERT ... RETURNING\`, prepared, pgbench, 16 clients | $(fmt "$(scale insert)") | \`POST\` $(fmt "$post_rps") | $(share "$post_rps" "$(scale insert)") | $(share 5000 9000) |"
    echo "| PostgreSQL alone: articles' \`SELECT\` by id, the same | $(fmt "$(scale select)") | \`GET\` $(fmt "$get_rps") | $(share "$get_rps" "$(scale select)") | $(share 20000 31000) |"
    echo "| a bare libmicrohttpd server, fixed body, keep-alive, wrk as above | $(fmt "$(scale bare_http)") | \`GET\` $(fmt "$get_rps") | $(share "$get_rps" "$(scale bare_http)") | $(share 20000 70000) |"
  fi
  if [ "$(jq -s 'map(select(.articles_cpu_us != null)) | length' "$WORK/http.jsonl")" -gt 0 ]; then
    echo
    echo "## Sizing"
    echo
    echo "CPU time per request of each process of the telemetry-on stack (user and system, from" \
      "/proc, over each counted run), the median over the rounds, and what one core would" \
      "serve at that cost. A create's notify time is its notification's. docs/scaling.md" \
      "turns these into replicas, connections and collector sizes."
    echo
    echo "| request | process | CPU per request | requests per core-second |"
    echo "|---|---|---|---|"
    jq -s -r 'def median: sort | (.[(length - 1) / 2 | floor] + .[length / 2 | floor]) / 2;
      map(select(.mode == "on" and .articles_cpu_us != null)) | group_by(.request) | reverse | .[]
      | .[0].request as $r | ["articles", "notify", "postgres"][] as $p
      | (map(.[$p + "_cpu_us"]) | median * 10 | round / 10) as $us
      | select($us > 0)
      | "| \(if $r == "post" then "`POST /api/articles`" else "`GET /api/articles/{id}`" end) | \($p)"
        + " | \($us) µs | \(1e6 / $us | floor) |"' "$WORK/http.jsonl" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'
  fi
  if [ -s "$WORK/notify.jsonl" ]; then
    echo
    echo "## Notify modes"
    echo
    echo "Creates against four stacks of make run side by side, telemetry on (\`bench/notify.sh\`):" \
      "\`NOTIFY_MODE=sync\` (the create waits for notify, behind the circuit breaker) and" \
      "\`NOTIFY_MODE=outbox\` (the create writes an outbox row; dispatchers deliver it), each with" \
      "notify healthy and hung (SIGSTOP: it accepts connections and never answers; the sync" \
      "stack loaded until its breaker opened). Loaded in turn, wrk as above, for" \
      "$(jq -s 'map(.round) | max' "$WORK/notify.jsonl") rounds; medians, and each round's ratio to" \
      "sync with notify healthy, then their median."
    echo
    echo "| NOTIFY_MODE | notify | req/s | p50 | p99 | failed | of sync, notify healthy |"
    echo "|---|---|---|---|---|---|---|"
    jq -s -r 'def median: sort | (.[(length - 1) / 2 | floor] + .[length / 2 | floor]) / 2;
      (group_by(.round) | map((map({key: .notify_mode, value: .rps}) | from_entries) as $r
        | $r | with_entries(.value = (.value / $r.sync)))) as $ratios
      | group_by(.notify_mode) | sort_by(.[0].notify_mode as $m | ["sync", "sync_hung", "outbox", "outbox_hung"] | index($m))
      | .[] | .[0].notify_mode as $m
      | "| \($m | sub("_hung"; "")) | \(if $m | endswith("_hung") then "hung" else "healthy" end)"
        + " | \(map(.rps) | median | floor) | \(map(.p50_ms) | median * 100 | round / 100) ms"
        + " | \(map(.p99_ms) | median * 100 | round / 100) ms | \(map(.non_2xx + .socket_errors) | add)"
        + " | \($ratios | map(.[$m]) | median * 100 | round / 100) |"' "$WORK/notify.jsonl" |
      sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'
  fi
  if [ -s "$WORK/soak.jsonl" ]; then
    echo
    echo "## Soak"
    echo
    echo "Creates from wrk as above, against one stack with telemetry on, for $(jq -s 'map(select(.soak)) | last | .t_s' "$WORK/soak.jsonl") s" \
      "(\`bench/soak.sh\`), resident size read after each turn. Once warm, neither service may grow by more" \
      "than the bound, and no request may fail."
    echo
    echo "| loaded | creates | articles RSS | notify RSS | failed |"
    echo "|---|---|---|---|---|"
    jq -r 'select(.soak) | "| \(.t_s) s | \(.creates) | \(.articles_rss_kb) kB | \(.notify_rss_kb) kB | \(.errors) |"' "$WORK/soak.jsonl"
    echo
    echo "| service | warm | end | growth | bound | |"
    echo "|---|---|---|---|---|---|"
    jq -r 'select(.verdict) | "| \(.service) | \(.warm_kb) kB | \(.end_kb) kB | \(.growth_kb) kB | \(.bound_kb) kB | \(if .ok then "met" else "**missed**" end) |"' "$WORK/soak.jsonl"
  fi
  echo
  echo "## libotel microbenchmarks"
  echo
  echo '```'
  cat "$WORK/micro.txt"
  echo '```'
} >"$OUT"
echo "bench: wrote $OUT"
$soak_ok || { echo "bench: the soak's memory grew past its bound (bench/soak.sh)" >&2; exit 1; }
