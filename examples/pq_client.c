/*
 * libotel-pq: each statement run through otel_pq_exec() is a CLIENT span
 * with the database semantic conventions (the SQL without its bound
 * values). Connects to the database of argv[1] (a libpq connection string or
 * URL), runs one parameterised SELECT inside a span of its own, and prints
 * its result. Try it with OTEL_TRACES_EXPORTER=console. Uses only the
 * installed public headers:
 *
 *   cc pq_client.c $(pkg-config --cflags --libs libotel-pq)
 */
#include <libpq-fe.h>
#include <otel/otel.h>
#include <otel/pq.h>
#include <otel/trace.h>
#include <stdio.h>

static const otel_pq_statement_t ADD = {.sql = "SELECT $1::int + 1", .n_params = 1};

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s CONNINFO\n", argv[0]);
    return 2;
  }
  otel_init("pq-client-example");
  const otel_tracer_t *tracer = otel_tracer_get("pq-client-example", "1.0");
  otel_span_t *job = otel_span_start(tracer, "add one", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_scope_t scope = otel_span_attach(job);

  int rc = 1;
  PGconn *conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) == CONNECTION_OK) {
    PGresult *r = otel_pq_exec(conn, &ADD, (const char *const[]){"41"});
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
      printf("result %s\n", PQgetvalue(r, 0, 0));
      rc = 0;
    }
    PQclear(r);
  } else {
    fprintf(stderr, "%s", PQerrorMessage(conn));
  }
  PQfinish(conn);

  otel_scope_end(&scope);
  otel_span_end(job);
  otel_shutdown(5000);
  return rc;
}
