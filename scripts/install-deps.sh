#!/usr/bin/env bash
# Installs the Debian packages this project needs. One argument picks a set:
#   all      (default) build, test and run the local stack: make build/test/run
#   build    compile libotel and the services: the Docker images' build stage
#   runtime  run the services: the Docker images' final stage
#   containers  the compose stack with Podman (make docker-up where Docker
#            is not installed, make test-containers): Podman with runc and
#            netavark, podman-compose, debootstrap for the base image
#   kubernetes  make test-k8s: jq and yq, and Node.js with npm unless the
#            machine has them (kubectl, with its kustomize, is not among
#            Debian's packages: the check says so when it is missing)
# Idempotent: when every package is present it only checks and returns.
set -euo pipefail

build=(
  build-essential pkg-config
  libmicrohttpd-dev libpq-dev libcurl4-openssl-dev libjansson-dev
  libprotobuf-c-dev protobuf-c-compiler zlib1g-dev
)
runtime=(libmicrohttpd12 libpq5 libcurl4 libjansson4 libprotobuf-c1 zlib1g curl ca-certificates)
# Tests and the local stack: the sanitizer and lint tools, a PostgreSQL
# server, the HTTP and JSON/YAML tools the scripts use, the load generator,
# valgrind (make bench-instructions), Python for its standard HTTP client,
# ss (iproute2) for the listeners' accept queues, CMake for the install check's
# CMake consumer, openssl for the TLS suite's certificates, and the gRPC
# suite's third-party server: Debian's Python gRPC with the OTLP messages
# compiled by protoc.
tools=(clang clang-format cppcheck shellcheck postgresql curl jq yq wrk valgrind python3 iproute2 cmake openssl
  python3-grpcio python3-protobuf protobuf-compiler)

# (netavark sets up the containers' networks with iptables, which nothing
# else here is sure to pull in.)
containers=(podman runc netavark aardvark-dns iptables podman-compose debootstrap)
# (a Node.js installed otherwise, with its own npm, is kept: Debian's npm
# package would conflict with it)
kubernetes=(jq yq)
command -v node >/dev/null && command -v npm >/dev/null || kubernetes+=(nodejs npm)

case ${1:-all} in
  all) packages=("${build[@]}" "${tools[@]}") ;;
  build) packages=("${build[@]}") ;;
  runtime) packages=("${runtime[@]}") ;;
  containers) packages=("${containers[@]}") ;;
  kubernetes) packages=("${kubernetes[@]}") ;;
  *)
    echo "usage: $0 [all|build|runtime|containers|kubernetes]" >&2
    exit 2
    ;;
esac

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
  echo "install-deps: run 'sudo $0 ${1:-all}' (installing needs root)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
