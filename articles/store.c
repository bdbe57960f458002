/*
 * The articles table through libpq: prepared statements with bound
 * parameters, values read back with RETURNING (timestamps formatted by
 * PostgreSQL in UTC, never recomputed here), one connection per thread.
 */
#include "store.h"

#include "dburl.h"

#include <errno.h>
#include <otel/log.h>
#include <otel/pq.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMESTAMP(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
#define COLUMNS "id, title, body, " TIMESTAMP("created_at") ", " TIMESTAMP("updated_at")

static const otel_pq_statement_t INSERT = {
    "article_insert", "INSERT INTO articles (title, body) VALUES ($1, $2) RETURNING " COLUMNS,
    "INSERT", "articles", 2};
static const otel_pq_statement_t GET = {
    "article_get", "SELECT " COLUMNS " FROM articles WHERE id = $1", "SELECT", "articles", 1};
static const otel_pq_statement_t UPDATE = {
    "article_update",
    "UPDATE articles SET title = $2, body = $3, updated_at = clock_timestamp() WHERE id = $1 "
    "RETURNING " COLUMNS,
    "UPDATE", "articles", 3};
static const otel_pq_statement_t DELETE = {"article_delete", "DELETE FROM articles WHERE id = $1",
                                           "DELETE", "articles", 1};
/* One statement, so the page and the total come from one snapshot; the
 * outer join yields a row (with a NULL id) when the page is empty. */
static const otel_pq_statement_t LIST = {
    "article_list",
    "SELECT (SELECT count(*) FROM articles), page.* FROM (SELECT 1) AS one LEFT JOIN "
    "(SELECT " COLUMNS " FROM articles ORDER BY id LIMIT $1 OFFSET $2) AS page ON true "
    "ORDER BY page.id",
    "SELECT", "articles", 2};
static const otel_pq_statement_t PING = {NULL, "SELECT 1", "SELECT", NULL, 0};

static const otel_pq_statement_t *const PREPARED[] = {&INSERT, &GET, &UPDATE, &DELETE, &LIST};

static char *conninfo;
static char session_options[64]; /* libpq's "options": the session's settings */
static pthread_key_t conn_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static _Thread_local PGconn *conn;
/* Bumped when a thread finds its connection broken: the server went away, so
 * every thread's connection is suspect and is replaced before its next use. */
static atomic_uint generation;
static _Thread_local unsigned conn_generation;

static void close_connection(void *c) { PQfinish(c); }
static void make_key(void) { pthread_key_create(&conn_key, close_connection); }

void article_store_configure(const char *url, long statement_timeout_ms) {
  free(conninfo);
  conninfo = strdup(url);
  snprintf(session_options, sizeof(session_options), "-c statement_timeout=%ld",
           statement_timeout_ms);
}

/* libpq's message, its first line, with DATABASE_URL's secrets redacted. */
static void log_db_error(const char *what, const char *detail) {
  char first[256], line[256];
  snprintf(first, sizeof(first), "%s", detail ? detail : "");
  first[strcspn(first, "\n")] = '\0';
  articles_dburl_redact(first, line, sizeof(line));
  otel_log(OTEL_SEVERITY_ERROR, "articles.store", what, &OTEL_ATTR_STR("error", line), 1);
}

/* This thread's connection, (re)opened and prepared as needed; NULL when down. */
static PGconn *connection(void) {
  unsigned current = atomic_load(&generation);
  if (conn && PQstatus(conn) == CONNECTION_OK && conn_generation == current)
    return conn;
  pthread_once(&key_once, make_key);
  PQfinish(conn);
  conn_generation = current;
  const char *keys[] = {"dbname", "connect_timeout", "application_name", "options", NULL};
  const char *values[] = {conninfo, "3", "articles", session_options, NULL};
  conn = PQconnectdbParams(keys, values, 1);
  pthread_setspecific(conn_key, conn);
  if (PQstatus(conn) != CONNECTION_OK) {
    log_db_error("database connection failed", PQerrorMessage(conn));
    return NULL;
  }
  for (size_t i = 0; i < sizeof(PREPARED) / sizeof(PREPARED[0]); i++) {
    if (otel_pq_prepare(conn, PREPARED[i])) {
      /* Half prepared is no use: the next call starts on a new connection. */
      log_db_error("preparing statements failed", PQerrorMessage(conn));
      PQfinish(conn);
      conn = NULL;
      pthread_setspecific(conn_key, NULL);
      return NULL;
    }
  }
  return conn;
}

/* Runs st; on failure returns -EAGAIN when the database cannot be reached,
 * else -EIO. A read that meets a broken connection is tried once more on a
 * new one; a write is not, since whether it ran is unknown. */
static int run(const otel_pq_statement_t *st, const char *const *values, PGresult **out) {
  *out = NULL;
  for (int attempt = 0;; attempt++) {
    PGconn *c = connection();
    if (!c)
      return -EAGAIN;
    PGresult *r = otel_pq_exec(c, st, values);
    ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      *out = r;
      return 0;
    }
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    bool gone = PQstatus(c) != CONNECTION_OK ||
                (state && (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3)));
    if (gone) {
      unsigned seen = conn_generation;
      atomic_compare_exchange_strong(&generation, &seen, seen + 1);
    }
    if (gone && attempt == 0 && !strcmp(st->operation, "SELECT")) {
      PQclear(r);
      continue;
    }
    bool timed_out = state && !strcmp(state, "57014"); /* statement_timeout: cancelled */
    log_db_error(gone        ? "database unavailable"
                 : timed_out ? "statement timed out"
                             : "statement failed",
                 r ? PQresultErrorMessage(r) : PQerrorMessage(c));
    PQclear(r);
    return gone || timed_out ? -EAGAIN : -EIO;
  }
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
