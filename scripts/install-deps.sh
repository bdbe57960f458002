#!/usr/bin/env bash
# Installs the Debian packages this project builds, tests and runs with.
# Idempotent: when every package is present it only checks and returns.
set -euo pipefail

packages=(
  build-essential pkg-config clang clang-format cppcheck
  libmicrohttpd-dev libpq-dev libcurl4-openssl-dev libjansson-dev
  libprotobuf-c-dev protobuf-c-compiler zlib1g-dev
  postgresql curl jq wrk
)

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
  echo "install-deps: run 'sudo $0' (installing needs root)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
