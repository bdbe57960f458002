#!/usr/bin/env bash
# The compose stack (compose.yml) with whichever engine this machine has:
# Docker with Compose v2, or Podman with podman-compose. make docker-up,
# docker-down and docker-logs call it; so does make test-containers.
#
#   scripts/compose.sh up              build the images, start the stack in
#                                      dependency order, wait until healthy
#   scripts/compose.sh down [-v]       stop and remove its containers and
#                                      network (-v: its volumes too)
#   scripts/compose.sh logs            follow every service's output
#   scripts/compose.sh log SERVICE     one service's output so far, no prefix
#   scripts/compose.sh engine          print the engine it picked
#   scripts/compose.sh backend-config  print the collector overlay it picks
#
#   CONTAINER_ENGINE   docker or podman (default: Docker when its daemon
#                      answers, else Podman)
#   COMPOSE_FILES      compose files, space-separated (compose.yml)
#   COMPOSE_PROJECT    project name (articles-stack)
#   UP_TIMEOUT         seconds to wait for the stack to be healthy (180)
#
# podman-compose 1.0.3 (Debian 12) lacks what `docker compose up --wait`
# does: it ignores depends_on conditions and has no --wait; its down leaves
# the network. This script does those steps itself, so both engines bring
# the stack up the same way (docs/containers.md).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
source scripts/lib/ports.sh
PROJECT=${COMPOSE_PROJECT:-articles-stack}
read -r -a FILES <<<"${COMPOSE_FILES:-compose.yml}"
UP_TIMEOUT=${UP_TIMEOUT:-180}
# Podman's settings for this project (runtime, rlimits, network backend).
export CONTAINERS_CONF=${CONTAINERS_CONF:-$TOP/scripts/containers/containers.conf}
# Keep the images' HEALTHCHECK (the OCI format Podman builds by default drops it).
export BUILDAH_FORMAT=docker

die() {
  echo "compose: $*" >&2
  exit 1
}

pick_engine() {
  case ${CONTAINER_ENGINE:-} in
    docker | podman) echo "$CONTAINER_ENGINE" ;;
    "")
      if docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
        echo docker
      elif command -v podman >/dev/null && command -v podman-compose >/dev/null; then
        echo podman
      else
        die "needs Docker with Compose v2, or Podman with podman-compose (scripts/install-deps.sh containers installs Podman); make run needs neither"
      fi
      ;;
    *) die "CONTAINER_ENGINE is docker or podman, not $CONTAINER_ENGINE" ;;
  esac
}
ENGINE=

compose() {
  local f args=()
  for f in "${FILES[@]}"; do args+=(-f "$f"); done
  if [ "$ENGINE" = docker ]; then
    docker compose -p "$PROJECT" "${args[@]}" "$@"
  else
    podman-compose -p "$PROJECT" "${args[@]}" "$@"
  fi
}

# Every setting of compose.yml, as compose would see it: the defaults of
# .env.example, then .env, then this environment. podman-compose 1.0.3 reads
# neither ${VAR:-} nor ${VAR:+...}, so compose.yml uses neither; the values
# are all set here instead.
load_settings() {
  local -A from_env=()
  local name file line key value
  for name in $(compgen -e); do from_env[$name]=1; done
  for file in .env.example .env; do
    [ -f "$file" ] || continue
    while IFS= read -r line || [ -n "$line" ]; do
      [[ $line =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || continue
      key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
      [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]] && value=${BASH_REMATCH[1]}
      [ -n "${from_env[$key]:-}" ] || export "$key=$value" # the environment wins
    done <"$file"
  done
  # Which overlay of config/ the collector merges over otel-config.yaml:
  # the one set, or the one the backend settings call for.
  if [ -n "${OTEL_BACKEND_CONFIG:-}" ]; then
    :
  elif [ -n "${OTEL_BACKEND_TOKEN_URL:-}" ]; then
    [ -n "${OTEL_BACKEND_ENDPOINT:-}" ] || die "OTEL_BACKEND_TOKEN_URL is set but OTEL_BACKEND_ENDPOINT is not"
    OTEL_BACKEND_CONFIG=backend-oauth2.yaml
  elif [ -n "${OTEL_BACKEND_ENDPOINT:-}" ]; then
    OTEL_BACKEND_CONFIG=backend-otlphttp.yaml
  else
    OTEL_BACKEND_CONFIG=backend.yaml
  fi
  [ -f "config/$OTEL_BACKEND_CONFIG" ] || die "OTEL_BACKEND_CONFIG: no config/$OTEL_BACKEND_CONFIG"
  export OTEL_BACKEND_CONFIG
}

# The services in an order where each comes after what it depends on.
start_order() {
  local services done_list=() svc deps d ready progress
  services=$(yq -r '.services | keys[]' "${FILES[0]}")
  while [ ${#done_list[@]} -lt "$(wc -w <<<"$services")" ]; do
    progress=
    for svc in $services; do
      [[ " ${done_list[*]} " == *" $svc "* ]] && continue
      deps=$(yq -r ".services[\"$svc\"].depends_on // {} | keys[]" "${FILES[0]}")
      ready=1
      for d in $deps; do [[ " ${done_list[*]} " == *" $d "* ]] || ready=; done
      [ -n "$ready" ] && done_list+=("$svc") && progress=1
    done
    [ -n "$progress" ] || die "depends_on has a cycle"
  done
  printf '%s\n' "${done_list[@]}"
}

# Podman's container of a service (podman-compose names it PROJECT_SERVICE_1).
container_of() { echo "${PROJECT}_$1_1"; }

# Waits until a container's health check passes, running the check itself:
# Podman schedules health checks through systemd timers, which a container
# host without systemd does not have.
wait_healthy() {
  local ctr=$1 deadline=$((SECONDS + UP_TIMEOUT)) state
  if [ -z "$(podman inspect -f '{{if .Config.Healthcheck}}yes{{end}}' "$ctr")" ]; then
    return 0 # no health check: started is all there is to wait for
  fi
  until podman healthcheck run "$ctr" >/dev/null 2>&1; do
    state=$(podman inspect -f '{{.State.Status}}' "$ctr" 2>/dev/null || echo missing)
    [ "$state" = running ] || { podman logs --tail 30 "$ctr" >&2 || true; die "$ctr is $state"; }
    [ $SECONDS -lt "$deadline" ] || { podman logs --tail 30 "$ctr" >&2 || true; die "$ctr not healthy after ${UP_TIMEOUT}s"; }
    sleep 1
  done
}

# Whether the project has containers running (its stack is up already).
stack_running() {
  if [ "$ENGINE" = docker ]; then
    [ -n "$(compose ps -q 2>/dev/null)" ]
  else
    [ -n "$(podman ps -q --filter "label=io.podman.compose.project=$PROJECT" 2>/dev/null)" ]
  fi
}

# Stops, naming the variable that moves it, when a port compose.yml
# publishes ("127.0.0.1:${VAR:-default}:port") is held on this machine, so
# that no container is left half started for it.
check_ports() {
  local spec var port
  stack_running && return 0 # its own containers hold them
  for spec in $(yq -r '.services[].ports // [] | .[]' "${FILES[0]}"); do
    if [[ $spec =~ \$\{([A-Z_][A-Z0-9_]*)(:-([0-9]+))?\} ]]; then
      var=${BASH_REMATCH[1]}
      port=${!var:-${BASH_REMATCH[3]}}
    else
      var='' port=$(cut -d: -f2 <<<"$spec")
    fi
    port_in_use "$port" || continue
    [ -n "$var" ] || die "port $port is in use on 127.0.0.1; free it"
    die "port $port ($var) is in use on 127.0.0.1; free it, or set $var in .env or the environment"
  done
}

up() {
  check_ports
  mkdir -p .data/collector
  # The collector's image runs as uid 10001, which writes the file exporter's
  # folder (verify-collector.sh reads it).
  chown 10001:10001 .data/collector 2>/dev/null || [ "$(stat -c %u .data/collector)" = 10001 ] ||
    die "run 'sudo chown 10001 .data/collector' (the collector's user)"
  scripts/containers/base-image.sh "$ENGINE"
  if [ "$ENGINE" = docker ]; then
    compose up --build --detach --wait --wait-timeout "$UP_TIMEOUT"
    return
  fi
  local out svc
  out=$(compose build 2>&1) || { tail -40 <<<"$out" >&2; die "the images did not build"; }
  # podman-compose 1.0.3 exits 0 when a build fails: look for the images.
  for svc in $(yq -r '.services | to_entries[] | select(.value.build) | .key' "${FILES[0]}"); do
    podman image exists "${PROJECT}_$svc" || { tail -40 <<<"$out" >&2; die "the image of $svc did not build"; }
  done
  # Creates the network, volumes and containers without starting them; what
  # it says on the way that is not a failure (a volume it looked for before
  # making it, conmon without syslog) is left out.
  compose up --no-build --no-start 2>&1 >/dev/null | grep -vE 'no such volume|connect to syslog' >&2 || true
  for svc in $(start_order); do
    # Podman says it cannot schedule the health checks without systemd;
    # wait_healthy runs them.
    podman start "$(container_of "$svc")" 2>&1 >/dev/null | grep -vE 'systemd connection|connect to syslog' >&2 || true
    wait_healthy "$(container_of "$svc")"
    echo "compose: $svc is up"
  done
}

down() {
  if [ "$ENGINE" = docker ]; then
    compose down "$@"
    return
  fi
  # The same grace period as docker compose: SIGTERM, then 10 s, then SIGKILL.
  compose down -t 10 "$@" 2>&1 >/dev/null | grep -vE 'systemd connection|no container with name' >&2 || true
  podman network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
}

load_settings
[ "${1:-}" = backend-config ] && { echo "$OTEL_BACKEND_CONFIG"; exit 0; }
ENGINE=$(pick_engine)
case ${1:-} in
  up) up ;;
  down)
    shift
    down "$@"
    ;;
  logs) compose logs -f ;;
  log)
    [ -n "${2:-}" ] || die "usage: $0 log SERVICE"
    if [ "$ENGINE" = docker ]; then
      compose logs --no-color --no-log-prefix "$2"
    else
      podman logs "$(container_of "$2")"
    fi
    ;;
  engine) echo "$ENGINE" ;;
  *) die "usage: $0 up|down [-v]|logs|log SERVICE|engine|backend-config" ;;
esac
