# shellcheck shell=bash
# Assertions for the shell suites: `check NAME COMMAND...` counts a pass or a
# failure, `finish SUITE` prints "SUITE: N passed, M failed" and sets the exit
# status. A failed check prints STATUS and BODY when the suite sets them.
passed=0
failed=0

check() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "  FAIL $name${STATUS:+ (status $STATUS, body ${BODY:0:300})}"
  fi
}

eq() { [ "$1" = "$2" ] || { echo "    expected [$2], got [$1]" >&2; return 1; }; }

finish() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
