#!/usr/bin/env bash
# The soak: does memory level off? Stacks of make run (receivers counting
# only) take creates from wrk (BENCH_THREADS, BENCH_CONNECTIONS) in turn,
# SOAK_INTERVAL s at a time, until each has had SOAK_SECONDS of load; after
# each of its turns a stack's articles and notify have their resident size
# (VmRSS) read. Once warm (SOAK_WARM s of load), neither may grow by more
# than SOAK_GROWTH_KB to the end of the soak, and no request may fail.
#
#   bench/soak.sh [NAME[:VAR=value[,VAR=value...]] ...]    (default: on)
#
# e.g. bench/soak.sh on arenas:MALLOC_ARENA_MAX=2 compares two stacks.
# Prints a JSON line per sample:
#   {"soak","t_s","creates","articles_rss_kb","notify_rss_kb","errors"}
# then one per stack and service: {"verdict","service","warm_kb","end_kb",
# "growth_kb","bound_kb","ok"}; exits 1 when any is not ok.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$TOP/build/release/bin}
source "$TOP/bench/stack.sh"
SOAK_SECONDS=${SOAK_SECONDS:-300}
SOAK_INTERVAL=${SOAK_INTERVAL:-30}
# Warm: in a 30-minute soak, articles' RSS rose in steps for 6 minutes, then
# 160 kB in 24 more; the steps are glibc arenas taken under contention, and
# are larger when the machine is busy (docs/hardening.md, "The soak").
SOAK_WARM=${SOAK_WARM:-120}
SOAK_GROWTH_KB=${SOAK_GROWTH_KB:-2048}

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

[ $# -gt 0 ] || set -- on
names=()
for spec in "$@"; do
  name=${spec%%:*}
  vars=()
  [[ $spec == *:* ]] && IFS=, read -r -a vars <<<"${spec#*:}"
  stack_start "$name" "${vars[@]}" || exit 1
  names+=("$name")
done

declare -A loaded=() creates=() errors=()
for n in "${names[@]}"; do loaded[$n]=0 creates[$n]=0 errors[$n]=0; done
: >"$WORK/samples.jsonl"
while [ "${loaded[${names[0]}]}" -lt "$SOAK_SECONDS" ]; do
  for n in "${names[@]}"; do
    out=$(stack_wrk "$n" post "$SOAK_INTERVAL")
    loaded[$n]=$((loaded[$n] + SOAK_INTERVAL))
    creates[$n]=$((creates[$n] + $(jq .requests <<<"$out")))
    errors[$n]=$((errors[$n] + $(jq '.non_2xx + .socket_errors' <<<"$out")))
    jq -cn --arg soak "$n" --argjson t "${loaded[$n]}" --argjson c "${creates[$n]}" \
      --argjson a "$(rss_kb "$(stack_pid "$n" articles)")" \
      --argjson no "$(rss_kb "$(stack_pid "$n" notify)")" --argjson e "${errors[$n]}" \
      '{soak: $soak, t_s: $t, creates: $c, articles_rss_kb: $a, notify_rss_kb: $no, errors: $e}' |
      tee -a "$WORK/samples.jsonl"
  done
done

ok=true
for n in "${names[@]}"; do
  for svc in articles notify; do
    verdict=$(jq -sc --arg n "$n" --arg svc "$svc" --argjson warm "$SOAK_WARM" \
      --argjson bound "$SOAK_GROWTH_KB" 'map(select(.soak == $n)) as $s
      | ($s | map(select(.t_s >= $warm)) | first) as $w | ($s | last) as $e
      | {verdict: $n, service: $svc, warm_kb: $w["\($svc)_rss_kb"], end_kb: $e["\($svc)_rss_kb"]}
      | .growth_kb = .end_kb - .warm_kb | .bound_kb = $bound
      | .ok = (.growth_kb <= $bound and $e.errors == 0)' "$WORK/samples.jsonl")
    echo "$verdict"
    [ "$(jq .ok <<<"$verdict")" = true ] || ok=false
  done
done
$ok
