/*
 * articles: the CRUD API of CONTRACT section 1.
 *   articles                         serve (PORT, HOST, DATABASE_URL, NOTIFY_URL, ...)
 *   articles migrate up|down|status  manage the schema (DATABASE_URL, MIGRATIONS_DIR)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "handlers.h"
#include "migrate.h"
#include "notify_client.h"
#include "service.h"
#include "store.h"

/* Writes wait for their commit, and a create for notify too: they are blocking. */
static const svc_route_t ROUTES[] = {
    {"GET", "/api/health", articles_health, 0},
    {"GET", "/api/ready", articles_ready, 0},
    {"POST", "/api/articles", articles_create, SVC_JSON_BODY | SVC_BLOCKING},
    {"GET", "/api/articles", articles_list, 0},
    {"GET", "/api/articles/{id}", articles_get, 0},
    {"PUT", "/api/articles/{id}", articles_update, SVC_JSON_BODY | SVC_BLOCKING},
    {"DELETE", "/api/articles/{id}", articles_delete, SVC_BLOCKING},
};

/* DATABASE_URL as libpq takes it: the reference's "postgresql+asyncpg://" works too. */
static const char *database_url(char *buf, size_t size) {
  const char *url = svc_env_str("DATABASE_URL", NULL);
  const char *rest = NULL;
  if (!strncmp(url, "postgresql+asyncpg://", 21))
    rest = url + 21;
  else if (!strncmp(url, "postgresql://", 13))
    rest = url + 13;
  else if (!strncmp(url, "postgres://", 11))
    rest = url + 11;
  if (rest) {
    snprintf(buf, size, "postgresql://%s", rest);
    return buf;
  }
  svc_config_fail("DATABASE_URL", url, "expected a postgresql:// URL");
}

int main(int argc, char **argv) {
  svc_begin("articles");
  char db[2048];
  if (argc >= 2 && !strcmp(argv[1], "migrate")) {
    const char *dir = svc_env_str("MIGRATIONS_DIR", "migrations");
    return articles_migrate(database_url(db, sizeof(db)), dir, argc >= 3 ? argv[2] : "");
  }
  if (argc >= 2) {
    fprintf(stderr, "usage: articles [migrate up|down|status]\n");
    return 2;
  }
  article_store_configure(database_url(db, sizeof(db)),
                          svc_env_long("DB_STATEMENT_TIMEOUT_MS", 5000, 0, 3600000));
  const char *notify = svc_env_str("NOTIFY_URL", "http://127.0.0.1:8081/notify");
  if (strncmp(notify, "http://", 7) && strncmp(notify, "https://", 8))
    svc_config_fail("NOTIFY_URL", notify, "expected an http:// or https:// URL");
  notify_client_configure(notify, svc_env_long("NOTIFY_TIMEOUT_MS", 5000, 1, 600000));
  articles_handlers_init();
  svc_spec_t spec = {"articles", 8080, ROUTES, sizeof(ROUTES) / sizeof(ROUTES[0])};
  return svc_run(&spec);
}
