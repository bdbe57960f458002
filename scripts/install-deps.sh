#!/usr/bin/env bash
# Installs the Debian packages a make target needs. One argument picks a set:
#   build    compile libotel, the services and the examples: make build and
#            make install, and the images' build stage
#   run      build, plus what the local stack runs and its checks use:
#            PostgreSQL, curl and jq (make run, make test-api,
#            make verify-collector)
#   test     run, plus the test, lint and benchmark tools (make test,
#            make lint, make bench); `all` is the same set
#   runtime  run the services: the images' final stage
#   containers  make docker-up and make test-containers: yq, and Podman with
#            runc, netavark, podman-compose and debootstrap for the base image,
#            unless Docker with Compose v2 answers
#   kubernetes  make test-k8s: jq and yq, and Node.js with npm unless the
#            machine has them (kubectl, with its kustomize, is not among
#            Debian's packages: the check says so when it is missing)
# `--list SET` prints a set's packages, one a line, and installs nothing.
# Idempotent: when every package is present it only checks and returns.
set -euo pipefail

build=(
  build-essential pkg-config
  libmicrohttpd-dev libpq-dev libcurl4-openssl-dev libjansson-dev
  libprotobuf-c-dev protobuf-c-compiler zlib1g-dev libyaml-dev
)
# The local stack: its PostgreSQL server, and the HTTP and JSON tools that
# make run, scripts/test-api.sh and scripts/verify-collector.sh call.
run=(postgresql curl jq)
runtime=(libmicrohttpd12 libpq5 libcurl4 libjansson4 libprotobuf-c1 zlib1g libyaml-0-2 curl ca-certificates)
# Tests, lint and benchmarks: the sanitizer and lint tools, YAML for the
# compose checks, the load generator, valgrind (make bench-instructions),
# Python for its standard HTTP client, ss (iproute2) for the listeners'
# accept queues, CMake for the install check's CMake consumer, openssl for
# the TLS suites' certificates, and the gRPC suite's third-party server:
# Debian's Python gRPC with the OTLP messages compiled by protoc; and
# Debian's GnuTLS build of libcurl, which otel-instrument's suite links a
# program against.
tools=(clang clang-format cppcheck shellcheck yq wrk valgrind python3 iproute2 cmake openssl
  python3-grpcio python3-protobuf protobuf-compiler libcurl3-gnutls)

# (netavark sets up the containers' networks with iptables, which nothing
# else here is sure to pull in.)
containers=(yq)
docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1 ||
  containers+=(podman runc netavark aardvark-dns iptables podman-compose debootstrap)
# (a Node.js installed otherwise, with its own npm, is kept: Debian's npm
# package would conflict with it)
kubernetes=(jq yq)
command -v node >/dev/null && command -v npm >/dev/null || kubernetes+=(nodejs npm)

list=
if [ "${1:-}" = --list ]; then
  list=1
  shift
fi
case ${1:-test} in
  build) packages=("${build[@]}") ;;
  run) packages=("${build[@]}" "${run[@]}") ;;
  test | all) packages=("${build[@]}" "${run[@]}" "${tools[@]}") ;;
  runtime) packages=("${runtime[@]}") ;;
  containers) packages=("${containers[@]}") ;;
  kubernetes) packages=("${kubernetes[@]}") ;;
  *)
    echo "usage: $0 [--list] [build|run|test|runtime|containers|kubernetes]" >&2
    exit 2
    ;;
esac
if [ -n "$list" ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  echo "install-deps: not Debian: nothing installed; docs/using-libotel.md names what libotel needs" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: run 'sudo $0 ${1:-test}' (installing needs root)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
