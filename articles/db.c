/* One PostgreSQL connection per thread (db.h), prepared and, for a
 * dispatcher, listening; replaced by every thread once one finds it broken. */
#include "db.h"

#include <errno.h>
#include <otel/log.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dburl.h"

#define MAX_PREPARED 32

static char *conninfo;
static char session_options[64]; /* libpq's "options": the session's settings */
static const otel_pq_statement_t *prepared[MAX_PREPARED];
static size_t n_prepared;
static pthread_key_t conn_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static _Thread_local PGconn *conn;
static _Thread_local const char *listening; /* the channel this thread LISTENs on */
/* Bumped when a thread finds its connection broken: the server went away, so
 * every thread's connection is suspect and is replaced before its next use. */
static atomic_uint generation;
static _Thread_local unsigned conn_generation;

static void close_connection(void *c) { PQfinish(c); }
static void make_key(void) { pthread_key_create(&conn_key, close_connection); }

void articles_db_configure(const char *url, long statement_timeout_ms) {
  free(conninfo);
  conninfo = strdup(url);
  snprintf(session_options, sizeof(session_options), "-c statement_timeout=%ld",
           statement_timeout_ms);
}

void articles_db_prepare(const otel_pq_statement_t *const *statements, size_t n) {
  for (size_t i = 0; i < n && n_prepared < MAX_PREPARED; i++)
    prepared[n_prepared++] = statements[i];
}

void articles_db_log_error(const char *what, const char *detail) {
  char first[256], line[256];
  snprintf(first, sizeof(first), "%s", detail ? detail : "");
  first[strcspn(first, "\n")] = '\0';
  articles_dburl_redact(first, line, sizeof(line));
  otel_log(OTEL_SEVERITY_ERROR, "articles.db", what, &OTEL_ATTR_STR("error", line), 1);
}

static bool exec_ok(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  return ok;
}

/* Half set up is no use: the next call starts on a new connection. */
static PGconn *give_up(const char *what) {
  articles_db_log_error(what, PQerrorMessage(conn));
  PQfinish(conn);
  conn = NULL;
  pthread_setspecific(conn_key, NULL);
  return NULL;
}

/* This thread's connection, (re)opened, prepared and listening as needed;
 * NULL when down. */
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
  if (PQstatus(conn) != CONNECTION_OK)
    return give_up("database connection failed");
  for (size_t i = 0; i < n_prepared; i++)
    if (otel_pq_prepare(conn, prepared[i]))
      return give_up("preparing statements failed");
  if (listening) {
    char sql[128];
    snprintf(sql, sizeof(sql), "LISTEN %s", listening);
    if (!exec_ok(conn, sql))
      return give_up("LISTEN failed");
  }
  return conn;
}

/* A statement that only reads: safe to run again on a new connection. */
static bool is_read(const otel_pq_statement_t *st) { return !strncmp(st->sql, "SELECT ", 7); }

int articles_db_run(const otel_pq_statement_t *st, const char *const *values, bool traced,
                    PGresult **out) {
  *out = NULL;
  for (int attempt = 0;; attempt++) {
    PGconn *c = connection();
    if (!c)
      return -EAGAIN;
    PGresult *r = traced ? otel_pq_exec(c, st, values)
                         : PQexecPrepared(c, st->name, st->n_params, values, NULL, NULL, 0);
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
    if (gone && attempt == 0 && is_read(st)) {
      PQclear(r);
      continue;
    }
    bool timed_out = state && !strcmp(state, "57014"); /* statement_timeout: cancelled */
    articles_db_log_error(gone        ? "database unavailable"
                          : timed_out ? "statement timed out"
                                      : "statement failed",
                          r ? PQresultErrorMessage(r) : PQerrorMessage(c));
    PQclear(r);
    return gone || timed_out ? -EAGAIN : -EIO;
  }
}

int articles_db_listen(const char *channel) {
  listening = channel;
  PGconn *c = conn;
  if (c && PQstatus(c) == CONNECTION_OK) { /* already open: LISTEN now */
    char sql[128];
    snprintf(sql, sizeof(sql), "LISTEN %s", channel);
    if (!exec_ok(c, sql)) {
      PQfinish(conn);
      conn = NULL;
      pthread_setspecific(conn_key, NULL);
    }
  }
  return connection() ? 0 : -EAGAIN; /* a new connection LISTENs as it opens */
}

/* Drops the notifications received so far; true when there was one. */
static bool take_notifications(PGconn *c) {
  bool any = false;
  PGnotify *n;
  while ((n = PQnotifies(c))) {
    any = true;
    PQfreemem(n);
  }
  return any;
}

#define MAX_WAIT_FDS 4

int articles_db_wait(const int *fds, size_t n, long timeout_ms) {
  struct pollfd p[MAX_WAIT_FDS + 1];
  size_t count = 0;
  for (size_t i = 0; i < n && i < MAX_WAIT_FDS; i++)
    p[count++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
  PGconn *c = connection();
  if (!c) { /* down: wait as asked, for the caller to try again */
    poll(p, count, (int)timeout_ms);
    return 0;
  }
  if (take_notifications(c)) /* received while a statement ran */
    return 1;
  p[count++] = (struct pollfd){.fd = PQsocket(c), .events = POLLIN};
  if (poll(p, count, (int)timeout_ms) <= 0 ||
      !(p[count - 1].revents & (POLLIN | POLLERR | POLLHUP)))
    return 0;
  if (!PQconsumeInput(c)) { /* broken: the next use opens another */
    unsigned seen = conn_generation;
    atomic_compare_exchange_strong(&generation, &seen, seen + 1);
    return 0;
  }
  return take_notifications(c);
}

int articles_db_notify(const char *channel) {
  PGconn *c = connection();
  char sql[128];
  snprintf(sql, sizeof(sql), "NOTIFY %s", channel);
  return c && exec_ok(c, sql) ? 0 : -EAGAIN;
}
