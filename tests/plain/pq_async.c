/*
 * pq_async: libpq's calls that otel-instrument must see, from a program with
 * no telemetry of its own. Against $DATABASE_URL, in order:
 *   PQexec with literals, PQexecParams, PQprepare + PQexecPrepared,
 *   PQsendQuery with two statements, PQsendQueryParams that fails,
 *   a pipeline of three statements (the second fails) and a sync,
 *   a fork whose child runs a statement of its own,
 *   and a syslog(3) notice of how many results it saw.
 * Prints what each returned, so a suite can compare a run under
 * otel-instrument with one without.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

static int results;

static void show(const char *what, PGresult *r) {
  results++;
  printf("%s %s", what, r ? PQresStatus(PQresultStatus(r)) : "NULL");
  if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
    printf(" %s", PQgetvalue(r, 0, 0));
  printf("\n");
  PQclear(r);
}

/* Every result of what was sent, up to the NULL. */
static void drain(PGconn *c, const char *what) {
  PGresult *r;
  while ((r = PQgetResult(c)))
    show(what, r);
}

int main(void) {
  PGconn *c = PQconnectdb(getenv("DATABASE_URL"));
  if (PQstatus(c) != CONNECTION_OK) {
    fprintf(stderr, "pq_async: %s", PQerrorMessage(c));
    return 1;
  }
  show("exec", PQexec(c, "SELECT 'secret literal' AS s, 42 AS n"));
  const char *v[] = {"7"};
  show("params", PQexecParams(c, "SELECT $1::int * 6", 1, NULL, v, NULL, NULL, 0));
  show("prepare", PQprepare(c, "triple", "SELECT $1::int * 3", 1, NULL));
  show("prepared", PQexecPrepared(c, "triple", 1, v, NULL, NULL, 0));
  if (PQsendQuery(c, "SELECT 1; SELECT 2"))
    drain(c, "send");
  if (PQsendQueryParams(c, "SELECT 1 / $1::int", 1, NULL, (const char *const[]){"0"}, NULL, NULL,
                        0))
    drain(c, "send-fails");
  PQenterPipelineMode(c);
  PQsendQueryParams(c, "SELECT $1::int + 1", 1, NULL, v, NULL, NULL, 0);
  PQsendQueryParams(c, "SELECT 1 / $1::int", 1, NULL, (const char *const[]){"0"}, NULL, NULL, 0);
  PQsendQueryParams(c, "SELECT $1::int + 3", 1, NULL, v, NULL, NULL, 0);
  PQpipelineSync(c);
  for (int done = 0; done < 3;) { /* each statement's results and NULL, then the sync */
    PGresult *r = PQgetResult(c);
    if (!r) {
      done++;
      continue;
    }
    show("pipeline", r);
  }
  show("pipeline", PQgetResult(c)); /* the sync point */
  PQexitPipelineMode(c);
  PQfinish(c); /* a child must not share the session: each has its own */
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    PGconn *own = PQconnectdb(getenv("DATABASE_URL"));
    show("child", PQexec(own, "SELECT 'child'"));
    PQfinish(own);
    exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  c = PQconnectdb(getenv("DATABASE_URL"));
  show("parent", PQexec(c, "SELECT 'parent'"));
  PQfinish(c);
  syslog(LOG_NOTICE, "pq_async: %d results", results);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
