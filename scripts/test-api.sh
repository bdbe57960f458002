#!/usr/bin/env bash
# Smoke test of a running stack (make run or make docker-up): health of both
# services, an article's whole life (create, get, list, update, delete), the
# error answers of docs/api.md and the X-Trace-Id header. One PASS or FAIL line per
# check, then "N passed, M failed"; exits 1 if anything failed.
#
#   API_BASE_URL     articles (default http://127.0.0.1:8080)
#   NOTIFY_BASE_URL  notify   (default http://127.0.0.1:8081)
#
# Needs bash, curl and jq.
set -u
API=${API_BASE_URL:-http://127.0.0.1:8080}
NOTIFY=${NOTIFY_BASE_URL:-http://127.0.0.1:8081}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/checks.sh"

# request METHOD URL [BODY [CONTENT-TYPE]]: sets STATUS, BODY and HEADERS.
request() {
  local method=$1 url=$2
  local args=(-s -m 10 -X "$method" -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}')
  [ $# -ge 3 ] && args+=(-H "Content-Type: ${4:-application/json}" --data-binary "$3")
  STATUS=$(curl "${args[@]}" "$url")
  BODY=$(cat "$TMP/body" 2>/dev/null)
  HEADERS=$(tr -d '\r' <"$TMP/headers" 2>/dev/null)
}

header() { printf '%s\n' "$HEADERS" | sed -n "s/^$1: //Ip" | head -1; }
field() { jq -r "$1" <<<"$BODY" 2>/dev/null; }

# The last response carried a trace id of 32 lower-case hex digits, not all 0.
expect_trace_id() {
  local id
  id=$(header X-Trace-Id)
  if [[ $id =~ ^[0-9a-f]{32}$ && $id != 00000000000000000000000000000000 ]]; then
    expect "$1 has X-Trace-Id" ok ok
  else
    expect "$1 has X-Trace-Id" "$id" "32 hex digits, not all 0"
  fi
}

# --- health ---
request GET "$API/api/health"
expect "articles health" "$STATUS $(field .status)" "200 ok"
expect_trace_id "articles health"
request GET "$API/api/ready"
expect "articles ready (database reachable)" "$STATUS $(field .status)" "200 ready"
request GET "$NOTIFY/health"
expect "notify health" "$STATUS $(field .status)" "200 ok"
expect_trace_id "notify health"

# --- an article's life ---
title="smoke test $(date -u +%FT%TZ) $$"
request POST "$API/api/articles" "$(jq -cn --arg t "$title" '{title: $t, body: "Hello, world"}')"
expect "create: 201" "$STATUS" 201
ID=$(field .id)
expect "create: Location" "$(header Location)" "/api/articles/$ID"
expect "create: stored values" "$(field '[.title, .body] | @json')" "$(jq -cn --arg t "$title" '[$t, "Hello, world"]')"
expect_trace_id "create"
CREATED=$BODY

request GET "$API/api/articles/$ID"
expect "get: the created article" "$STATUS $BODY" "200 $CREATED"

request GET "$API/api/articles?limit=1&offset=0"
expect "list: 200 with limit and offset" "$STATUS $(field '[.limit, .offset, (.items | length)] | @json')" "200 [1,0,1]"
total=$(field .total)
[[ $total =~ ^[0-9]+$ ]] && [ "$total" -ge 1 ] && t=ok || t="total=$total"
expect "list: total counts the table" "$t" ok
request GET "$API/api/articles?limit=1&offset=$((total - 1))"
expect "list: the last page ends with the newest article" "$(field '.items[0].id')" "$ID"

sleep 0.01 # updated_at has microseconds; make sure the clock moves
request PUT "$API/api/articles/$ID" '{"title":"smoke test, updated","body":"Changed"}'
expect "update: 200 with the new values" "$STATUS $(field '[.title, .body] | @json')" '200 ["smoke test, updated","Changed"]'
expect "update: created_at kept" "$(field .created_at)" "$(jq -r .created_at <<<"$CREATED")"
later=$(jq -rn --arg a "$(field .updated_at)" --arg b "$(jq -r .updated_at <<<"$CREATED")" '$a > $b')
expect "update: updated_at moves forward" "$later" true

request DELETE "$API/api/articles/$ID"
expect "delete: 204 with an empty body" "$STATUS [$BODY]" "204 []"
request GET "$API/api/articles/$ID"
expect "get after delete: 404" "$STATUS $BODY" "404 {\"status_code\":404,\"detail\":\"Article $ID not found\"}"
expect_trace_id "404"
request DELETE "$API/api/articles/$ID"
expect "delete again: 404" "$STATUS" 404
request PUT "$API/api/articles/$ID" '{"title":"t","body":"b"}'
expect "update a deleted article: 404" "$STATUS" 404
request GET "$API/api/articles/not-a-number"
expect "a non-numeric id: 404" "$STATUS" 404
request GET "$API/api/nowhere"
expect "an unknown path: 404" "$STATUS" 404

# --- errors ---
request POST "$API/api/articles" '{"body":"no title"}'
expect "missing title: 400 with extra" "$STATUS $(field '.extra[0] | [.key, .source] | @json')" '400 ["title","body"]'
request POST "$API/api/articles" '{"title":42,"body":"b"}'
expect "title not a string: 400" "$STATUS $(field '.extra[0].message')" "400 Expected \`str\`, got \`int\`"
request POST "$API/api/articles" '{"title":"unterminated'
expect "malformed JSON: 400" "$STATUS $(field .status_code)" "400 400"
request PATCH "$API/api/articles"
allow=$(header Allow | tr -d ' ' | tr , '\n' | sort | paste -sd,)
expect "wrong method: 405 with Allow" "$STATUS $allow" "405 GET,HEAD,POST"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' a >"$TMP/big"
request POST "$API/api/articles" "@$TMP/big"
expect "body over 1 MiB: 413" "$STATUS $(field .status_code)" "413 413"
request POST "$API/api/articles" 'title=x&body=y' application/x-www-form-urlencoded
expect "not JSON: 415" "$STATUS $(field .status_code)" "415 415"
request GET "$API/api/articles?limit=0"
expect "limit=0: 400 from the query" "$STATUS $(field '.extra[0] | [.key, .source] | @json')" '400 ["limit","query"]'
request GET "$API/api/articles?limit=abc"
expect "limit=abc: 400" "$STATUS" 400
request POST "$NOTIFY/notify" '{"article_id":"x","title":"t"}'
expect "notify with a bad body: 400" "$STATUS $(field .status_code)" "400 400"
expect_trace_id "notify 400"

summary
