/*
 * articles: the CRUD API of CONTRACT section 1.
 *   articles                         serve (PORT, HOST, DATABASE_URL, NOTIFY_URL, ...)
 *   articles migrate up|down|status  manage the schema (DATABASE_URL, MIGRATIONS_DIR)
 */
#include <errno.h>
#include <otel/trace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dburl.h"
#include "env.h"
#include "handlers.h"
#include "migrate.h"
#include "notify_client.h"
#include "notify_sync.h"
#include "service.h"
#include "store.h"

/* Writes wait for their commit, and a create for notify too: they are
 * blocking. With API_TOKEN set, they need it. */
static const svc_route_t ROUTES[] = {
    {"GET", "/api/health", articles_health, 0},
    {"GET", "/api/ready", articles_ready, 0},
    {"POST", "/api/articles", articles_create, SVC_JSON_BODY | SVC_BLOCKING | SVC_AUTH},
    {"GET", "/api/articles", articles_list, 0},
    {"GET", "/api/articles/{id}", articles_get, 0},
    {"PUT", "/api/articles/{id}", articles_update, SVC_JSON_BODY | SVC_BLOCKING | SVC_AUTH},
    {"DELETE", "/api/articles/{id}", articles_delete, SVC_BLOCKING | SVC_AUTH},
};

/* DATABASE_URL as libpq takes it, its secrets noted for redaction. */
static const char *database_url(char *buf, size_t size) {
  const char *url = svc_env_str("DATABASE_URL", NULL);
  int rc = articles_dburl_set(url, buf, size);
  if (rc == 0)
    return buf;
  char shown[2048];
  otel_url_redact(url, shown, sizeof(shown)); /* the user, too, is no one's business */
  svc_config_fail("DATABASE_URL", articles_dburl_redact(shown, buf, size),
                  rc == -EINVAL ? "expected a postgresql:// URL" : "too long");
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
  if (strncmp(notify, "http://", 7) && strncmp(notify, "https://", 8)) {
    char shown[2048];
    svc_config_fail("NOTIFY_URL", otel_url_redact(notify, shown, sizeof(shown)),
                    "expected an http:// or https:// URL");
  }
  const char *token = svc_env_str("NOTIFY_TOKEN", "");
  notify_client_configure(notify, svc_env_long("NOTIFY_TIMEOUT_MS", 5000, 1, 600000),
                          svc_env_long("NOTIFY_CONNECT_TIMEOUT_MS", 1000, 1, 600000),
                          *token ? token : NULL);
  articles_notify_sync_init((unsigned)svc_env_long("NOTIFY_BREAKER_FAILURES", 5, 1, 1000000),
                            svc_env_long("NOTIFY_BREAKER_COOLDOWN_MS", 5000, 1, 3600000));
  articles_handlers_init();
  svc_spec_t spec = {"articles", 8080, ROUTES, sizeof(ROUTES) / sizeof(ROUTES[0]), "API_TOKEN"};
  return svc_run(&spec);
}
