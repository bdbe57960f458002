# shellcheck shell=bash
# Waiting for a process to say it is ready. Source this file.

# wait_for_line FILE PATTERN PID: returns once FILE has a line matching
# PATTERN (grep -E); 1, with FILE shown on stderr, if PID ends first or 60 s
# pass.
wait_for_line() {
  local file=$1 pattern=$2 pid=$3
  for _ in $(seq 600); do
    grep -Eq "$pattern" "$file" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$file" >&2
  return 1
}
