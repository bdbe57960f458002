#!/usr/bin/env bash
# articles and notify against a private PostgreSQL: every answer of docs/api.md
# (articles and notify), the error cases, notify failing, concurrent creates, the
# database going away and coming back, and SIGTERM with requests in flight.
# shellcheck disable=SC2154 # NAME_PID variables are set by start_service
source "$(dirname "$0")/lib.sh"

prepare_services || exit 1
start_service notify PORT=$NP HOST=127.0.0.1 OTEL_TRACES_EXPORTER=none
# One server thread, so that a blocking handler run on it would be seen.
start_service articles PORT=$AP HOST=127.0.0.1 NOTIFY_URL=$NOTIFY/notify NOTIFY_TIMEOUT_MS=1500 \
  HTTP_THREADS=1 OTEL_TRACES_EXPORTER=none
wait_http "$API/health" && wait_http "$NOTIFY/health" || exit 1

TS='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$'
trace_id_ok() { [[ "$(header X-Trace-Id)" =~ ^[0-9a-f]{32}$ ]]; }
json() { jq -r "$1" <<<"$BODY"; }
jc() { jq -c "$1" <<<"$BODY"; }

# --- health and readiness ---
request GET "$API/health"
check health_200 eq "$STATUS" 200
check health_body eq "$BODY" '{"status":"ok","service":"articles"}'
check health_trace_id trace_id_ok
check health_content_type eq "$(header Content-Type)" application/json
request GET "$API/ready"
check ready_200 eq "$STATUS:$BODY" '200:{"status":"ready"}'
request GET "$NOTIFY/health"
check notify_health eq "$STATUS:$BODY" '200:{"status":"ok","service":"notify"}'

# --- create ---
request POST "$API/articles" '{"title":"First","body":"Hello","extra":"ignored"}'
check create_201 eq "$STATUS" 201
ID=$(json .id)
check create_location eq "$(header Location)" "/api/articles/$ID"
check create_key_order eq "$(jc 'keys_unsorted')" '["id","title","body","created_at","updated_at"]'
check create_values eq "$(jc '[.title,.body]')" '["First","Hello"]'
check create_timestamps_utc_micro bash -c "[[ '$(json .created_at)' =~ $TS && '$(json .updated_at)' =~ $TS ]]"
check create_trace_id trace_id_ok
CREATED=$BODY
sleep 0.3
check notify_called grep -q "\"message\":\"article notification received\".*\"article_id\":$ID,\"title\":\"First\"" "$WORK/notify.log"

# --- get ---
request GET "$API/articles/$ID"
check get_200 eq "$STATUS:$BODY" "200:$CREATED"
request GET "$API/articles/$ID/"
check get_trailing_slash eq "$STATUS" 200
request GET "$API/articles/999999"
check get_missing eq "$STATUS:$BODY" '404:{"status_code":404,"detail":"Article 999999 not found"}'
check get_missing_trace_id trace_id_ok
for bad in abc 0 -1 1.5 99999999999999999999 1x; do
  request GET "$API/articles/$bad"
  check "get_bad_id_$bad" eq "$STATUS:$BODY" '404:{"status_code":404,"detail":"Not Found"}'
done

# --- validation ---
bad_body() { # name body expected-message [key]
  request POST "$API/articles" "$2"
  check "$1" eq "$STATUS:$(jc '.status_code'):$(jc '[.extra[].message]|any(. == "'"$3"'")')" "400:400:true"
}
bad_body missing_title '{"body":"x"}' 'Object missing required field `title`'
bad_body missing_body '{"title":"x"}' 'Object missing required field `body`'
bad_body title_int '{"title":5,"body":"x"}' 'Expected `str`, got `int`'
bad_body body_null '{"title":"x","body":null}' 'Expected `str`, got `null`'
bad_body not_object '[1,2]' 'Expected `object`, got `array`'
request POST "$API/articles" '{"title":"","body":"x"}'
check empty_title eq "$STATUS:$(json '.extra[0].key')" "400:title"
request POST "$API/articles" '{"title":"   \t ","body":"x"}'
check whitespace_title eq "$STATUS:$(json '.extra[0].key')" "400:title"
request POST "$API/articles" '{"title":"a\u0000b","body":"x"}'
check nul_in_title eq "$STATUS:$(json '.extra[0].key')" "400:title"
request POST "$API/articles" '{"title":"x",'
check malformed_json eq "$STATUS:$(json .status_code)" "400:400"
request POST "$API/articles" $'{"title":"\xff\xfe","body":"x"}'
check invalid_utf8 eq "$STATUS" 400
t255=$(printf 'é%.0s' $(seq 255))
request POST "$API/articles" "{\"title\":\"$t255\",\"body\":\"\"}"
check title_255_chars_ok eq "$STATUS:$(json '.title|length')" "201:255"
request POST "$API/articles" "{\"title\":\"${t255}é\",\"body\":\"\"}"
check title_256_chars eq "$STATUS:$(json '.extra[0].key')" "400:title"
b100k=$(head -c 100000 /dev/zero | tr '\0' b)
request POST "$API/articles" "{\"title\":\"long\",\"body\":\"$b100k\"}"
check body_100000_ok eq "$STATUS" 201
request POST "$API/articles" "{\"title\":\"long\",\"body\":\"${b100k}b\"}"
check body_100001 eq "$STATUS:$(json '.extra[0].key')" "400:body"
request POST "$API/articles" '{"title":"x","body":"y"}' text/plain
check wrong_content_type eq "$STATUS:$BODY" '415:{"status_code":415,"detail":"Unsupported Media Type"}'
head -c 1100000 /dev/zero | tr '\0' a >"$WORK/big"
STATUS=$(curl -s -o "$WORK/body" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary @"$WORK/big" "$API/articles")
check body_over_1mib eq "$STATUS" 413
request SQL-INJECTION "$API/articles" 2>/dev/null
request POST "$API/articles" "{\"title\":\"x'); DROP TABLE articles; --\",\"body\":\"\\\"\"}"
check sql_stored_verbatim eq "$STATUS:$(json .title)" "201:x'); DROP TABLE articles; --"

# --- methods and paths ---
request DELETE "$API/articles"
check method_not_allowed eq "$STATUS:$(header Allow)" "405:POST, GET, HEAD"
request PATCH "$API/articles/$ID"
check method_not_allowed_item eq "$STATUS:$(header Allow)" "405:GET, HEAD, PUT, DELETE"

# --- HEAD on every GET route: the GET's status and headers, no body ---
# Each line: HEAD's status, Content-Length and body bytes, GET's status and
# body bytes, whether the headers were the same; the pair on one connection.
head_matches_get() {
  local line
  line=$(python3 "$TOP/tests/integration/http_client.py" head "$1" "$2")
  read -r hs hlen hbody gs gbody same <<<"$line"
  [ "$hs" = "$gs" ] && [ "$hlen" = "$gbody" ] && [ "$hbody" = 0 ] && [ "$same" = same ] ||
    { echo "    HEAD $2: $line" >&2; return 1; }
}
for path in /api/health /api/ready /api/articles "/api/articles?limit=2" "/api/articles/$ID" \
  /api/articles/999999 "/api/articles?limit=0"; do
  check "head_like_get_${path//[^a-z0-9]/_}" head_matches_get "$AP" "$path"
done
check notify_head_like_get head_matches_get "$NP" /health
STATUS=$(curl -s -I -o "$WORK/headers" -w '%{http_code}' "$API/articles/$ID")
HEADERS=$(tr -d '\r' <"$WORK/headers")
check head_has_trace_id eq "$STATUS:$(trace_id_ok && echo yes)" "200:yes"
request HEAD "$API/articles"
check head_on_the_list_route eq "$STATUS" 200
request HEAD "$NOTIFY/notify"
check head_without_get_is_405 eq "$STATUS:$(header Allow)" "405:POST"
request GET "$API/nope"
check unknown_path eq "$STATUS:$BODY" '404:{"status_code":404,"detail":"Not Found"}'
check unknown_path_trace_id trace_id_ok

# --- list ---
TOTAL=$(psql_query "SELECT count(*) FROM articles")
request GET "$API/articles?limit=2&offset=1"
check list_200 eq "$STATUS:$(jc '[.total,.limit,.offset,(.items|length)]')" "200:[$TOTAL,2,1,2]"
check list_ordered eq "$(jc '[.items[].id]|. == (.|sort)')" true
request GET "$API/articles"
check list_defaults eq "$(jc '[.limit,.offset]')" "[10,0]"
request GET "$API/articles?offset=100000"
check list_past_end eq "$(jc '[.items,.total]')" "[[],$TOTAL]"
bad_query() { # name query message key
  request GET "$API/articles?$2"
  check "$1" eq "$STATUS:$(jc '.extra[0]')" "400:{\"message\":\"$3\",\"key\":\"$4\",\"source\":\"query\"}"
}
bad_query limit_zero 'limit=0' 'Expected `int` >= 1' limit
bad_query limit_101 'limit=101' 'Expected `int` <= 100' limit
bad_query limit_text 'limit=ten' 'Expected `int`, got `str`' limit
bad_query offset_negative 'offset=-1' 'Expected `int` >= 0' offset
bad_query offset_huge 'offset=2147483648' 'Expected `int` <= 2147483647' offset

# --- update ---
request PUT "$API/articles/$ID" '{"title":"Second","body":"Changed"}'
check update_200 eq "$STATUS:$(jc '[.id,.title,.body]')" "200:[$ID,\"Second\",\"Changed\"]"
check update_moves_updated_at bash -c "[[ '$(json .updated_at)' > '$(jq -r .updated_at <<<"$CREATED")' ]]"
check update_keeps_created_at eq "$(json .created_at)" "$(jq -r .created_at <<<"$CREATED")"
request PUT "$API/articles/999999" '{"title":"x","body":"y"}'
check update_missing eq "$STATUS" 404
request PUT "$API/articles/$ID" '{"title":""}'
check update_invalid eq "$STATUS" 400
request PUT "$API/articles/$ID" 'x' text/plain
check update_wrong_type eq "$STATUS" 415

# --- delete ---
request DELETE "$API/articles/$ID"
check delete_204 eq "$STATUS:$BODY" "204:"
request GET "$API/articles/$ID"
check deleted_is_gone eq "$STATUS" 404
request DELETE "$API/articles/$ID"
check delete_again_404 eq "$STATUS" 404

# --- notify ---
request POST "$NOTIFY/notify" '{"article_id":7,"title":"t"}'
check notify_accepts eq "$STATUS:$BODY" '200:{"received":true,"article_id":7}'
check notify_trace_id trace_id_ok
request POST "$NOTIFY/notify" '{"article_id":"7","title":"t"}'
check notify_wrong_type eq "$STATUS:$(json '.extra[0].message')" '400:Expected `int`, got `str`'
request POST "$NOTIFY/notify" '{"article_id":7,"title":"t"}' text/plain
check notify_415 eq "$STATUS" 415
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary @"$WORK/big" "$NOTIFY/notify")
check notify_413 eq "$STATUS" 413
request GET "$NOTIFY/notify"
check notify_405 eq "$STATUS:$(header Allow)" "405:POST"
check notify_health_allows_head eq "$(curl -s -o /dev/null -D - -X DELETE "$NOTIFY/health" | tr -d '\r' | sed -n 's/^Allow: //Ip')" "GET, HEAD"

# --- slow clients: more half-sent requests than worker threads block nobody ---
slow=()
for i in $(seq 40); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$AP"
  printf 'POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ti' >&$fd
  slow+=("$fd")
done
start_ms=$(date +%s%3N)
request GET "$API/articles?limit=1"
check slow_clients_do_not_block eq "$STATUS" 200
check slow_clients_answer_fast bash -c "[ $(($(date +%s%3N) - start_ms)) -lt 1000 ]"
for fd in "${slow[@]}"; do exec {fd}>&-; done

# --- concurrency: 200 creates at once, 200 distinct ids ---
seq 200 | xargs -P 40 -I{} curl -s -H 'Content-Type: application/json' \
  -d '{"title":"c{}","body":"b"}' "$API/articles" | jq -s '[.[].id]|unique|length' >"$WORK/ids"
check concurrent_creates_distinct_ids eq "$(cat "$WORK/ids")" 200

# --- notify down: the article is still created ---
kill "$notify_PID"
wait "$notify_PID" 2>/dev/null
request POST "$API/articles" '{"title":"lonely","body":"x"}'
check create_with_notify_down eq "$STATUS" 201
LONELY=$(json .id)
check notify_failure_logged grep -q "\"levelname\":\"WARNING\".*\"message\":\"notification dispatch failed\".*\"article_id\":$LONELY,\"error\"" "$WORK/articles.log"

# --- the database goes away and comes back ---
pg_stop
request GET "$API/articles/$LONELY"
check db_down_503 eq "$STATUS:$BODY" '503:{"status_code":503,"detail":"Database unavailable"}'
request POST "$API/articles" '{"title":"x","body":"y"}'
check db_down_create_503 eq "$STATUS" 503
request GET "$API/ready"
check db_down_not_ready eq "$STATUS" 503
request GET "$API/health"
check db_down_still_alive eq "$STATUS" 200
pg_start
for _ in $(seq 50); do
  request GET "$API/articles/$LONELY"
  [ "$STATUS" = 200 ] && break
  sleep 0.1
done
check db_back_recovers eq "$STATUS" 200
request GET "$API/ready"
check db_back_ready eq "$STATUS" 200

# --- SIGTERM with requests in flight: they finish, then exit 0 ---
start_service notify PORT=$NP HOST=127.0.0.1 OTEL_TRACES_EXPORTER=none
wait_http "$NOTIFY/health"
kill -STOP "$notify_PID" # notify now accepts and never answers: creates wait 1.5 s
inflight=()
for i in 1 2 3 4; do
  curl -s -o "$WORK/inflight.$i" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"title":"inflight","body":"x"}' "$API/articles" >"$WORK/inflight.$i.status" &
  inflight+=($!)
done
sleep 0.4
# The creates waiting on notify hold workers, not the one server thread.
read_s=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$API/articles/$LONELY")
check read_served_while_creates_wait awk -v r="$read_s" 'BEGIN { split(r, a, " "); exit !(a[1] == 200 && a[2] < 0.5) }'
kill -TERM "$articles_PID"
wait "$articles_PID"
check sigterm_exit_0 eq "$?" 0
wait "${inflight[@]}"
check sigterm_requests_finished eq "$(for f in "$WORK"/inflight.*.status; do cat "$f"; echo; done | sort -u)" 201
kill -CONT "$notify_PID"
check sigterm_logged grep -q '"message":"stopped"' "$WORK/articles.log"

# --- SIGTERM past the drain timeout: the create a worker is running ends as
# usual; those still queued for the one worker are answered 503 ---
start_service articles PORT=$AP HOST=127.0.0.1 NOTIFY_URL=$NOTIFY/notify NOTIFY_TIMEOUT_MS=1500 \
  WORKER_THREADS=1 DRAIN_TIMEOUT_MS=300 OTEL_TRACES_EXPORTER=none
wait_http "$API/health"
kill -STOP "$notify_PID"
queued=()
for i in 1 2 3; do
  curl -s -o "$WORK/queued.$i" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"title":"queued","body":"x"}' "$API/articles" >"$WORK/queued.$i.status" &
  queued+=($!)
  sleep 0.1 # in this order
done
kill -TERM "$articles_PID"
wait "$articles_PID"
check drain_timeout_exit_0 eq "$?" 0
wait "${queued[@]}"
check drain_timeout_running_create_201 eq "$(cat "$WORK/queued.1.status")" 201
check drain_timeout_queued_503 eq "$(cat "$WORK/queued.2.status"):$(cat "$WORK/queued.3.status")" 503:503
check drain_timeout_503_body eq "$(cat "$WORK/queued.3")" '{"status_code":503,"detail":"Service Unavailable"}'
kill -CONT "$notify_PID"

# --- notify's address unreachable (connects hang): NOTIFY_CONNECT_TIMEOUT_MS,
# not the whole NOTIFY_TIMEOUT_MS, bounds the create ---
python3 "$TOP/tests/integration/http_client.py" stuck-listener 0 >"$WORK/stuck.port" &
PIDS+=($!)
eventually test -s "$WORK/stuck.port"
AP3=$(free_port)
start_service articles PORT="$AP3" HOST=127.0.0.1 NOTIFY_URL="http://127.0.0.1:$(cat "$WORK/stuck.port")/notify" \
  NOTIFY_TIMEOUT_MS=5000 NOTIFY_CONNECT_TIMEOUT_MS=300 OTEL_TRACES_EXPORTER=none
wait_http "http://127.0.0.1:$AP3/api/health"
t=$(curl -s -o "$WORK/unreachable" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
  -d '{"title":"unreachable","body":"x"}' "http://127.0.0.1:$AP3/api/articles")
check connect_timeout_bounds_create awk -v r="$t" 'BEGIN { split(r, a, " "); exit !(a[1] == 201 && a[2] < 2) }'
UNREACHABLE=$(jq -r .id "$WORK/unreachable")
connect_timed_out() {
  grep -q "\"message\":\"notification dispatch failed\".*\"article_id\":$UNREACHABLE,\"error\":\"Timeout was reached\"" "$WORK/articles.log"
}
check connect_timeout_logged eventually connect_timed_out

finish integration_articles
