/* `articles migrate up|down|status`: versioned SQL files, one transaction each, under a lock. */
#include "migrate.h"

#include "dburl.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MIGRATIONS 1000
/* The advisory lock's key: any constant the application keeps for this. */
#define MIGRATION_LOCK_KEY "7246150923"

typedef struct {
  long version;
  char name[200]; /* NNNN_name, without the suffix */
} migration_t;

static int by_version(const void *a, const void *b) {
  long x = ((const migration_t *)a)->version, y = ((const migration_t *)b)->version;
  return (x > y) - (x < y);
}

/* The migrations in dir, sorted by version; -1 when dir cannot be read. */
static int list_migrations(const char *dir, migration_t *out, int max) {
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < max) {
    size_t len = strlen(e->d_name);
    const char *suffix = ".up.sql";
    if (len <= 7 || strcmp(e->d_name + len - 7, suffix) || e->d_name[0] < '0' || e->d_name[0] > '9')
      continue;
    out[n].version = strtol(e->d_name, NULL, 10);
    snprintf(out[n].name, sizeof(out[n].name), "%.*s", (int)(len - 7), e->d_name);
    n++;
  }
  closedir(d);
  qsort(out, (size_t)n, sizeof(*out), by_version);
  return n;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
  if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
    free(text);
    text = NULL;
  }
  if (text)
    text[size] = '\0';
  fclose(f);
  return text;
}

/* libpq's message on stderr, with DATABASE_URL's secrets redacted. */
static void print_error(const char *message) {
  char shown[1024];
  fprintf(stderr, "articles migrate: %s", articles_dburl_redact(message, shown, sizeof(shown)));
}

static bool exec_ok(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  ExecStatusType s = PQresultStatus(r);
  bool ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
  if (!ok)
    print_error(PQresultErrorMessage(r));
  PQclear(r);
  return ok;
}

static bool is_applied(PGconn *c, long version) {
  char v[24];
  snprintf(v, sizeof(v), "%ld", version);
  const char *values[] = {v};
  PGresult *r = PQexecParams(c, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, NULL,
                             values, NULL, NULL, 0);
  bool applied = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
  PQclear(r);
  return applied;
}

/* Runs one file and records (or forgets) its version, in one transaction. */
static bool apply(PGconn *c, const char *dir, const migration_t *m, bool up) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s.%s.sql", dir, m->name, up ? "up" : "down");
  char *sql = read_file(path);
  if (!sql) {
    fprintf(stderr, "articles migrate: cannot read %s\n", path);
    return false;
  }
  char v[24];
  snprintf(v, sizeof(v), "%ld", m->version);
  const char *values[] = {v, m->name};
  bool ok = exec_ok(c, "BEGIN") && exec_ok(c, sql);
  if (ok) {
    PGresult *r =
        up ? PQexecParams(c, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", 2,
                          NULL, values, NULL, NULL, 0)
           : PQexecParams(c, "DELETE FROM schema_migrations WHERE version = $1", 1, NULL, values,
                          NULL, NULL, 0);
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
      print_error(PQresultErrorMessage(r));
    PQclear(r);
  }
  ok = ok && exec_ok(c, "COMMIT");
  if (!ok)
    exec_ok(c, "ROLLBACK");
  else
    printf("%s %s\n", up ? "applied" : "reverted", m->name);
  free(sql);
  return ok;
}

static int run(PGconn *c, const char *dir, const char *command) {
  static migration_t all[MAX_MIGRATIONS];
  int n = list_migrations(dir, all, MAX_MIGRATIONS);
  if (n < 0) {
    fprintf(stderr, "articles migrate: cannot read the folder %s\n", dir);
    return 1;
  }
  if (!strcmp(command, "status")) {
    for (int i = 0; i < n; i++)
      printf("%s %s\n", is_applied(c, all[i].version) ? "applied" : "pending", all[i].name);
    return 0;
  }
  if (!strcmp(command, "up")) {
    for (int i = 0; i < n; i++)
      if (!is_applied(c, all[i].version) && !apply(c, dir, &all[i], true))
        return 1;
    return 0;
  }
  for (int i = n - 1; i >= 0; i--) /* down: the newest applied one */
    if (is_applied(c, all[i].version))
      return apply(c, dir, &all[i], false) ? 0 : 1;
  printf("nothing to revert\n");
  return 0;
}

/* The server's notices ("relation ... already exists, skipping") are not news here. */
static void quiet(void *ud, const char *message) { (void)ud, (void)message; }

int articles_migrate(const char *conninfo, const char *dir, const char *command) {
  if (strcmp(command, "up") && strcmp(command, "down") && strcmp(command, "status")) {
    fprintf(stderr, "usage: articles migrate up|down|status\n");
    return 2;
  }
  const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
  const char *values[] = {conninfo, "10", "articles-migrate", NULL};
  PGconn *c = PQconnectdbParams(keys, values, 1);
  if (PQstatus(c) != CONNECTION_OK) {
    print_error(PQerrorMessage(c));
    PQfinish(c);
    return 1;
  }
  PQsetNoticeProcessor(c, quiet, NULL);
  int rc = 1;
  /* Taken before anything is read, so a second instance waits here. */
  if (exec_ok(c, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")") &&
      exec_ok(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint PRIMARY KEY, "
                 "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")) {
    rc = run(c, dir, command);
    exec_ok(c, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")");
  }
  PQfinish(c);
  return rc;
}
