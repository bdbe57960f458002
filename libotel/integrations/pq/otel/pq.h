/*
 * libpq instrumentation: each statement the code runs is one CLIENT span
 * named by its query summary ("SELECT articles", "INSERT shipping_details
 * SELECT orders"), read from the SQL itself, with the database semantic
 * conventions (db.system.name, db.namespace, db.query.summary, db.query.text
 * without bound values and with the literals of unparameterised text as "?",
 * db.operation.name and db.collection.name when the statement has one,
 * server.address, server.port) and, on failure, ERROR status, error.type and
 * db.response.status_code (SQLSTATE); and db.client.operation.duration.
 */
#ifndef OTEL_PQ_H
#define OTEL_PQ_H

#include <libpq-fe.h>
#include <otel/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a statement is, for libpq and its span. Usually a static constant
 * per query: {.sql = "SELECT title FROM articles WHERE id = $1", .n_params = 1}. */
typedef struct otel_pq_statement {
  const char *name; /* prepared statement name; NULL runs sql unprepared */
  const char *sql;  /* the text, parameterised ($1, $2, ...) or not */
  /* Optional: the operation ("SELECT") and its table, for a statement whose
   * text does not say them plainly; NULL reads both from sql. */
  const char *operation;
  const char *collection;
  int n_params;
  /* The parameters' type OIDs, n_params of them (PQexecParams' paramTypes,
   * PQprepare's); NULL, or a 0 among them, lets the server infer. */
  const Oid *param_types;
} otel_pq_statement_t;

/* Prepares st on conn (no span: a protocol step, not a statement). Returns
 * 0, or -1 with the error in PQerrorMessage(conn). */
int otel_pq_prepare(PGconn *conn, const otel_pq_statement_t *st);

/* Runs st as a child span of the current span, with the arguments of
 * PQexecParams: the parameters' values, lengths and formats (NULL lengths
 * and formats: every value is text) and the result's format (0 text, 1
 * binary). A prepared statement runs through PQexecPrepared, one without
 * parameters in text through PQexec (which allows several statements),
 * any other through PQexecParams. Everything is borrowed. Returns the
 * result (the caller PQclear()s it), or NULL when the connection failed.
 * Thread-safe for distinct connections. */
PGresult *otel_pq_exec_params(PGconn *conn, const otel_pq_statement_t *st,
                              const char *const *values, const int *lengths, const int *formats,
                              int result_format);

/* otel_pq_exec_params() with text parameters and a text result. */
PGresult *otel_pq_exec(PGconn *conn, const otel_pq_statement_t *st, const char *const *values);

#ifdef __cplusplus
}
#endif

#endif
