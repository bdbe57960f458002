#!/usr/bin/env bash
# The container path, run for real (make test-containers): the images built
# from the Dockerfile as it ships, the stack of compose.yml started through
# scripts/compose.sh (make docker-up's script) with Docker or Podman, then
# the user's own checks against it: scripts/test-api.sh and
# scripts/verify-collector.sh --docker.
#
# The two upstream images this machine may not be able to pull are replaced
# by stand-ins built here (compose.stand-ins.yml): PostgreSQL from Debian's
# postgresql-15, the collector by the project's receiver. Everything else is
# what users run. The stack runs under its own project name, and nothing of
# it (container, network, volume) is left at the end.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
source "$TOP/tests/support/assert.sh"
source "$TOP/scripts/lib/ports.sh"
export COMPOSE_PROJECT=articles-stack-test
export COMPOSE_FILES="compose.yml tests/containers/compose.stand-ins.yml"
export CONTAINERS_CONF=$TOP/scripts/containers/containers.conf BUILDAH_FORMAT=docker
ENGINE=$(scripts/compose.sh engine) || exit 1
API=http://127.0.0.1:8080
t0=$SECONDS
elapsed() { echo "$((SECONDS - t0)) s"; }
ctr() { # the container of a compose service
  if [ "$ENGINE" = docker ]; then echo "$COMPOSE_PROJECT-$1-1"; else echo "${COMPOSE_PROJECT}_$1_1"; fi
}
WORK=$(mktemp -d /tmp/containers-check.XXXXXX)
stack_down() { scripts/compose.sh down -v >/dev/null 2>&1; }
trap 'stack_down; rm -rf "$WORK"' EXIT
stack_down # what an interrupted run may have left

# --- images: the base, the stand-ins, then the stack's own build ---
echo "engine: $ENGINE ($($ENGINE --version))"
check base_image scripts/containers/base-image.sh "$ENGINE"
build() { # TAG CONTEXT [ARGS...]: a quiet build; its output only if it fails
  local out
  out=$("$ENGINE" build --pull=never -t "$1" "${@:3}" "$2" 2>&1) || { tail -30 <<<"$out" >&2; return 1; }
}
check postgres_stand_in_builds build localhost/articles-stack-stand-in/postgres:15 tests/containers/postgres
check receiver_stand_in_builds build localhost/articles-stack-stand-in/receiver:latest . --target receiver
echo "stand-ins built: $(elapsed)"

# --- a port already taken on this machine: one line naming its variable,
# before anything is built or started ---
taken=$(free_port)
python3 -m http.server --bind 127.0.0.1 "$taken" >/dev/null 2>&1 &
holder=$!
eventually_listening() { for _ in $(seq 50); do port_in_use "$1" && return 0; sleep 0.1; done; return 1; }
eventually_listening "$taken"
out=$(ARTICLES_PORT=$taken scripts/compose.sh up 2>&1)
rc=$?
kill "$holder"
check taken_port_stops_up test "$rc" -ne 0
check taken_port_named_with_its_variable eq "$out" \
  "compose: port $taken (ARTICLES_PORT) is in use on 127.0.0.1; free it, or set ARTICLES_PORT in .env or the environment"
check nothing_started_for_it eq "$("$ENGINE" ps -a -q --filter "name=$COMPOSE_PROJECT" | wc -l)" 0

# --- the stack, up in dependency order and healthy ---
check stack_up scripts/compose.sh up
echo "stack up: $(elapsed)"
state() { "$ENGINE" inspect -f "$1" "$(ctr "$2")" 2>/dev/null; }
for svc in postgres notify articles; do
  check "${svc}_healthy" eq "$(state '{{.State.Health.Status}}' "$svc")" healthy
done
for svc in articles notify; do
  check "${svc}_runs_unprivileged" eq "$("$ENGINE" exec "$(ctr "$svc")" id -u)" 10001
done
# otel-instrument is in the images, and runs a program there.
check otel_instrument_in_the_images eq "$("$ENGINE" exec "$(ctr notify)" otel-instrument sh -c 'echo "$LD_PRELOAD"')" \
  /usr/local/lib/libotel-instrument.so
# articles ran `migrate up` against the containerised database before serving.
applied=$("$ENGINE" exec "$(ctr postgres)" psql -U articles -d articles -Atc \
  "SELECT count(*) FROM pg_tables WHERE tablename IN ('articles', 'notification_outbox')")
check migrations_applied_in_the_container eq "$applied" 2

# make build on a clean Debian (the images' build stage, from the layers the
# stack's build left) installed the build set and nothing more.
check build_stage_rebuilds build localhost/articles-stack-test/build:latest . --target build
tools_in_build_stage=$("$ENGINE" run --rm localhost/articles-stack-test/build:latest sh -c \
  'for p in clang cppcheck valgrind wrk cmake postgresql python3-grpcio; do
     dpkg-query -W -f "\${Status}\n" "$p" 2>/dev/null | grep -q "install ok installed" && echo "$p"
   done; true')
check make_build_installs_the_build_set_only eq "$tools_in_build_stage" ""
# make install as root under /usr/local, then a program built with pkg-config
# runs on libotel.so without LD_LIBRARY_PATH: make install ran ldconfig.
installed=$("$ENGINE" run --rm -e OTEL_TRACES_EXPORTER=console localhost/articles-stack-test/build:latest sh -c \
  'make -s install 2>&1 | tail -1 &&
   cc -std=c11 examples/trace_demo.c -o /tmp/demo $(pkg-config --cflags --libs libotel) &&
   ldd /tmp/demo | grep -o "libotel.so[^ ]* => [^ ]*" && /tmp/demo 2>/dev/null | grep -c "\"traceId\""')
check make_install_runs_ldconfig eq "$installed" "install: ldconfig ran: programs find libotel.so in /usr/local/lib
libotel.so.0.1 => /usr/local/lib/libotel.so.0.1
2"
"$ENGINE" rmi localhost/articles-stack-test/build:latest >/dev/null 2>&1

# --- the user's checks ---
check test_api_passes scripts/test-api.sh
check verify_collector_passes scripts/verify-collector.sh --docker
# make docker-traces: the waterfall of a create, both services, from the collector's file.
timeout -s INT 4 make -s docker-traces ALL=1 >"$WORK/traces.view" 2>&1
check docker_traces_shows_a_create eq "$(grep -A4 '^trace [0-9a-f]\{32\}  4 spans' "$WORK/traces.view" |
  grep -oE '(articles|notify) (SERVER|CLIENT) (POST /api/articles|INSERT articles|POST /notify|POST)' | sort -u | wc -l)" 4

# --- SIGTERM with requests in flight: each one answered, a clean exit,
# within compose's grace period (10 s) ---
# slow_request URL JSON: a POST whose body trickles in over about 3 s, so
# that it is in flight when the stop comes; prints its status.
slow_request() {
  local pad
  pad=$(printf '%*s' 1400 '')
  curl -s -o /dev/null -w '%{http_code}\n' --max-time 15 --limit-rate 500 \
    -H 'Content-Type: application/json' --data-binary "${2%\}}$pad}" "$1"
}
stop_in_flight() { # SERVICE URL JSON STATUS
  local pids=() i t stop_ms codes
  for i in 1 2 3 4; do
    slow_request "$2" "$3" >"$WORK/status.$1.$i" &
    pids+=($!)
  done
  sleep 1
  t=$EPOCHREALTIME
  "$ENGINE" stop -t 10 "$(ctr "$1")" 2>&1 >/dev/null | grep -v 'systemd connection' >&2
  stop_ms=$(echo "($EPOCHREALTIME - $t) * 1000 / 1" | bc)
  wait "${pids[@]}"
  codes=$(cat "$WORK"/status."$1".* | sort | uniq -c | tr -s ' ' | paste -sd,)
  echo "$1 stopped in $stop_ms ms with 4 requests in flight; their statuses (count status):$codes"
  check "${1}_answered_every_request_in_flight" eq "$codes" " 4 $4"
  check "${1}_exits_0_on_sigterm" eq "$(state '{{.State.ExitCode}}' "$1")" 0
  check "${1}_stops_within_the_grace_period" test "$stop_ms" -lt 10000
}
stop_in_flight articles "$API/api/articles" '{"title":"in flight","body":"x"}' 201
stop_in_flight notify http://127.0.0.1:8081/notify '{"article_id":1,"title":"in flight"}' 200

# --- down: nothing of the stack is left ---
check stack_down scripts/compose.sh down -v
check no_container_left eq "$("$ENGINE" ps -a --format '{{.Names}}' | grep -c "^$COMPOSE_PROJECT")" 0
check no_network_left eq "$("$ENGINE" network ls --format '{{.Name}}' | grep -c "^$COMPOSE_PROJECT")" 0
check no_volume_left eq "$("$ENGINE" volume ls --format '{{.Name}}' | grep -c "^$COMPOSE_PROJECT")" 0
trap 'rm -rf "$WORK"' EXIT

# --- what was built ---
"$ENGINE" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' |
  grep -E "${COMPOSE_PROJECT}[-_](articles|notify):|articles-stack-stand-in/"
echo "took $(elapsed)"
finish containers
