/* libpq client spans: one per statement, with the database semantic conventions. */
#include <otel/pq.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "text.h"
#include "durations.h"

static _Atomic(const otel_tracer_t *) tracer;

int otel_pq_prepare(PGconn *conn, const otel_pq_statement_t *st) {
  PGresult *r = PQprepare(conn, st->name, st->sql, st->n_params, NULL);
  int rc = r && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
  PQclear(r);
  return rc;
}

static void set_connection_attrs(otel_span_t *s, PGconn *conn) {
  OTEL_SPAN_SET_STR(s, "db.system.name", "postgresql");
  const char *db = PQdb(conn);
  if (db && *db)
    OTEL_SPAN_SET_STR(s, "db.namespace", db);
  const char *host = PQhost(conn);
  if (host && *host && host[0] != '/') /* a socket directory is not an address */
    OTEL_SPAN_SET_STR(s, "server.address", host);
  const char *port = PQport(conn);
  if (port && *port)
    OTEL_SPAN_SET_INT(s, "server.port", atoi(port));
}

/* ERROR status with the SQLSTATE, or a connection error when there is none. */
static void record_failure(otel_span_t *s, PGconn *conn, const PGresult *r) {
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  if (state) {
    OTEL_SPAN_SET_STR(s, "db.response.status_code", state);
    OTEL_SPAN_SET_STR(s, "error.type", state);
  } else {
    OTEL_SPAN_SET_STR(s, "error.type", "connection_error");
  }
  const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
  char line[256];
  snprintf(line, sizeof(line), "%s", msg && *msg ? msg : "statement failed");
  line[strcspn(line, "\n")] = '\0';
  otel_span_set_status(s, OTEL_STATUS_ERROR, line);
}

PGresult *otel_pq_exec(PGconn *conn, const otel_pq_statement_t *st, const char *const *values) {
  char joined[256];
  const char *name =
      st->collection ? otel__str_join(joined, sizeof(joined), st->operation, ' ', st->collection)
                     : st->operation;
  otel_span_t *s = otel_span_start(otel__integration_tracer(&tracer, "libotel.pq"), name,
                                   OTEL_SPAN_KIND_CLIENT, NULL);
  if (otel_span_is_recording(s)) {
    set_connection_attrs(s, conn);
    OTEL_SPAN_SET_STR(s, "db.query.text", st->sql);
    OTEL_SPAN_SET_STR(s, "db.operation.name", st->operation);
    if (st->collection)
      OTEL_SPAN_SET_STR(s, "db.collection.name", st->collection);
  }
  uint64_t t0 = otel__integration_now_ns();
  PGresult *r;
  if (st->name)
    r = PQexecPrepared(conn, st->name, st->n_params, values, NULL, NULL, 0);
  else if (st->n_params)
    r = PQexecParams(conn, st->sql, st->n_params, NULL, values, NULL, NULL, 0);
  else
    r = PQexec(conn, st->sql);
  ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  bool failed = status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
  if (failed)
    record_failure(s, conn, r);
  otel_attr_t attrs[4] = {OTEL_ATTR_STR("db.system.name", "postgresql"),
                          OTEL_ATTR_STR("db.operation.name", st->operation)};
  size_t n = 2;
  if (st->collection)
    attrs[n++] = OTEL_ATTR_STR("db.collection.name", st->collection);
  const char *state = failed && r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  if (failed)
    attrs[n++] = OTEL_ATTR_STR("error.type", state ? state : "connection_error");
  /* Before the span ends: an exemplar of the duration points to it. */
  otel_histogram_record_in(otel__db_client_duration(),
                           otel__integration_seconds(t0, otel__integration_now_ns()), attrs, n, s);
  otel_span_end(s);
  return r;
}
