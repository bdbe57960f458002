/*
 * The articles table through libpq: prepared statements with bound
 * parameters, values read back with RETURNING (timestamps formatted by
 * PostgreSQL in UTC, never recomputed here), on db.c's sessions.
 */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define TIMESTAMP(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
#define COLUMNS "id, title, body, " TIMESTAMP("created_at") ", " TIMESTAMP("updated_at")

static const otel_pq_statement_t INSERT = {
    .name = "article_insert",
    .sql = "INSERT INTO articles (title, body) VALUES ($1, $2) RETURNING " COLUMNS,
    .n_params = 2};
static const otel_pq_statement_t GET = {
    .name = "article_get", .sql = "SELECT " COLUMNS " FROM articles WHERE id = $1", .n_params = 1};
static const otel_pq_statement_t UPDATE = {
    .name = "article_update",
    .sql =
        "UPDATE articles SET title = $2, body = $3, updated_at = clock_timestamp() WHERE id = $1 "
        "RETURNING " COLUMNS,
    .n_params = 3};
static const otel_pq_statement_t DELETE = {
    .name = "article_delete", .sql = "DELETE FROM articles WHERE id = $1", .n_params = 1};
/* One statement, so the page and the total come from one snapshot; the
 * outer join yields a row (with a NULL id) when the page is empty. */
static const otel_pq_statement_t LIST = {
    .name = "article_list",
    .sql = "SELECT (SELECT count(*) FROM articles), page.* FROM (SELECT 1) AS one LEFT JOIN "
           "(SELECT " COLUMNS " FROM articles ORDER BY id LIMIT $1 OFFSET $2) AS page ON true "
           "ORDER BY page.id",
    .n_params = 2};
static const otel_pq_statement_t PING = {.sql = "SELECT 1", .n_params = 0};

static const otel_pq_statement_t *const PREPARED[] = {&INSERT, &GET, &UPDATE, &DELETE, &LIST};

/* NOTIFY_MODE=outbox's create: the article and its outbox row in one
 * statement, so both are written or neither (docs/telemetry.md: one statement,
 * no BEGIN/COMMIT). The row carries the create's trace context. */
static const otel_pq_statement_t INSERT_NOTIFYING = {
    .name = "article_insert_notifying",
    .sql =
        "WITH article AS (INSERT INTO articles (title, body) VALUES ($1, $2) RETURNING *), "
        "outbox AS (INSERT INTO notification_outbox (article_id, title, traceparent, tracestate) "
        "SELECT id, title, NULLIF($3, ''), NULLIF($4, '') FROM article) "
        "SELECT " COLUMNS " FROM article",
    .n_params = 4};
static const otel_pq_statement_t *const PREPARED_NOTIFYING[] = {&INSERT_NOTIFYING};

void article_store_configure(const char *url, long statement_timeout_ms, bool outbox) {
  articles_db_configure(url, statement_timeout_ms);
  articles_db_prepare(PREPARED, sizeof(PREPARED) / sizeof(PREPARED[0]));
  if (outbox) /* only then: the outbox's table may not be there otherwise */
    articles_db_prepare(PREPARED_NOTIFYING, 1);
}

static int run(const otel_pq_statement_t *st, const char *const *values, PGresult **out) {
  return articles_db_run(st, values, true, out);
}

/* Reads row i's article columns starting at column col. */
static int read_article(const PGresult *r, int i, int col, article_t *a) {
  a->id = strtoll(PQgetvalue(r, i, col), NULL, 10);
  a->title = strdup(PQgetvalue(r, i, col + 1));
  a->body = strdup(PQgetvalue(r, i, col + 2));
  snprintf(a->created_at, sizeof(a->created_at), "%s", PQgetvalue(r, i, col + 3));
  snprintf(a->updated_at, sizeof(a->updated_at), "%s", PQgetvalue(r, i, col + 4));
  if (!a->title || !a->body) {
    article_free(a);
    return -EIO;
  }
  return 0;
}

/* One article from a statement that returns at most one. */
static int one_article(const otel_pq_statement_t *st, const char *const *values, article_t *out) {
  PGresult *r;
  int rc = run(st, values, &r);
  if (rc == 0)
    rc = PQntuples(r) ? read_article(r, 0, 0, out) : -ENOENT;
  PQclear(r);
  return rc;
}

static void format_id(int64_t id, char out[24]) { snprintf(out, 24, "%lld", (long long)id); }

int article_store_insert(const char *title, const char *body, article_t *out) {
  const char *values[] = {title, body};
  return one_article(&INSERT, values, out);
}

int article_store_insert_notifying(const char *title, const char *body, const char *traceparent,
                                   const char *tracestate, article_t *out) {
  const char *values[] = {title, body, traceparent, tracestate};
  return one_article(&INSERT_NOTIFYING, values, out);
}

int article_store_get(int64_t id, article_t *out) {
  char text[24];
  format_id(id, text);
  const char *values[] = {text};
  return one_article(&GET, values, out);
}

int article_store_update(int64_t id, const char *title, const char *body, article_t *out) {
  char text[24];
  format_id(id, text);
  const char *values[] = {text, title, body};
  return one_article(&UPDATE, values, out);
}

int article_store_delete(int64_t id) {
  char text[24];
  format_id(id, text);
  const char *values[] = {text};
  PGresult *r;
  int rc = run(&DELETE, values, &r);
  if (rc == 0 && strcmp(PQcmdTuples(r), "1"))
    rc = -ENOENT;
  PQclear(r);
  return rc;
}

int article_store_list(int64_t limit, int64_t offset, article_page_t *out) {
  char l[24], o[24];
  format_id(limit, l);
  format_id(offset, o);
  const char *values[] = {l, o};
  memset(out, 0, sizeof(*out));
  PGresult *r;
  int rc = run(&LIST, values, &r);
  if (rc)
    return rc;
  int rows = PQntuples(r);
  out->total = rows ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
  out->items = calloc((size_t)rows + 1, sizeof(*out->items));
  for (int i = 0; out->items && i < rows && !PQgetisnull(r, i, 1); i++) {
    if ((rc = read_article(r, i, 1, &out->items[out->n])))
      break;
    out->n++;
  }
  if (!out->items)
    rc = -EIO;
  PQclear(r);
  if (rc)
    article_page_free(out);
  return rc;
}

int article_store_ping(void) {
  PGresult *r;
  int rc = run(&PING, NULL, &r);
  PQclear(r);
  return rc;
}

void article_free(article_t *a) {
  free(a->title);
  free(a->body);
  a->title = a->body = NULL;
}

void article_page_free(article_page_t *p) {
  for (size_t i = 0; i < p->n; i++)
    article_free(&p->items[i]);
  free(p->items);
  memset(p, 0, sizeof(*p));
}
