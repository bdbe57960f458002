/* The outbox's statements (outbox_store.h). A claim runs at every wake-up
 * and poll, most often finding nothing, so it runs without a span, as do
 * the other steps of the dispatchers' own bookkeeping; what a claim takes is
 * traced row by row, in each delivery's span. */
#include "outbox_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* FOR UPDATE SKIP LOCKED: concurrent claims take disjoint rows. The lease
 * (next_attempt_at moved ahead) keeps a row claimed after the statement
 * ends, and frees it by itself if its dispatcher dies. */
static const otel_pq_statement_t CLAIM = {
    .name = "outbox_claim",
    .sql = "WITH due AS (SELECT id FROM notification_outbox "
           "WHERE delivered_at IS NULL AND next_attempt_at <= now() "
           "ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED), "
           "claimed AS (UPDATE notification_outbox o "
           "SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000) "
           "FROM due WHERE o.id = due.id "
           "RETURNING o.id, o.article_id, o.attempts, o.title, o.idempotency_key, "
           "coalesce(o.traceparent, ''), coalesce(o.tracestate, '')) "
           "SELECT * FROM claimed ORDER BY id",
    .n_params = 2};
static const otel_pq_statement_t DELIVERED = {
    .name = "outbox_delivered",
    .sql = "UPDATE notification_outbox SET delivered_at = now(), attempts = attempts + 1, "
           "last_error = NULL WHERE id = $1",
    .n_params = 1};
static const otel_pq_statement_t FAILED = {
    .name = "outbox_failed",
    .sql = "UPDATE notification_outbox SET attempts = attempts + 1, last_error = $2, "
           "next_attempt_at = now() + make_interval(secs => $3::float8 / 1000) WHERE id = $1",
    .n_params = 3};
static const otel_pq_statement_t RELEASE = {
    .name = "outbox_release",
    .sql = "UPDATE notification_outbox SET next_attempt_at = now() WHERE id = ANY($1::bigint[])",
    .n_params = 1};
static const otel_pq_statement_t PURGE = {
    .name = "outbox_purge",
    .sql = "DELETE FROM notification_outbox "
           "WHERE delivered_at < now() - make_interval(hours => $1::int)",
    .n_params = 1};

/* How long until the next pending row is due (negative: overdue), from the
 * index on (next_attempt_at, id); NULL when nothing is pending. */
static const otel_pq_statement_t NEXT_DUE = {
    .name = "outbox_next_due",
    .sql = "SELECT ceil(extract(epoch FROM min(next_attempt_at) - now()) * 1000)::bigint "
           "FROM notification_outbox WHERE delivered_at IS NULL",
    .n_params = 0};

static const otel_pq_statement_t *const PREPARED[] = {&CLAIM,   &DELIVERED, &FAILED,
                                                      &RELEASE, &PURGE,     &NEXT_DUE};

void articles_outbox_store_configure(void) {
  articles_db_prepare(PREPARED, sizeof(PREPARED) / sizeof(PREPARED[0]));
}

static void copy(char *out, size_t size, const char *text) { snprintf(out, size, "%s", text); }

int articles_outbox_claim(size_t max, long lease_ms, articles_outbox_row_t *rows, size_t *n) {
  char limit[24], lease[24];
  snprintf(limit, sizeof(limit), "%zu", max);
  snprintf(lease, sizeof(lease), "%ld", lease_ms);
  const char *values[] = {limit, lease};
  PGresult *r;
  *n = 0;
  int rc = articles_db_run(&CLAIM, values, false, &r);
  if (rc)
    return rc;
  for (int i = 0; i < PQntuples(r) && *n < max; i++) {
    articles_outbox_row_t *row = &rows[(*n)++];
    row->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
    row->article_id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
    row->attempts = atoi(PQgetvalue(r, i, 2));
    copy(row->title, sizeof(row->title), PQgetvalue(r, i, 3));
    copy(row->key, sizeof(row->key), PQgetvalue(r, i, 4));
    copy(row->traceparent, sizeof(row->traceparent), PQgetvalue(r, i, 5));
    copy(row->tracestate, sizeof(row->tracestate), PQgetvalue(r, i, 6));
  }
  PQclear(r);
  return 0;
}

static int run_write(const otel_pq_statement_t *st, const char *const *values, bool traced,
                     int64_t *rows) {
  PGresult *r;
  int rc = articles_db_run(st, values, traced, &r);
  if (rc == 0 && rows)
    *rows = strtoll(PQcmdTuples(r), NULL, 10);
  PQclear(r);
  return rc;
}

int articles_outbox_delivered(int64_t id) {
  char text[24];
  snprintf(text, sizeof(text), "%lld", (long long)id);
  const char *values[] = {text};
  return run_write(&DELIVERED, values, true, NULL);
}

int articles_outbox_failed(int64_t id, const char *error, long retry_in_ms) {
  char text[24], retry[24];
  snprintf(text, sizeof(text), "%lld", (long long)id);
  snprintf(retry, sizeof(retry), "%ld", retry_in_ms);
  const char *values[] = {text, error, retry};
  return run_write(&FAILED, values, true, NULL);
}

int articles_outbox_release(const articles_outbox_row_t *rows, size_t n) {
  if (n == 0)
    return 0;
  size_t size = 2 + n * 21;
  char *ids = malloc(size); /* an array literal: {1,2,3} */
  if (!ids)
    return -EIO;
  size_t len = 0;
  ids[len++] = '{';
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(ids + len, size - len, "%s%lld", i ? "," : "", (long long)rows[i].id);
  snprintf(ids + len, size - len, "}");
  const char *values[] = {ids};
  int rc = run_write(&RELEASE, values, false, NULL);
  free(ids);
  return rc;
}

int articles_outbox_next_due(long *ms) {
  PGresult *r;
  int rc = articles_db_run(&NEXT_DUE, NULL, false, &r);
  if (rc)
    return rc;
  bool none = PQntuples(r) == 0 || PQgetisnull(r, 0, 0);
  long long due = none ? 0 : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
  PQclear(r);
  if (none)
    return -ENOENT;
  *ms = due < 0 ? 0 : due > 3600000 ? 3600000 : (long)due;
  return 0;
}

int articles_outbox_purge(long retention_hours, int64_t *deleted) {
  char hours[24];
  snprintf(hours, sizeof(hours), "%ld", retention_hours);
  const char *values[] = {hours};
  *deleted = 0;
  return run_write(&PURGE, values, true, deleted);
}
