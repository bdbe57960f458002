#!/usr/bin/env bash
# libotel's modules depend on each other one way (scripts/lint/module-cycles.py,
# which make lint runs): none of them in a circle, by includes or by calls.
# First the checker itself, on a small tree with one circle of each kind, so
# that a checker that stopped seeing circles cannot pass.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
source "$TOP/tests/support/assert.sh"
cd "$TOP" || exit 1
WORK=$(mktemp -d /tmp/modules-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/src" "$WORK/obj"
printf 'void b(void);\nvoid a(void) { b(); }\n' >"$WORK/src/a.c"
printf 'void a(void);\nvoid b(void) { a(); }\n' >"$WORK/src/b.c"
printf '#include "d.h"\n' >"$WORK/src/c.h"
printf '#include "c.h"\n' >"$WORK/src/d.h"
for m in a b; do cc -c "$WORK/src/$m.c" -o "$WORK/obj/$m.o"; done
out=$(python3 scripts/lint/module-cycles.py "$WORK/src" "$WORK/obj")
check checker_fails_on_circles test $? -eq 1
check checker_sees_the_include_circle grep -q '^  c -> d$' <<<"$out"
check checker_sees_the_call_circle grep -q '^  a -> b$' <<<"$out"

make -s VARIANT=release lib >/dev/null
check libotel_modules_one_way python3 scripts/lint/module-cycles.py libotel/src build/release/libotel/src
finish modules
