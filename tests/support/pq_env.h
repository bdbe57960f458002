/* The tools' database connection, to the server $DATABASE_URL names. */
#ifndef TEST_PQ_ENV_H
#define TEST_PQ_ENV_H

#include <libpq-fe.h>

/* Connects to $DATABASE_URL; NULL, with the reason on stderr after tool's
 * name, when it cannot. The caller PQfinish()es the connection. */
PGconn *test_pq_connect(const char *tool);

#endif
