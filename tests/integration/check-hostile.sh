#!/usr/bin/env bash
# Hostile input to both services, with telemetry on: every prefix of a valid
# body, deep nesting, invalid UTF-8 and surrogates, NUL bytes, huge numbers,
# oversize bodies, headers and request lines, bad trace context headers,
# unicode at the length limits, SQL metacharacters, raw garbage on the
# socket. Each gets the answer docs/api.md gives, and both services stay up.
# (check-articles.sh covers the ordinary validation errors.)
# shellcheck disable=SC2154 # NAME_PID variables are set by start_service
source "$(dirname "$0")/lib.sh"

prepare_services || exit 1
start_sink || exit 1
OTEL=("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT" OTEL_BSP_SCHEDULE_DELAY=100)
start_service notify PORT=$NP HOST=127.0.0.1 "${OTEL[@]}"
start_service articles PORT=$AP HOST=127.0.0.1 NOTIFY_URL=$NOTIFY/notify "${OTEL[@]}"
wait_http "$API/health" && wait_http "$NOTIFY/health" || exit 1

# The error body of docs/api.md, for the status just received.
error_body() { jq -e --argjson s "$STATUS" '.status_code == $s and (.detail | type) == "string"' <<<"$BODY" >/dev/null; }
# STATUS is $1 and the body is the error body of docs/api.md.
refused() { [ "$STATUS" = "$1" ] && error_body; }

# post_file NAME FILE STATUS [URL]: the file as a JSON body; the answer is
# STATUS (with the error body of docs/api.md when it is an error).
post_file() {
  STATUS=$(curl -s -o "$WORK/body" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$2" "${4:-$API/articles}")
  BODY=$(cat "$WORK/body")
  if [ "$3" -lt 400 ]; then check "$1" eq "$STATUS" "$3"; else check "$1" refused "$3"; fi
}

# --- every proper prefix of a valid body is refused; the whole is accepted ---
valid='{"title":"Prefix test é","body":"Hello \u00e9 \"quoted\" [1,2]","extra":{"n":[1.5e3,true,null]}}'
prefix_failures=0
for ((i = 0; i < ${#valid}; i++)); do
  request POST "$API/articles" "${valid:0:i}"
  refused 400 || { echo "    prefix $i: $STATUS $BODY" >&2; prefix_failures=$((prefix_failures + 1)); }
done
check every_prefix_is_400 eq "$prefix_failures" 0
request POST "$API/articles" "$valid"
check the_whole_body_is_201 eq "$STATUS" 201

# --- structure ---
printf '%.0s[' $(seq 100000) >"$WORK/deep"
post_file deep_array_nesting "$WORK/deep" 400
{ printf '{"title":"t","body":"b","x":'; printf '%.0s{"a":' $(seq 5000); printf '1'; printf '%.0s}' $(seq 5000); printf '}'; } >"$WORK/deep-object"
post_file deep_object_in_an_unknown_field "$WORK/deep-object" 400
request POST "$API/articles" '{"title":"t","body":"b","title":"again"}'
check duplicate_key_last_wins eq "$STATUS:$(jq -r .title <<<"$BODY")" "201:again"
request POST "$API/articles" '"just a string"'
check a_json_string refused 400
request POST "$API/articles" ''
check an_empty_body refused 400
request POST "$API/articles" '{"title":"t","body":"b"} trailing'
check trailing_garbage refused 400

# --- bytes and encodings ---
printf '{"title":"a\x00b","body":"x"}' >"$WORK/nul"
post_file raw_nul_byte "$WORK/nul" 400
printf '{"title":"\xc0\xaf","body":"x"}' >"$WORK/overlong"
post_file overlong_utf8 "$WORK/overlong" 400
printf '{"title":"\xed\xa0\x80","body":"x"}' >"$WORK/surrogate"
post_file utf8_encoded_surrogate "$WORK/surrogate" 400
request POST "$API/articles" '{"title":"\ud800","body":"x"}'
check lone_surrogate_escape refused 400
request POST "$API/articles" '{"title":"\ud83d\ude00 pair","body":"x"}'
check surrogate_pair_escape_ok eq "$STATUS:$(jq -r .title <<<"$BODY")" "201:😀 pair"
request POST "$API/articles" '{"title":"t","body":"b","n":1e999999}'
check huge_number refused 400
request POST "$API/articles" '{"title":"t","body":"b","n":123456789012345678901234567890}'
check huge_integer_in_an_unknown_field eq "$STATUS" 400
request POST "$API/articles" '{"title":1e308,"body":"b"}'
check number_as_title refused 400

# --- unicode at the length limits (code points, not bytes) ---
emoji255=$(printf '😀%.0s' $(seq 255))
request POST "$API/articles" "{\"title\":\"$emoji255\",\"body\":\"\"}"
check title_255_four_byte_chars eq "$STATUS:$(jq -r '.title | length' <<<"$BODY")" "201:255"
EMOJI_ID=$(jq -r .id <<<"$BODY")
request GET "$API/articles/$EMOJI_ID"
check read_back_whole eq "$(jq -r .title <<<"$BODY")" "$emoji255"
request POST "$API/articles" "{\"title\":\"${emoji255}😀\",\"body\":\"\"}"
check title_256_four_byte_chars refused 400
{ printf '{"title":"long body","body":"'; printf '😀%.0s' $(seq 100000); printf '"}'; } >"$WORK/body-100k"
post_file body_100000_four_byte_chars "$WORK/body-100k" 201
{ printf '{"title":"long body","body":"'; printf '😀%.0s' $(seq 100001); printf '"}'; } >"$WORK/body-100k1"
post_file body_100001_four_byte_chars "$WORK/body-100k1" 400

# --- SQL metacharacters are data ---
for s in "'; DROP TABLE articles; --" '\\x00\\' '$1 $2 %s %n' "Robert'); DELETE FROM articles WHERE ('1'='1"; do
  request POST "$API/articles" "$(jq -cn --arg t "$s" '{title: $t, body: $t}')"
  check "stored_verbatim_${#s}" eq "$STATUS:$(jq -r .title <<<"$BODY")" "201:$s"
done
check table_still_there test "$(psql_query 'SELECT count(*) > 0 FROM articles')" = t

# --- sizes beyond the limits ---
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$WORK/2mib"
post_file body_2mib "$WORK/2mib" 413
# No length to refuse up front: 413 once past 1 MiB, after the rest is read.
STATUS=$(curl -s -o "$WORK/body" -w '%{http_code}' -H 'Content-Type: application/json' -H 'Expect:' \
  -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/2mib" "$API/articles")
check chunked_body_2mib_413 eq "$STATUS" 413
# A client that writes its whole body before it reads (Python's http.client,
# so requests and urllib3) gets the 413 too: the rest is read and dropped.
TOO_LARGE='413 {"status_code":413,"detail":"Request Entity Too Large"}'
client() { python3 "$TOP/tests/integration/http_client.py" "$@"; }
check whole_4mib_body_before_reading_gets_413 eq "$(client post-before-read "$AP" /api/articles $((4 << 20)))" "$TOO_LARGE"
check chunked_4mib_before_reading_gets_413 eq "$(client post-before-read "$AP" /api/articles $((4 << 20)) chunked)" "$TOO_LARGE"
check notify_4mib_before_reading_gets_413 eq "$(client post-before-read "$NP" /notify $((4 << 20)))" "$TOO_LARGE"
check unknown_path_4mib_before_reading_gets_404 eq "$(client post-before-read "$AP" /api/nope $((4 << 20)) | cut -d' ' -f1)" 404
# The body is never stored: no article came of those.
check oversize_bodies_not_stored eq "$(psql_query "SELECT count(*) FROM articles WHERE length(body) > 1048576")" 0
# Past the drain's bound (64 MiB) the answer goes at once: nothing waits for an endless body.
STATUS=$(head -c $((80 << 20)) /dev/zero | curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H 'Expect:' -H 'Transfer-Encoding: chunked' --data-binary @- "$API/articles")
check endless_body_cut_short eval '[[ $STATUS == 413 || $STATUS == 000 ]]'
request GET "$API/health"
check served_after_the_chunked_body eq "$STATUS" 200
# Headers up to the connection buffer (16 KiB, service/http.c) are served.
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -c 8192 /dev/zero | tr '\0' t)" "$API/health")
check an_8kib_header_served eq "$STATUS" 200
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' h)" "$API/health")
check header_over_16kib eq "$STATUS" 431
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 70000 /dev/zero | tr '\0' h)" "$API/health")
check header_over_64kib eq "$STATUS" 431
many=()
for i in $(seq 2000); do many+=(-H "X-H$i: v"); done
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "${many[@]}" "$API/health")
check two_thousand_headers eq "$STATUS" 431
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$API/articles/$(head -c 70000 /dev/zero | tr '\0' 1)")
check request_line_over_64kib eq "$STATUS" 414
request GET "$API/articles/$(printf '9%.0s' $(seq 400))"
check a_400_digit_id refused 404
request GET "$API/articles?limit=$(printf '9%.0s' $(seq 400))"
check a_400_digit_limit refused 400
request GET "$API/../../etc/passwd"
check dot_dot_path refused 404
request GET "$API/articles/%31"
check percent_encoded_id eq "$STATUS" 404

# --- trace context headers: invalid ones are ignored, never fatal ---
bad_parents=(
  'garbage' '00-00000000000000000000000000000000-00f067aa0ba902b7-01'
  '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01' 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
  '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'
  "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01$(printf 'x%.0s' $(seq 3000))"
)
for i in "${!bad_parents[@]}"; do
  STATUS=$(curl -s -D "$WORK/headers" -o /dev/null -w '%{http_code}' -H "traceparent: ${bad_parents[$i]}" \
    -H 'tracestate: ,,=,a=b=c,,' -H 'baggage: ;;%zz=%%,=,k=v;;;' "$API/health")
  HEADERS=$(tr -d '\r' <"$WORK/headers")
  id=$(header X-Trace-Id)
  check "bad_traceparent_$i" eq "$STATUS:$([[ $id =~ ^[0-9a-f]{32}$ && $id != 4bf92f3577b34da6a3ce929d0e0e4736 ]] && echo new)" "200:new"
done
# Far past the W3C limits (32 tracestate members; 8,192 bytes and 180
# members of baggage), within the 16 KiB of headers.
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "tracestate: $(printf 'k%d=v,' $(seq 400))" \
  -H "baggage: $(printf 'k%d=v,' $(seq 1200))" \
  -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' "$API/health")
check huge_tracestate_and_baggage eq "$STATUS" 200
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H 'traceparent: 00-zz-zz-zz' -H $'baggage: \x01\x02' --data-binary '{"article_id":1,"title":"t"}' "$NOTIFY/notify")
check notify_with_bad_trace_headers eq "$STATUS" 200

# --- notify's own endpoint ---
for body in '{"article_id":"1","title":"t"}' '{"article_id":1}' '{"article_id":1e999,"title":"t"}' \
  '{"article_id":1,"title":"\ud800"}' '[]' '{' 'null'; do
  request POST "$NOTIFY/notify" "$body"
  check "notify_refuses_${#body}" refused 400
done
post_file notify_2mib "$WORK/2mib" 413 "$NOTIFY/notify"
# A title past the log line's 64 KiB: the line is written, the title shortened.
{ printf '{"article_id":70000,"title":"'; head -c 70000 /dev/zero | tr '\0' t; printf '"}'; } >"$WORK/long-title"
post_file notify_long_title "$WORK/long-title" 200 "$NOTIFY/notify"
long_line() { grep '"message":"article notification received"' "$WORK/notify.log" | grep '"article_id":70000'; }
long_line_written() { long_line >/dev/null; }
check long_title_line_written eventually long_line_written
check long_title_line_marked eq "$(long_line | jq -r '.title | endswith("... [shortened from 70000 bytes]")')" true

# --- not HTTP at all: whatever comes back (if anything, within 2 s), the
# service answers the next client ---
raw() { # NAME BYTES: BYTES to the articles port, then a health check
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$AP; printf '$2' >&3; cat <&3 >/dev/null"
  request GET "$API/health"
  check "$1" eq "$STATUS" 200
}
raw raw_garbage_with_nul '\x00\x01\x02\xff\xfe garbage\r\n\r\n'
raw raw_bad_request_line 'GET\r\n\r\n'
raw raw_bad_version 'GET /api/health HTTP/9.9\r\n\r\n'
raw raw_negative_length 'POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n'
raw raw_huge_length 'POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n'

# --- and both services are still well ---
request GET "$API/ready"
check articles_still_ready eq "$STATUS" 200
request GET "$NOTIFY/health"
check notify_still_healthy eq "$STATUS" 200
request POST "$API/articles" '{"title":"after the storm","body":"fine"}'
check articles_still_creates eq "$STATUS" 201
check both_processes_alive kill -0 "$articles_PID" "$notify_PID"
kill -TERM "$articles_PID" "$notify_PID"
wait "$articles_PID"
check articles_exits_0 eq "$?" 0
wait "$notify_PID"
check notify_exits_0 eq "$?" 0
check no_sanitizer_report eval '! grep -l Sanitizer "$WORK"/*.log'
finish integration_hostile
