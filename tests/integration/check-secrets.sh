#!/usr/bin/env bash
# Secrets never leave the process (docs/telemetry.md), and the optional
# bearer tokens (section 1): credentials in url.full, sensitive query values
# in spans and the access log, DATABASE_URL's password in errors and logs,
# an endpoint's credentials in the exporter's warnings, API_TOKEN and
# NOTIFY_TOKEN. Every service writes into $WORK; no secret may be found there.
# shellcheck disable=SC2154 # NAME_PID variables are set by start_service
source "$(dirname "$0")/lib.sh"

SECRET=s3cretpw0rd
prepare_services || exit 1
start_sink || exit 1
OTEL=("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT" OTEL_BSP_SCHEDULE_DELAY=100
  OTEL_BLRP_SCHEDULE_DELAY=100)
# No secret in any file of the run, output, telemetry and logs alike.
nowhere() { ! grep -rlF "$1" "$WORK" --exclude-dir=pg; }

# --- tokens: API_TOKEN on articles' writes, NOTIFY_TOKEN on notify's POST ---
API_TOKEN=api-$SECRET
NOTIFY_TOKEN=notify-$SECRET
start_service notify PORT=$NP HOST=127.0.0.1 NOTIFY_TOKEN=$NOTIFY_TOKEN "${OTEL[@]}"
start_service articles PORT=$AP HOST=127.0.0.1 NOTIFY_TOKEN=$NOTIFY_TOKEN API_TOKEN=$API_TOKEN \
  "NOTIFY_URL=http://user:$SECRET@127.0.0.1:$NP/notify?X-Amz-Signature=$SECRET&v=1" "${OTEL[@]}"
wait_http "$API/health" && wait_http "$NOTIFY/health" || exit 1

authed() { # METHOD URL TOKEN [BODY]: as request, with "Authorization: Bearer TOKEN"
  local args=(-s -X "$1" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $3")
  [ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
  STATUS=$(curl "${args[@]}" "$2")
  BODY=$(cat "$WORK/body")
  HEADERS=$(tr -d '\r' <"$WORK/headers")
}
UNAUTHORIZED='401:{"status_code":401,"detail":"Unauthorized"}:Bearer'
request POST "$API/articles" '{"title":"no token","body":"x"}'
check create_without_token_401 eq "$STATUS:$BODY:$(header WWW-Authenticate)" "$UNAUTHORIZED"
authed POST "$API/articles" wrong '{"title":"wrong token","body":"x"}'
check create_with_wrong_token_401 eq "$STATUS:$BODY:$(header WWW-Authenticate)" "$UNAUTHORIZED"
authed POST "$API/articles" "${API_TOKEN}x" '{"title":"longer token","body":"x"}'
check create_with_longer_token_401 eq "$STATUS" 401
authed POST "$API/articles" "${API_TOKEN:0:8}" '{"title":"prefix","body":"x"}'
check create_with_a_prefix_of_the_token_401 eq "$STATUS" 401
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $API_TOKEN" \
  -H 'Content-Type: application/json' -d '{"title":"t","body":"b"}' "$API/articles")
check another_scheme_401 eq "$STATUS" 401
check nothing_stored_without_token eq "$(psql_query 'SELECT count(*) FROM articles')" 0
authed POST "$API/articles" "$API_TOKEN" '{"title":"with token","body":"x"}'
check create_with_token_201 eq "$STATUS" 201
ID=$(jq -r .id <<<"$BODY")
TRACE=$(header X-Trace-Id)
check notify_got_the_token eventually grep -q '"message":"article notification received"' "$WORK/notify.log"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: bearer $API_TOKEN" -X PUT \
  -H 'Content-Type: application/json' -d '{"title":"t2","body":"b"}' "$API/articles/$ID")
check scheme_matched_without_regard_to_case eq "$STATUS" 200
request PUT "$API/articles/$ID" '{"title":"t3","body":"b"}'
check update_without_token_401 eq "$STATUS" 401
request DELETE "$API/articles/$ID"
check delete_without_token_401 eq "$STATUS" 401
request GET "$API/articles/$ID"
check reads_need_no_token eq "$STATUS:$(jq -r .title <<<"$BODY")" "200:t2"
request POST "$NOTIFY/notify" '{"article_id":1,"title":"t"}'
check notify_without_token_401 eq "$STATUS:$BODY:$(header WWW-Authenticate)" "$UNAUTHORIZED"
authed POST "$NOTIFY/notify" "$NOTIFY_TOKEN" '{"article_id":1,"title":"t"}'
check notify_with_token_200 eq "$STATUS" 200
# A refused body is still drained: a client that writes it whole gets the 401.
check unauthorized_big_body_before_reading eq \
  "$(python3 "$TOP/tests/integration/http_client.py" post-before-read "$AP" /api/articles $((2 << 20)) | cut -d' ' -f1)" 401

# --- sensitive query parameters in server spans and the access log ---
request GET "$API/articles?limit=2&sig=$SECRET&X-Goog-Signature=$SECRET"
QUERY_TRACE=$(header X-Trace-Id)
check query_request_served eq "$STATUS" 200
check access_log_redacted eventually grep -qF '"path":"/api/articles?limit=2&sig=REDACTED&X-Goog-Signature=REDACTED"' "$WORK/articles.log"

authed DELETE "$API/articles/$ID" "$API_TOKEN"
check delete_with_token_204 eq "$STATUS" 204
kill -TERM "$articles_PID" "$notify_PID"
wait "$articles_PID" "$notify_PID"
sleep 0.3
spans >"$WORK/spans"
one() { jq -c "select(.trace == \"$1\" and .name == \"$2\")" "$WORK/spans"; }
check server_url_query_redacted eq "$(one "$QUERY_TRACE" "GET /api/articles" | jq -r '.attrs."url.query"')" \
  "limit=2&sig=REDACTED&X-Goog-Signature=REDACTED"
check client_url_full_redacted eq "$(one "$TRACE" POST | jq -r '.attrs."url.full"')" \
  "http://REDACTED:REDACTED@127.0.0.1:$NP/notify?X-Amz-Signature=REDACTED&v=1"

# --- DATABASE_URL: a malformed one that libpq quotes whole, and a wrong scheme ---
BAD_DB="postgresql://postgres:$SECRET@[127.0.0.1/articles"
start_service articles PORT=$AP HOST=127.0.0.1 "DATABASE_URL=$BAD_DB" "${OTEL[@]}"
wait_http "$API/health" || exit 1
request GET "$API/ready"
check malformed_database_url_is_503 eq "$STATUS" 503
logged_redacted() { grep -qF 'in URI: \"postgresql://postgres:REDACTED@[127.0.0.1/articles\"' "$WORK/articles.log"; }
check libpq_error_logged_redacted eventually logged_redacted
kill -TERM "$articles_PID"
wait "$articles_PID"
DATABASE_URL="mysql://root:$SECRET@127.0.0.1/articles" "$BIN/articles" >"$WORK/scheme.out" 2>&1
check wrong_scheme_exits_2 eq "$?" 2
check wrong_scheme_named_redacted grep -qF 'DATABASE_URL=mysql://REDACTED:REDACTED@127.0.0.1/articles' "$WORK/scheme.out"
DATABASE_URL="$BAD_DB" "$BIN/articles" migrate status >"$WORK/migrate.out" 2>&1
check migrate_error_redacted grep -qF 'postgres:REDACTED@[' "$WORK/migrate.out"
DATABASE_URL="postgresql://127.0.0.1:$PG_PORT/articles?user=postgres&password=$SECRET&sslmode=bogus" \
  "$BIN/articles" migrate status >"$WORK/param.out" 2>&1
check password_parameter_run_fails eq "$?" 1
NOTIFY_URL="ftp://u:$SECRET@127.0.0.1/" "$BIN/articles" >"$WORK/notify-url.out" 2>&1
check wrong_notify_url_named_redacted grep -qF 'NOTIFY_URL=ftp://REDACTED:REDACTED@127.0.0.1/' "$WORK/notify-url.out"

# --- an endpoint with credentials, in the exporter's warnings ---
DEAD=$(free_port)
start_service notify PORT=$NP HOST=127.0.0.1 OTEL_BSP_SCHEDULE_DELAY=100 \
  "OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:$SECRET@127.0.0.1:$DEAD"
wait_http "$NOTIFY/health" || exit 1
warned() { grep -qF "export to http://REDACTED:REDACTED@127.0.0.1:$DEAD/v1/traces" "$WORK/notify.log"; }
check exporter_warning_redacted eventually_within 10 warned
kill -TERM "$notify_PID"
wait "$notify_PID"

check secret_nowhere nowhere "$SECRET"
check no_sanitizer_report eval '! grep -l Sanitizer "$WORK"/*.log'
finish integration_secrets
