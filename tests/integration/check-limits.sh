#!/usr/bin/env bash
# What keeps one client or one query from holding a service: the
# per-client-address connection limit (CONNECTIONS_PER_CLIENT) and the
# database sessions' statement timeout (DB_STATEMENT_TIMEOUT_MS).
# shellcheck disable=SC2154 # NAME_PID variables are set by start_service
source "$(dirname "$0")/lib.sh"

prepare_services || exit 1
start_service notify PORT=$NP HOST=127.0.0.1 OTEL_SDK_DISABLED=true CONNECTIONS_PER_CLIENT=4
start_service articles PORT=$AP HOST=127.0.0.1 NOTIFY_URL=$NOTIFY/notify OTEL_SDK_DISABLED=true \
  DB_STATEMENT_TIMEOUT_MS=300
wait_http "$API/health" && wait_http "$NOTIFY/health" || exit 1

# --- connections per client address ---
# The server counts a connection from its accept to its close. Start from
# none: wait_http's last connection may not be closed on the server's side
# yet, and would take one of the four places.
none_open() { [ -z "$(ss -Htn state established state close-wait state last-ack "( sport = :$NP )")" ]; }
check no_connection_left_open eventually none_open
held=()
for _ in 1 2 3 4; do
  exec {fd}<>"/dev/tcp/127.0.0.1/$NP"
  held+=("$fd")
done
# The server counts a connection when it accepts it: wait until none of the
# four is left in the listener's accept queue (ss's Recv-Q), however slow
# the build.
none_waiting() { [ "$(ss -Hltn "sport = :$NP" | awk '{ print $2 }')" = 0 ]; }
check four_connections_accepted eventually none_waiting
STATUS=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$NOTIFY/health")
check fifth_connection_refused eq "$STATUS" 000
first=${held[0]}
exec {first}>&-
answered_again() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$NOTIFY/health")" = 200 ]; }
check served_once_one_is_let_go eventually answered_again
for fd in "${held[@]:1}"; do exec {fd}>&-; done
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$API/health")
check articles_default_limit_is_not_four eq "$STATUS" 200

# --- a statement that waits past its timeout: 503, soon, and the session lives on ---
request POST "$API/articles" '{"title":"locked out","body":"x"}'
ID=$(jq -r .id <<<"$BODY")
pg_as_owner psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d articles -q \
  -c "BEGIN; LOCK TABLE articles IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;" >/dev/null &
lock_pid=$!
locked() { [ "$(psql_query "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'articles' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ]; }
check table_locked eventually locked
start_ms=$(date +%s%3N)
request GET "$API/articles/$ID"
took=$(($(date +%s%3N) - start_ms))
check statement_timeout_is_503 eq "$STATUS:$BODY" '503:{"status_code":503,"detail":"Database unavailable"}'
check statement_timeout_answers_soon bash -c "[ $took -lt 2000 ]"
# (as "statement timed out", or while a new connection prepares its statements)
check statement_timeout_logged eventually grep -q '"error":"ERROR:  canceling statement due to statement timeout"' "$WORK/articles.log"
wait "$lock_pid" # the lock is let go
request GET "$API/articles/$ID"
check served_after_the_lock eq "$STATUS:$(jq -r .title <<<"$BODY")" "200:locked out"

kill -TERM "$articles_PID" "$notify_PID"
wait "$articles_PID" "$notify_PID"
check no_sanitizer_report eval '! grep -l Sanitizer "$WORK"/*.log'
finish integration_limits
