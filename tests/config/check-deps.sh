#!/usr/bin/env bash
# Each make target installs only the Debian packages it needs: the sets of
# scripts/install-deps.sh nest (build within run within test), the build set
# holds no test, lint or benchmark tool and no database server, and each
# target asks for its own set (read from `make -n`, which runs nothing).
# make test-containers checks the same on a clean Debian: the images' build
# stage, which runs `make build`, holds the build set only.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/tests/support/assert.sh"
cd "$TOP" || exit 1

set_of() { scripts/install-deps.sh --list "$1" | sort; }
within() { [ -z "$(comm -23 <(set_of "$1") <(set_of "$2"))" ]; }
build_set=$(set_of build)
check build_within_run within build run
check run_within_test within run test
check all_is_test eq "$(set_of all)" "$(set_of test)"
check run_adds_the_stack eq "$(comm -13 <(set_of build) <(set_of run) | paste -sd' ')" "curl jq postgresql"
no_tools() {
  local p
  for p in clang clang-format cppcheck shellcheck valgrind wrk cmake python3 python3-grpcio \
    protobuf-compiler yq jq postgresql; do
    grep -qx "$p" <<<"$build_set" && { echo "    the build set holds $p" >&2; return 1; }
  done
  return 0
}
check build_set_holds_no_tool no_tools
check build_set_compiles eq "$(grep -cE '^(build-essential|pkg-config|protobuf-c-compiler|(lib.*|zlib1g)-dev)$' <<<"$build_set")" \
  "$(wc -l <<<"$build_set")"
check unknown_set_refused eq "$(scripts/install-deps.sh --list nonsense 2>&1 >/dev/null; echo "rc $?")" \
  "usage: scripts/install-deps.sh [--list] [build|run|test|runtime|containers|kubernetes]
rc 2"

# The sets each target asks for, in order, without running it.
asks() {
  make -n --no-print-directory "$@" 2>/dev/null | sed -n 's|.*scripts/install-deps.sh \([a-z]*\)$|\1|p' |
    sort -u | paste -sd' '
}
check build_asks_for_build eq "$(asks build)" build
check install_asks_for_build eq "$(asks install PREFIX=/nonexistent)" build
check run_asks_for_run eq "$(asks run)" "build run"
check test_api_asks_for_run eq "$(asks test-api)" run
check verify_collector_asks_for_run eq "$(asks verify-collector)" run
check test_asks_for_test eq "$(asks test)" test
check lint_asks_for_test eq "$(asks lint)" test
check bench_asks_for_test eq "$(asks bench)" test
check docker_up_asks_for_containers eq "$(asks docker-up)" containers
check images_run_make_build grep -qx 'RUN make build' Dockerfile

finish config_deps
