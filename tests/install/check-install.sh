#!/usr/bin/env bash
# Installs libotel into a temporary prefix, builds examples/trace_demo.c
# against it with nothing but pkg-config, runs it with the console exporter
# and checks that both spans came out in one trace. The core's package needs
# neither libpq nor libmicrohttpd: each integration is a package of its own
# (libotel-mhd, libotel-pq, libotel-curl) that requires its library.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
source "$top/tests/support/assert.sh"

make -s -C "$top" install PREFIX="$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
check pc_file_found pkg-config --exists libotel
requires() { pkg-config --print-requires "$1" | awk '{ print $1 }' | sort | paste -sd' '; }
check core_requires_no_instrumented_library eq "$(requires libotel)" "jansson libcurl libprotobuf-c zlib"
check mhd_package_requires_libmicrohttpd eq "$(requires libotel-mhd)" "libmicrohttpd libotel"
check pq_package_requires_libpq eq "$(requires libotel-pq)" "libotel libpq"
check curl_package_requires_libcurl eq "$(requires libotel-curl)" "libcurl libotel"
check headers_installed test -f "$prefix/include/otel/trace.h"
check library_installed test -f "$prefix/lib/libotel.a"
# Only the installed tree: no source include paths. pkg-config's flags are words.
# shellcheck disable=SC2046
check example_builds cc -std=c11 -Wall -Wextra -Werror "$top/examples/trace_demo.c" \
  -o "$prefix/trace_demo" $(pkg-config --cflags libotel) $(pkg-config --libs libotel)
check trace_only_program_loads_no_instrumented_library \
  eval "! ldd '$prefix/trace_demo' | grep -qE 'libpq|libmicrohttpd'"
out=$(OTEL_TRACES_EXPORTER=console "$prefix/trace_demo" 2>"$prefix/stderr")
check example_runs test $? -eq 0
trace=$(sed -n 's/^trace //p' "$prefix/stderr")
check two_spans_printed test "$(printf '%s\n' "$out" | grep -c '"traceId"')" -eq 2
check one_trace test "$(printf '%s\n' "$out" | grep -o "\"traceId\":\"$trace\"" | wc -l)" -eq 2
finish install
