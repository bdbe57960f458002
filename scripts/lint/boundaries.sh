#!/usr/bin/env bash
# The boundaries of libotel's layout (make lint):
#   - the core (libotel/src) includes no integration: neither an
#     integration's header (otel/mhd.h, otel/pq.h, otel/curl.h, or any file
#     of libotel/integrations) nor the library it instruments
#     (microhttpd.h, libpq-fe.h). libcurl is the core's own transport, so
#     curl/curl.h is allowed there.
#   - the integrations use libotel's public API only: a quoted include
#     names a file of their own folder or of libotel/integrations/support,
#     so that they link with libotel.so as well as with libotel.a.
#   - the applications (articles, notify, receiver, service, examples) use
#     libotel's public headers only: a quoted include names a file of their
#     own folder or of service/, or the OTLP codec ("otlp_codec.h" and its
#     generated "otlp/*.pb-c.h"), never a header of libotel/src.
# Prints each include that crosses a boundary; exits 1 if any does.
#
#   scripts/lint/boundaries.sh [TOP]    (the repository: its libotel/ and the
#                                        applications' folders)
set -u
top=${1:-.}
root=$top/libotel
status=0
integration_headers=$(cd "$root/integrations" && find . -name '*.h' -path '*/otel/*' | sed 's|.*/otel/|otel/|' | sort -u)
pattern='#[[:space:]]*include[[:space:]]*[<"]((\.\./)*integrations/|microhttpd\.h|libpq-fe\.h'
for h in $integration_headers; do pattern+="|${h//./\\.}"; done
pattern+=')'
crossings=$(grep -rnE "$pattern" "$root/src" --include='*.c' --include='*.h')
if [ -n "$crossings" ]; then
  echo "boundaries: the core (libotel/src) includes an integration:"
  sed 's/^/  /' <<<"$crossings"
  status=1
fi

inside=()
while IFS=: read -r file line text; do
  name=$(sed -E 's/.*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/' <<<"$text")
  [ -e "$(dirname "$file")/$name" ] || [ -e "$root/integrations/support/$name" ] ||
    inside+=("$file:$line:$text")
done < <(grep -rnE '#[[:space:]]*include[[:space:]]*"' "$root/integrations" --include='*.c' --include='*.h')
if [ ${#inside[@]} -gt 0 ]; then
  echo "boundaries: an integration includes a header that is not libotel's public API:"
  printf '  %s\n' "${inside[@]}"
  status=1
fi

private=()
for app in articles notify receiver service examples; do
  [ -d "$top/$app" ] || continue
  while IFS=: read -r file line text; do
    name=$(sed -E 's/.*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/' <<<"$text")
    case $name in
      otlp_codec.h | otlp/*.pb-c.h) continue ;;
    esac
    [ -e "$(dirname "$file")/$name" ] || [ -e "$top/service/$name" ] || private+=("$file:$line:$text")
  done < <(grep -rnE '#[[:space:]]*include[[:space:]]*"' "$top/$app" --include='*.c' --include='*.h')
done
if [ ${#private[@]} -gt 0 ]; then
  echo "boundaries: an application includes a header that is not libotel's public API:"
  printf '  %s\n' "${private[@]}"
  status=1
fi
exit $status
