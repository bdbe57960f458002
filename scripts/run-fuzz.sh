#!/usr/bin/env bash
# Runs each libFuzzer target in DIR for SECONDS (make fuzz; a short run in
# make test). Each keeps its corpus in build/fuzz/corpus/NAME, seeded from
# fuzz/seeds/NAME. A target passes when it ran its time with no crash, leak,
# timeout or sanitizer report; then "fuzz: N passed, M failed".
set -u
dir=$1
seconds=$2
TOP=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0
for target in "$dir"/fuzz_*; do
  [[ -x $target && $target != *.* ]] || continue
  name=$(basename "$target")
  corpus=$TOP/build/fuzz/corpus/$name
  log=$TOP/build/fuzz/$name.log
  mkdir -p "$corpus"
  if "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$TOP/build/fuzz/$name-" "$corpus" "$TOP/fuzz/seeds/$name" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "  $name: $runs inputs in $seconds s, corpus $(find "$corpus" -type f | wc -l) files, no finding"
    passed=$((passed + 1))
  else
    echo "  $name: a finding; the input is in build/fuzz/$name-*; the end of $log:"
    tail -n 40 "$log" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
