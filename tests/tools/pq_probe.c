/*
 * pq_probe: runs one statement that fails (a division by zero) and one that
 * succeeds through otel_pq_exec against $DATABASE_URL, so a suite can check
 * the spans the libpq integration makes of them (printed with
 * OTEL_TRACES_EXPORTER=console).
 */
#include <otel/pq.h>

#include "pq_env.h"

int main(void) {
  otel_init("pq-probe");
  PGconn *c = test_pq_connect("pq_probe");
  if (!c)
    return 1;
  static const otel_pq_statement_t FAILS = {.sql = "SELECT 1 / $1::int", .n_params = 1};
  static const otel_pq_statement_t WORKS = {.sql = "SELECT count(*) FROM articles", .n_params = 0};
  const char *zero[] = {"0"};
  PQclear(otel_pq_exec(c, &FAILS, zero));
  PQclear(otel_pq_exec(c, &WORKS, NULL));
  PQfinish(c);
  return otel_shutdown(5000) == 0 ? 0 : 1;
}
