#!/usr/bin/env bash
# libotel's layout, as make lint checks it: its modules depend on each other
# one way (scripts/lint/module-cycles.py: no circle, by includes or by
# calls); the core includes no integration, and the applications use
# libotel's public headers only (scripts/lint/boundaries.sh).
# Each checker is first run on a small tree that breaks its rule, so that a
# checker that stopped seeing the breach cannot pass.
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

mkdir -p "$WORK/libotel/src/trace" "$WORK/articles" "$WORK/service"
cp -r libotel/integrations "$WORK/libotel/"
printf '#include <otel/pq.h>\n' >"$WORK/libotel/src/trace/a.c"
printf '#include <microhttpd.h>\n' >"$WORK/libotel/src/trace/b.h"
printf '#include "own.h"\n#include "http.h"\n#include "otlp_codec.h"\n#include "trace/span.h"\n' >"$WORK/articles/c.c"
touch "$WORK/articles/own.h" "$WORK/service/http.h"
printf '#include "support.h"\n#include "trace/span.h"\n' >"$WORK/libotel/integrations/mhd/d.c"
out=$(scripts/lint/boundaries.sh "$WORK")
check boundaries_fail_on_a_crossing test $? -eq 1
check boundaries_see_an_integration_header grep -q 'a.c:1:#include <otel/pq.h>' <<<"$out"
check boundaries_see_an_instrumented_library grep -q 'b.h:1:#include <microhttpd.h>' <<<"$out"
check boundaries_see_a_private_header grep -q 'c.c:4:#include "trace/span.h"' <<<"$out"
check boundaries_let_own_shared_and_codec_headers eq "$(grep -c 'c.c:[123]:' <<<"$out")" 0
check boundaries_see_an_integration_reach_inside grep -q 'd.c:2:#include "trace/span.h"' <<<"$out"
check boundaries_let_the_integration_support eq "$(grep -c 'd.c:1:' <<<"$out")" 0
check layout_keeps_its_boundaries scripts/lint/boundaries.sh .
finish layout
