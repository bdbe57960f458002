/*
 * articles: the CRUD API of docs/api.md.
 *   articles                         serve (PORT, HOST, DATABASE_URL, NOTIFY_URL,
 *                                    NOTIFY_MODE, ...: docs/services.md, docs/notify.md)
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
#include "notify_outbox.h"
#include "notify_sync.h"
#include "outbox_store.h"
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

static articles_outbox_config_t dispatch;
static int start_dispatchers(void) { return articles_outbox_start(&dispatch); }

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
  const char *mode = svc_env_str("NOTIFY_MODE", "sync");
  bool outbox = !strcmp(mode, "outbox");
  if (!outbox && strcmp(mode, "sync"))
    svc_config_fail("NOTIFY_MODE", mode, "expected sync or outbox");
  article_store_configure(database_url(db, sizeof(db)),
                          svc_env_long("DB_STATEMENT_TIMEOUT_MS", 5000, 0, 3600000), outbox);
  const char *notify = svc_env_str("NOTIFY_URL", "http://127.0.0.1:8081/notify");
  if (strncmp(notify, "http://", 7) && strncmp(notify, "https://", 8)) {
    char shown[2048];
    svc_config_fail("NOTIFY_URL", otel_url_redact(notify, shown, sizeof(shown)),
                    "expected an http:// or https:// URL");
  }
  const char *token = svc_env_str("NOTIFY_TOKEN", "");
  long timeout_ms = svc_env_long("NOTIFY_TIMEOUT_MS", 5000, 1, 600000);
  notify_client_configure(notify, timeout_ms,
                          svc_env_long("NOTIFY_CONNECT_TIMEOUT_MS", 1000, 1, 600000),
                          *token ? token : NULL);
  articles_notify_sync_init((unsigned)svc_env_long("NOTIFY_BREAKER_FAILURES", 5, 1, 1000000),
                            svc_env_long("NOTIFY_BREAKER_COOLDOWN_MS", 5000, 1, 3600000));
  dispatch.dispatchers = (unsigned)svc_env_long("NOTIFY_DISPATCHERS", 2, 1, 64);
  dispatch.poll_ms = svc_env_long("NOTIFY_OUTBOX_POLL_MS", 1000, 10, 3600000);
  dispatch.timeout_ms = timeout_ms;
  dispatch.retry_max_ms = svc_env_long("NOTIFY_RETRY_MAX_MS", 5000, 100, 3600000);
  dispatch.retention_hours = svc_env_long("NOTIFY_OUTBOX_RETENTION_HOURS", 168, 0, 876000);
  if (outbox)
    articles_outbox_store_configure();
  articles_handlers_init(outbox);
  svc_spec_t spec = {.name = "articles",
                     .default_port = 8080,
                     .routes = ROUTES,
                     .n_routes = sizeof(ROUTES) / sizeof(ROUTES[0]),
                     .token_var = "API_TOKEN",
                     .start = outbox ? start_dispatchers : NULL,
                     .stop = outbox ? articles_outbox_stop : NULL};
  return svc_run(&spec);
}
