#!/usr/bin/env bash
# Makes sure the base image the Dockerfile names (debian:bookworm-slim) is
# present. An image that is there is used as it is. Otherwise it is pulled,
# and where no registry can be reached it is built here: debootstrap's
# minbase of bookworm, trimmed the way the slim image is (no package
# caches, lists, documentation or locales, and none in later installs),
# then imported under the official name.
#
#   scripts/containers/base-image.sh ENGINE     (docker or podman)
set -euo pipefail
engine=${1:?usage: $0 docker|podman}
IMAGE=docker.io/library/debian:bookworm-slim
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if "$engine" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base-image: $IMAGE is present"
  exit 0
fi
if "$engine" pull -q "$IMAGE" >/dev/null 2>&1; then
  echo "base-image: $IMAGE pulled"
  exit 0
fi
command -v debootstrap >/dev/null ||
  { echo "base-image: no $IMAGE and no debootstrap to build it (scripts/install-deps.sh containers)" >&2; exit 1; }

root=$(mktemp -d /tmp/bookworm-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "base-image: building $IMAGE with debootstrap (no registry reached)"
debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$root.log" 2>&1 ||
  { tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"

cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
rm -f "$root/etc/apt/sources.list"
# What later installs leave out, as in the slim image.
cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
# No recommended packages, no package caches kept after an install.
cat >"$root/etc/apt/apt.conf.d/slim" <<'APT'
APT::Install-Recommends "false";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
APT
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
  "$root"/var/log/* "$root"/usr/share/man/* "$root"/usr/share/info/*
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +

# (docker import has no --quiet: what either engine prints is shown only if it fails)
tar -C "$root" -c . | "$engine" import --change 'CMD ["bash"]' - "$IMAGE" >"$root.log" 2>&1 ||
  { cat "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
echo "base-image: $IMAGE imported ($(du -sh "$root" | cut -f1))"
