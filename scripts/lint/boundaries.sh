#!/usr/bin/env bash
# The boundaries of libotel's layout (make lint):
#   - the core (libotel/src) includes no integration: neither an
#     integration's header (otel/mhd.h, otel/pq.h, otel/curl.h, or any file
#     of libotel/integrations) nor the library it instruments
#     (microhttpd.h, libpq-fe.h). libcurl is the core's own transport, so
#     curl/curl.h is allowed there.
# Prints each include that crosses a boundary; exits 1 if any does.
#
#   scripts/lint/boundaries.sh [LIBOTEL_DIR]    (libotel)
set -u
root=${1:-libotel}
integration_headers=$(cd "$root/integrations" && find . -name '*.h' -path '*/otel/*' | sed 's|.*/otel/|otel/|' | sort -u)
pattern='#[[:space:]]*include[[:space:]]*[<"]((\.\./)*integrations/|microhttpd\.h|libpq-fe\.h'
for h in $integration_headers; do pattern+="|${h//./\\.}"; done
pattern+=')'
crossings=$(grep -rnE "$pattern" "$root/src" --include='*.c' --include='*.h')
if [ -n "$crossings" ]; then
  echo "boundaries: the core (libotel/src) includes an integration:"
  sed 's/^/  /' <<<"$crossings"
  exit 1
fi
