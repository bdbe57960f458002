# shellcheck shell=bash
# PASS and FAIL lines for the scripts a user runs against a stack
# (test-api.sh, verify-collector.sh). Source this file.
passed=0
failed=0

# expect NAME ACTUAL EXPECTED: one PASS or FAIL line.
expect() {
  if [ "$2" = "$3" ]; then
    echo "PASS $1"
    passed=$((passed + 1))
  else
    echo "FAIL $1: expected [$3], got [$2]"
    failed=$((failed + 1))
  fi
}

# The closing line, "N passed, M failed"; false when anything failed.
summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
