#!/usr/bin/env bash
# The release binaries (what make build, make run and the images ship) carry
# the hardening the Makefile asks for, read off the ELF files themselves:
# position-independent, relocations read-only and bound at start (RELRO,
# BIND_NOW), the stack protector and fortified libc calls linked in. A
# binary built without the flags fails here (checked: a plain -O2 build
# lacks BIND_NOW, the stack protector and the fortified calls; PIE and a
# partial RELRO are Debian's gcc defaults).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/tests/support/assert.sh"
BIN=${BIN:-$TOP/build/release/bin}

pie() { readelf -hW "$1" | grep -q 'Type: *DYN'; }
relro() { readelf -lW "$1" | grep -q GNU_RELRO; }
bind_now() { readelf -dW "$1" | grep -qE '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW'; }
stack_protector() { nm -D "$1" | grep -q ' U __stack_chk_fail'; }
fortified() { nm -D "$1" | grep -qE ' U __[a-z]+_chk@'; }

for bin in articles notify receiver; do
  for property in pie relro bind_now stack_protector fortified; do
    check "${bin}_$property" "$property" "$BIN/$bin"
  done
done
finish build_hardening
