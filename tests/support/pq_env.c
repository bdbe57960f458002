/* The tools' database connection (pq_env.h). */
#include "pq_env.h"

#include <stdio.h>
#include <stdlib.h>

PGconn *test_pq_connect(const char *tool) {
  const char *keys[] = {"dbname", NULL};
  const char *values[] = {getenv("DATABASE_URL"), NULL};
  PGconn *c = PQconnectdbParams(keys, values, 1);
  if (PQstatus(c) == CONNECTION_OK)
    return c;
  fprintf(stderr, "%s: %s", tool, PQerrorMessage(c));
  PQfinish(c);
  return NULL;
}
