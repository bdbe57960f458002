#!/usr/bin/env bash
# `articles migrate`: up, status, idempotence, down, up again, two concurrent
# ups; and configuration errors: one line naming the variable, exit code 2.
source "$(dirname "$0")/lib.sh"

start_postgres || exit 1
export MIGRATIONS_DIR=$TOP/migrations
migrate() { "$BIN/articles" migrate "$@" 2>&1; }
table_exists() { psql_query "SELECT to_regclass('public.articles') IS NOT NULL"; }

ALL="0001_create_articles
0002_create_notification_outbox"
out=$(migrate up)
check up_applies eq "$out" "$(sed 's/^/applied /' <<<"$ALL")"
check up_creates_table eq "$(table_exists)" t
check up_creates_outbox eq "$(psql_query "SELECT to_regclass('public.notification_outbox') IS NOT NULL")" t
check up_records_versions eq "$(psql_query 'SELECT version, name FROM schema_migrations ORDER BY version')" \
  "1|0001_create_articles
2|0002_create_notification_outbox"
check status_applied eq "$(migrate status)" "$(sed 's/^/applied /' <<<"$ALL")"
out=$(migrate up)
check up_is_idempotent eq "$?:$out" "0:"
out=$(migrate down)
check down_reverts_the_newest eq "$out" "reverted 0002_create_notification_outbox"
check down_drops_outbox eq "$(psql_query "SELECT to_regclass('public.notification_outbox') IS NULL")" t
check status_one_pending eq "$(migrate status)" "applied 0001_create_articles
pending 0002_create_notification_outbox"
out=$(migrate down)
check down_reverts eq "$out" "reverted 0001_create_articles"
check down_drops_table eq "$(table_exists)" f
check status_pending eq "$(migrate status)" "$(sed 's/^/pending /' <<<"$ALL")"
check down_with_nothing eq "$(migrate down)" "nothing to revert"
migrate up >/dev/null
check up_again eq "$(table_exists)" t

migrate down >/dev/null
migrate down >/dev/null
migrate up >"$WORK/a" &
a=$!
migrate up >"$WORK/b" &
b=$!
wait $a
ra=$?
wait $b
rb=$?
check concurrent_ups_succeed eq "$ra:$rb" "0:0"
check concurrent_ups_apply_once eq "$(sort "$WORK/a" "$WORK/b")" "$(sed 's/^/applied /' <<<"$ALL")"
check concurrent_ups_one_row_each eq "$(psql_query 'SELECT count(*) FROM schema_migrations')" 2

out=$(migrate sideways)
check unknown_command eq "$?:$out" "2:usage: articles migrate up|down|status"

# Configuration errors, for both services.
config_error() { # name expected-line program VAR=value...
  local name=$1 expected=$2 program=$3
  shift 3
  out=$(env -u DATABASE_URL "$@" "$BIN/$program" 2>&1 </dev/null)
  local rc=$?
  check "$name" eq "$rc:$out" "2:$expected"
}
config_error missing_database_url "articles: DATABASE_URL: is required" articles
config_error malformed_database_url "articles: DATABASE_URL=mysql://x/y: expected a postgresql:// URL" \
  articles DATABASE_URL=mysql://x/y
config_error bad_port "articles: PORT=abc: expected an integer from 1 to 65535" \
  articles DATABASE_URL=postgresql://x/y PORT=abc
config_error bad_notify_url "articles: NOTIFY_URL=ftp://x: expected an http:// or https:// URL" \
  articles DATABASE_URL=postgresql://x/y NOTIFY_URL=ftp://x
config_error bad_timeout "articles: NOTIFY_TIMEOUT_MS=0: expected an integer from 1 to 600000" \
  articles DATABASE_URL=postgresql://x/y NOTIFY_TIMEOUT_MS=0
config_error bad_notify_mode "articles: NOTIFY_MODE=async: expected sync or outbox" \
  articles DATABASE_URL=postgresql://x/y NOTIFY_MODE=async
config_error bad_breaker_failures "articles: NOTIFY_BREAKER_FAILURES=0: expected an integer from 1 to 1000000" \
  articles DATABASE_URL=postgresql://x/y NOTIFY_BREAKER_FAILURES=0
config_error bad_dispatchers "articles: NOTIFY_DISPATCHERS=100: expected an integer from 1 to 64" \
  articles DATABASE_URL=postgresql://x/y NOTIFY_DISPATCHERS=100
config_error notify_bad_keys "notify: NOTIFY_IDEMPOTENCY_KEYS=none: expected an integer from 1 to 16777216" \
  notify NOTIFY_IDEMPOTENCY_KEYS=none
config_error notify_bad_threads "notify: HTTP_THREADS=many: expected an integer from 1 to 1024" \
  notify HTTP_THREADS=many
config_error bad_workers "articles: WORKER_THREADS=0: expected an integer from 1 to 1024" \
  articles DATABASE_URL=postgresql://x/y WORKER_THREADS=0
config_error bad_drain_timeout "notify: DRAIN_TIMEOUT_MS=-1: expected an integer from 0 to 600000" \
  notify DRAIN_TIMEOUT_MS=-1
out=$(DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT/articles" migrate status)
check asyncpg_url_accepted eq "$out" "$(sed 's/^/applied /' <<<"$ALL")"

finish integration_migrations
