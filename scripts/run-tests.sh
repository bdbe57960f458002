#!/usr/bin/env bash
# Runs every unit test binary and the integration suites for each build
# variant (release, then ASan+UBSan), then the checks of the Docker and
# collector files, the install check and a short run of each fuzz target,
# and prints one total line,
# "N passed, M failed". A suite that crashes or prints
# no summary counts as one failure, so a broken suite can never pass silently.
set -u
build=${1:-build}
passed=0
failed=0
status=0

# Runs one suite (a command) and adds its "name: N passed, M failed" line to the totals.
run_suite() {
  local label=$1
  shift
  local out rc summary p f
  out=$("$@" 2>&1)
  rc=$?
  summary=$(printf '%s\n' "$out" | grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed$' | tail -1)
  if [ -z "$summary" ]; then
    printf '%s\n' "$out"
    echo "[$label] $(basename "$1"): no summary (exit $rc): counted as 1 failed"
    failed=$((failed + 1))
    status=1
    return
  fi
  p=$(echo "$summary" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
  f=$(echo "$summary" | sed -E 's/.*passed, ([0-9]+) failed/\1/')
  if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
    printf '%s\n' "$out" | grep -vE '^[a-z_]+: [0-9]+ passed'
    status=1
    [ "$f" -eq 0 ] && f=1 # exited non-zero (a sanitizer report) with no failed case
  fi
  echo "[$label] $summary"
  passed=$((passed + p))
  failed=$((failed + f))
}

for variant in release asan; do
  for t in "$build/$variant"/tests/test_*; do
    [ -x "$t" ] && run_suite "$variant" "$t"
  done
  # The services of this variant against a private PostgreSQL each suite starts.
  for script in tests/integration/check-*.sh; do
    run_suite "$variant" env BIN="$PWD/$build/$variant/bin" bash "$script"
  done
done
for script in tests/config/check-*.sh tests/hardening/check-*.sh tests/install/check-*.sh \
  tests/lint/check-*.sh; do
  run_suite script bash "$script"
done
# Each libFuzzer target, briefly (make fuzz runs them longer).
run_suite fuzz scripts/run-fuzz.sh "$build/fuzz/fuzz" 5

echo "$passed passed, $failed failed"
exit $status
