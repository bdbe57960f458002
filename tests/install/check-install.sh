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

make -s -C "$top" install PREFIX="$prefix" >"$prefix/install.out"
# A prefix the loader does not search: make install says what to do.
check install_names_the_loader_step grep -q "the loader does not know $prefix/lib yet: run ldconfig" "$prefix/install.out"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# pkg-config's -lotel links libotel.so, which the programs find here.
export LD_LIBRARY_PATH=$prefix/lib
check pc_file_found pkg-config --exists libotel
requires() { pkg-config --print-requires "$1" | awk '{ print $1 }' | sort | paste -sd' '; }
check core_requires_no_instrumented_library eq "$(requires libotel)" "jansson libcurl libprotobuf-c yaml-0.1 zlib"
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
# --- docs/using-libotel.md: its complete program, and its static link line ---
guide=$top/docs/using-libotel.md
awk '/^<!-- tests\/install\/check-install.sh builds and runs this program -->$/ { on = 1; next }
     on && /^```c$/ { inside = 1; next } inside && /^```$/ { exit } inside' "$guide" >"$prefix/guide.c"
# shellcheck disable=SC2046
check guide_program_builds cc -std=c11 -Wall -Wextra -Werror "$prefix/guide.c" -o "$prefix/guide" \
  $(pkg-config --cflags --libs libotel)
out=$(OTEL_TRACES_EXPORTER=console OTEL_METRICS_EXPORTER=console OTEL_LOGS_EXPORTER=none "$prefix/guide" 2>/dev/null)
check guide_program_runs test $? -eq 0
span_trace=$(grep '"name":"ship order"' <<<"$out" | sed -n 's/.*"traceId":"\([0-9a-f]*\)".*/\1/p')
check guide_program_span test -n "$span_trace"
check guide_program_log_in_its_trace grep -q "\"message\":\"order shipped\",\"otelTraceID\":\"$span_trace\"" <<<"$out"
check guide_program_metric grep -q '"name":"orders.shipped"' <<<"$out"
static_link_line=$(sed -n 's/^cc app.c \(.*-l:libotel.a.*\)$/\1/p' "$guide")
check guide_static_link_line_found test -n "$static_link_line"
eval "cc -std=c11 '$top/examples/trace_demo.c' -o '$prefix/trace_demo_static' $static_link_line"
check guide_static_link_line_links_no_libotel_so eval "! ldd '$prefix/trace_demo_static' | grep -q libotel"

# --- the extension points: one example per interface, against the installed package ---
extension() { # NAME: built with the core's package alone
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Wextra -Werror "$top/examples/$1.c" -o "$prefix/$1" \
    $(pkg-config --cflags --libs libotel)
}
console() { OTEL_TRACES_EXPORTER=console OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none "$@" 2>/dev/null; }
names() { grep -o '"name":"[^"]*"' | paste -sd' '; }
check baggage_processor_builds extension baggage_processor
check baggage_processor_adds_the_attribute grep -q '"name":"GET /orders".*"key":"baggage.tenant","value":{"stringValue":"acme"}' \
  <<<"$(console "$prefix/baggage_processor")"
check drop_health_checks_builds extension drop_health_checks
check drop_health_checks_keeps_the_rest_only eq "$(console "$prefix/drop_health_checks" | names)" '"name":"GET /orders"'
check file_exporter_builds extension file_exporter
OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none "$prefix/file_exporter" "$prefix/spans.txt"
check file_exporter_runs test $? -eq 0
check file_exporter_wrote_both_spans eq "$(awk '{ print $5 "/" $6 " " $7 }' "$prefix/spans.txt" | paste -sd,)" \
  'error/SELECT orders,unset/nightly report'
check file_exporter_child_under_its_parent eq "$(awk 'NR == 1 { print $3 }' "$prefix/spans.txt")" \
  "$(awk 'NR == 2 { print $2 }' "$prefix/spans.txt")"
check keep_errors_sampler_builds extension keep_errors_sampler
check keep_errors_sampler_keeps_the_error_alone grep -q '"key":"http.response.status_code","value":{"intValue":"503"}' \
  <<<"$(OTEL_TRACES_SAMPLER=always_off console "$prefix/keep_errors_sampler")"
check keep_errors_sampler_keeps_nothing_else eq "$(OTEL_TRACES_SAMPLER=always_off console "$prefix/keep_errors_sampler" | grep -c '"traceId"')" 1
check keep_errors_sampler_defers_to_the_configured_one eq \
  "$(OTEL_TRACES_SAMPLER=always_on console "$prefix/keep_errors_sampler" | grep -c '"traceId"')" 3

# --- the shared library: a SONAME, the public API alone, one SDK state ---
so=$(readlink -f "$prefix/lib/libotel.so")
check shared_library_installed test -f "$so"
check shared_library_soname eq "$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')" libotel.so.0.1
exports=$(nm -D --defined-only "$so" | awk '{ print $3 }')
check shared_library_exports_the_public_api_only eq "$(grep -cv '^otel_[a-z]' <<<"$exports")" 0
check shared_library_exports_every_public_function eq "$(wc -l <<<"$exports")" \
  "$(grep -h '^OTEL_API ' "$prefix"/include/otel/{otel,trace,context,metrics,log,span_data,log_data,metric_data,processor,sampler,testing}.h | wc -l)"
shared=$prefix/shared
mkdir -p "$shared"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -shared -fPIC "$top/tests/install/shared/component.c" \
  -o "$shared/libcomponent.so" $(pkg-config --cflags --libs libotel) &&
  cc -std=c11 -Wall -Wextra -Werror "$top/tests/install/shared/program.c" -o "$shared/program" \
    -L"$shared" -lcomponent $(pkg-config --cflags --libs libotel)
check program_and_component_build test $? -eq 0
export LD_LIBRARY_PATH=$prefix/lib:$shared
check component_uses_libotel_so grep -q 'libotel.so.0.1 => '"$prefix" <<<"$(ldd "$shared/libcomponent.so")"
check component_holds_no_sdk_of_its_own eq "$(nm -D --defined-only "$shared/libcomponent.so" | grep -c ' otel_')" 0
out=$(OTEL_TRACES_EXPORTER=console OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none "$shared/program" 2>&1)
check program_runs test $? -eq 0
field() { sed -n "s/.*\"$2\":\"\([0-9a-f]*\)\".*/\1/p" <<<"$(grep "\"name\":\"$1\"" <<<"$out")"; }
check component_span_exported_by_the_programs_pipeline test -n "$(field 'component work' spanId)"
check one_trace_across_both eq "$(field 'component work' traceId)" "$(field 'program work' traceId)"
check component_span_child_of_the_programs eq "$(field 'component work' parentSpanId)" "$(field 'program work' spanId)"

# --- CMake: find_package(libotel CONFIG) and its imported targets ---
cmake_build=$prefix/cmake-build
cmake -S "$top/tests/install/cmake" -B "$cmake_build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DEXAMPLES="$top/examples" >"$prefix/cmake.log" 2>&1 &&
  cmake --build "$cmake_build" >>"$prefix/cmake.log" 2>&1
rc=$?
check cmake_consumer_builds test $rc -eq 0
[ $rc -eq 0 ] || tail -20 "$prefix/cmake.log"
check cmake_trace_only_loads_no_instrumented_library \
  eval "! ldd '$cmake_build/trace_demo' | grep -qE 'libpq|libmicrohttpd'"
check cmake_consumer_runs eval "OTEL_TRACES_EXPORTER=console '$cmake_build/trace_demo' 2>/dev/null | grep -q '\"name\":\"GET /hello\"'"
check cmake_shared_target_links_libotel_so grep -q "libotel.so.0.1 => $prefix" <<<"$(ldd "$cmake_build/trace_demo_shared")"
check cmake_shared_consumer_runs eval "OTEL_TRACES_EXPORTER=console '$cmake_build/trace_demo_shared' 2>/dev/null | grep -q '\"name\":\"GET /hello\"'"

# --- one example per integration, each against its own package only ---
build_example() { # NAME PACKAGE
  # shellcheck disable=SC2046
  cc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror "$top/examples/$1.c" -o "$prefix/$1" \
    $(pkg-config --cflags --libs "$2")
}
check mhd_example_builds build_example mhd_server libotel-mhd
check curl_example_builds build_example curl_client libotel-curl
check pq_example_builds build_example pq_client libotel-pq
# The integrations' archives use libotel's public API alone, so they link with libotel.so.
check integrations_link_with_the_shared_library grep -q "libotel.so.0.1 => $prefix" <<<"$(ldd "$prefix/mhd_server")"
export OTEL_TRACES_EXPORTER=console OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none

# The client calls the server: one trace, the server's span the child of the client's.
# Then a path the server does not serve: a 404 named by its method alone.
source "$top/scripts/lib/ports.sh"
port=$(free_port)
"$prefix/mhd_server" "$port" 2 >"$prefix/server.out" 2>&1 &
server=$!
for _ in $(seq 50); do port_in_use "$port" && break; sleep 0.1; done
"$prefix/curl_client" "http://127.0.0.1:$port/hello" >"$prefix/client.out" 2>&1
check curl_example_runs test $? -eq 0
check mhd_example_answers_404_elsewhere eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/foo")" 404
wait "$server"
check mhd_example_runs test $? -eq 0
check curl_example_got_200 grep -qx 'status 200' "$prefix/client.out"
span() { grep -h "\"name\":\"$2\"" "$prefix/$1.out" | head -1; }
client_span=$(span client GET | sed -n 's/.*"spanId":"\([0-9a-f]*\)".*/\1/p')
client_trace=$(span client GET | sed -n 's/.*"traceId":"\([0-9a-f]*\)".*/\1/p')
check server_span_in_the_clients_trace grep -q "\"traceId\":\"$client_trace\"" <<<"$(span server 'GET /hello')"
check server_span_child_of_the_client_span grep -q "\"parentSpanId\":\"$client_span\"" <<<"$(span server 'GET /hello')"
unrouted=$(grep -h '"name":"GET"' "$prefix/server.out")
check unserved_path_span_has_no_route eq "$(jq -c '[.kind, (.attributes[] | select(.key == "url.path" or .key == "http.route" or .key == "http.response.status_code") | .key)]' <<<"$unrouted")" \
  '[2,"url.path","http.response.status_code"]'
check no_span_names_an_unserved_path_by_the_route eq "$(grep -c '"name":"GET /hello"' "$prefix/server.out")" 1

# The client built by CMake (otel::curl and its link options) against the server.
port=$(free_port)
"$prefix/mhd_server" "$port" 1 >"$prefix/server.out" 2>&1 &
server=$!
for _ in $(seq 50); do port_in_use "$port" && break; sleep 0.1; done
"$cmake_build/curl_client" "http://127.0.0.1:$port/hello" >"$prefix/client.out" 2>"$prefix/client.err"
wait "$server"
client_span=$(span client GET | sed -n 's/.*"spanId":"\([0-9a-f]*\)".*/\1/p')
check cmake_curl_client_sends_trace_context grep -q "\"parentSpanId\":\"$client_span\"" <<<"$(span server 'GET /hello')"

# The database client against a PostgreSQL of its own.
source "$top/scripts/lib/postgres.sh"
pgdir=$(mktemp -d /tmp/install-pg.XXXXXX)
pgport=$(free_port)
if pg_init "$pgdir" >/dev/null 2>&1 && pg_up "$pgdir" "$pgport" >/dev/null 2>&1; then
  "$prefix/pq_client" "postgresql://postgres@127.0.0.1:$pgport/postgres" >"$prefix/pq.out" 2>&1
  check pq_example_runs test $? -eq 0
  check pq_example_result grep -qx 'result 42' "$prefix/pq.out"
  check pq_example_span grep -q '"name":"SELECT".*"db.system.name"' "$prefix/pq.out"
  pg_down "$pgdir" >/dev/null 2>&1
else
  check pq_example_cluster_starts false
fi
rm -rf "$pgdir"

# otel-instrument, installed beside its library, on an unchanged program:
# the plain example's server and, through libcurl, the curl example.
check otel_instrument_installed test -x "$prefix/bin/otel-instrument" -a -f "$prefix/lib/libotel-instrument.so"
port=$(free_port)
OTEL_TRACES_EXPORTER=console OTEL_C_HTTP_SERVER_ROUTES='/stock/{id}' \
  "$prefix/bin/otel-instrument" "$top/build/release/examples/plain_server" "$port" "postgresql://127.0.0.1:1/x" \
  >"$prefix/plain.out" 2>&1 &
plain=$!
for _ in $(seq 50); do port_in_use "$port" && break; sleep 0.1; done
check installed_instrument_serves eq "$(curl -s "http://127.0.0.1:$port/stock/7")" '{"id":7,"stock":7}'
kill -TERM "$plain"
wait "$plain"
check installed_instrument_traces grep -q '"name":"GET /stock/{id}"' "$prefix/plain.out"

# <otel/instrument.h>: header only, nothing to link; without otel-instrument
# its handoff does nothing, and the program runs.
printf '%s\n' '#include <otel/instrument.h>' '#include <stdio.h>' \
  'int main(void) { otel_handoff_t h = otel_handoff_capture(); otel_handoff_enter(&h);' \
  '  otel_handoff_leave(&h); puts("handed"); return 0; }' >"$prefix/handoff.c"
# shellcheck disable=SC2046
check instrument_header_links_nothing cc -std=c11 -Wall -Wextra -Werror "$prefix/handoff.c" \
  $(pkg-config --cflags libotel) -o "$prefix/handoff"
check instrument_header_inert_alone eq "$("$prefix/handoff")" handed

# The core alone, no integration: nothing of theirs installed, and CMake
# defines no target for them.
core=$prefix/core
make -s -C "$top" install PREFIX="$core" INTEGRATIONS= >/dev/null
check core_alone_installs_no_integration eq "$(find "$core" -name '*mhd*' -o -name '*pq*' -o -name '*curl*' | wc -l)" 0
finish install
