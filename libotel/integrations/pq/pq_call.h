/*
 * One statement's database span: begun before libpq runs the statement,
 * ended with its result. The hand-written API (pq.c) and the preloaded
 * interposer (libotel/instrument) both drive it, so a span of libpq is
 * described here only. Unless the caller describes the statement itself,
 * everything the span carries comes from the statement's text
 * (sql_summary.h) and the connection.
 */
#ifndef OTEL_PQ_CALL_H
#define OTEL_PQ_CALL_H

#include <libpq-fe.h>
#include <otel/trace.h>
#include <stdbool.h>
#include <stdint.h>

/* A statement as the program runs it. Everything is borrowed for the call. */
typedef struct otel__pq_text {
  const char *sql;
  /* Its values travel apart from the text (PQexecParams with parameters,
   * PQexecPrepared): the text is recorded as it is. Otherwise its literals
   * are recorded as "?". */
  bool parameterised;
  const char *operation;  /* the program's own description, or NULL: read from sql */
  const char *collection; /* (with operation; may be NULL) */
} otel__pq_text_t;

typedef struct otel__pq_kept otel__pq_kept_t;

/* A statement's span between its begin and its end; lives on the caller's
 * stack, or per connection for asynchronous calls. */
typedef struct otel__pq_call {
  otel_span_t *span;
  const otel__pq_kept_t *kept; /* the statement's description, kept, or NULL */
  uint64_t start_ns;
  char operation[64]; /* for its duration, when nothing was kept */
  char collection[128];
  bool failed;
  char error_type[24]; /* when failed: the SQLSTATE, or why there is none */
} otel__pq_call_t;

/* Starts the span of text on conn, a child of the current span. */
void otel__pq_call_begin(otel__pq_call_t *c, PGconn *conn, const otel__pq_text_t *text);

/* A result of the statement (it may have several), or NULL when none came
 * (the connection failed): the first that failed sets ERROR, error.type and
 * db.response.status_code (the SQLSTATE). */
void otel__pq_call_result(otel__pq_call_t *c, PGconn *conn, const PGresult *r);

/* Records db.client.operation.duration and ends the span. */
void otel__pq_call_finish(otel__pq_call_t *c);

/* Both, for a statement with one result r (NULL: none came). */
void otel__pq_call_end(otel__pq_call_t *c, PGconn *conn, const PGresult *r);

/* Whether a result says the statement failed (NULL: no result came). */
static inline bool otel__pq_failed(const PGresult *r) {
  ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  return s == PGRES_BAD_RESPONSE || s == PGRES_NONFATAL_ERROR || s == PGRES_FATAL_ERROR ||
         s == PGRES_PIPELINE_ABORTED;
}

#endif
