/*
 * pq_params: statements with the arguments of PQexecParams run through
 * otel_pq_exec_params() against $DATABASE_URL: typed binary parameters, a
 * binary result, a value with a NUL byte in it, a prepared statement. Prints
 * one line per statement ("NAME VALUE", the value read as libpq returned
 * it), so a suite can check both the answers and the spans.
 */
#include <arpa/inet.h>
#include <otel/otel.h>
#include <otel/pq.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pq_env.h"

enum { INT4_OID = 23, BYTEA_OID = 17 };

/* A binary int4 of one row and column, or -1. */
static long binary_int4(const PGresult *r) {
  if (PQresultStatus(r) != PGRES_TUPLES_OK || PQfformat(r, 0) != 1 || PQgetlength(r, 0, 0) != 4)
    return -1;
  uint32_t v;
  memcpy(&v, PQgetvalue(r, 0, 0), 4);
  return (long)ntohl(v);
}

int main(void) {
  otel_init("pq-params");
  PGconn *c = test_pq_connect("pq_params");
  if (!c)
    return 1;
  static const Oid int4[] = {INT4_OID};
  static const Oid bytea[] = {BYTEA_OID};
  static const otel_pq_statement_t ADD = {
      .sql = "SELECT $1 + 1", .n_params = 1, .param_types = int4};
  static const otel_pq_statement_t ADD_PREPARED = {
      .name = "add_prepared", .sql = "SELECT $1 + 2", .n_params = 1, .param_types = int4};
  static const otel_pq_statement_t LENGTH = {
      .sql = "SELECT length($1)", .n_params = 1, .param_types = bytea};
  static const otel_pq_statement_t SEVEN = {.sql = "SELECT 7::int4"};

  uint32_t forty_one = htonl(41);
  const char *binary[] = {(const char *)&forty_one};
  const int four[] = {4}, one[] = {1};
  PGresult *r = otel_pq_exec_params(c, &ADD, binary, four, one, 1);
  printf("binary %ld\n", binary_int4(r));
  PQclear(r);

  if (otel_pq_prepare(c, &ADD_PREPARED) == 0) {
    r = otel_pq_exec_params(c, &ADD_PREPARED, binary, four, one, 1);
    printf("prepared %ld\n", binary_int4(r));
    PQclear(r);
  }

  const char *nul[] = {"a\0b"};
  const int three[] = {3};
  r = otel_pq_exec_params(c, &LENGTH, nul, three, one, 0);
  printf("bytea %s\n", PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "failed");
  PQclear(r);

  r = otel_pq_exec_params(c, &SEVEN, NULL, NULL, NULL, 1);
  printf("no-parameters %ld\n", binary_int4(r));
  PQclear(r);

  PQfinish(c);
  return otel_shutdown(5000) == 0 ? 0 : 1;
}
