/* articles' handlers. SQL lives in store.c; notifying, in notify_sync.c or notify_outbox.c. */
#include "handlers.h"

#include <errno.h>
#include <otel/log.h>
#include <otel/metrics.h>
#include <otel/trace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "body.h"
#include "notify_outbox.h"
#include "notify_sync.h"
#include "service.h"
#include "store.h"

#define LIMIT_DEFAULT 10
#define LIMIT_MAX 100
#define OFFSET_MAX 2147483647LL

static otel_bound_counter_t *created; /* no attributes: bound to its one point */
static bool outbox;                   /* NOTIFY_MODE=outbox */

void articles_handlers_init(bool notify_outbox) {
  outbox = notify_outbox;
  created = otel_counter_bind(
      otel_counter("articles", "articles.created", "1", "Number of articles successfully created"),
      NULL, 0);
}

/* Answers a store failure: 404 for a missing article, 503, or 500. */
static void store_error(svc_response_t *res, int rc, int64_t id) {
  if (rc == -ENOENT) {
    char detail[64];
    snprintf(detail, sizeof(detail), "Article %lld not found", (long long)id);
    svc_error(res, 404, detail, NULL);
  } else if (rc == -EAGAIN) {
    svc_error(res, 503, "Database unavailable", NULL);
  } else {
    svc_error(res, 500, "Internal Server Error", NULL);
  }
}

void articles_health(svc_request_t *req, svc_response_t *res) {
  (void)req;
  res->body = json_pack("{s:s,s:s}", "status", "ok", "service", svc_service_name());
}

void articles_ready(svc_request_t *req, svc_response_t *res) {
  (void)req;
  if (article_store_ping() == 0)
    res->body = json_pack("{s:s}", "status", "ready");
  else
    svc_error(res, 503, "Database unavailable", NULL);
}

/* The body's title and body, or NULL with res set to 400. obj is returned
 * for the caller to release. */
static json_t *read_article(svc_request_t *req, svc_response_t *res, const char **title,
                            const char **body) {
  json_t *obj = svc_body_object(req, res);
  if (!obj)
    return NULL;
  json_t *problems = article_validate(obj, title, body);
  if (problems) {
    svc_error(res, 400, "Validation failed", problems);
    json_decref(obj);
    return NULL;
  }
  return obj;
}

void articles_create(svc_request_t *req, svc_response_t *res) {
  const char *title, *body;
  json_t *obj = read_article(req, res, &title, &body);
  if (!obj)
    return;
  article_t a;
  int rc = outbox ? articles_outbox_insert(title, body, &a) : article_store_insert(title, body, &a);
  json_decref(obj);
  if (rc) {
    store_error(res, rc, 0);
    return;
  }
  otel_span_set_int(otel_span_current(), "article.id", a.id);
  otel_bound_counter_add(created, 1);
  otel_log(OTEL_SEVERITY_INFO, "articles", "article created", &OTEL_ATTR_INT("article_id", a.id),
           1);
  if (!outbox)
    articles_notify_sync(&a); /* a failure is logged; the article stands */
  res->status = 201;
  snprintf(res->location, sizeof(res->location), "/api/articles/%lld", (long long)a.id);
  res->body = article_json(&a);
  article_free(&a);
}

void articles_get(svc_request_t *req, svc_response_t *res) {
  int64_t id = svc_request_id(req);
  article_t a;
  int rc = article_store_get(id, &a);
  if (rc) {
    store_error(res, rc, id);
    return;
  }
  res->body = article_json(&a);
  article_free(&a);
}

/* A query parameter that must be a decimal integer in [min, max]. */
static bool query_int(svc_request_t *req, const char *name, long long def, long long min,
                      long long max, long long *out, json_t *problems) {
  const char *v = svc_request_query(req, name);
  *out = def;
  if (!v)
    return true;
  char message[64] = "";
  const char *digits = v + (v[0] == '-');
  if (!*digits || strspn(digits, "0123456789") != strlen(digits)) {
    snprintf(message, sizeof(message), "Expected `int`, got `str`");
  } else {
    errno = 0;
    *out = strtoll(v, NULL, 10); /* out of range saturates, and fails the bounds below */
    if (*out < min)
      snprintf(message, sizeof(message), "Expected `int` >= %lld", min);
    else if (*out > max)
      snprintf(message, sizeof(message), "Expected `int` <= %lld", max);
  }
  if (!message[0])
    return true;
  json_array_append_new(problems, svc_problem(message, name, "query"));
  return false;
}

void articles_list(svc_request_t *req, svc_response_t *res) {
  json_t *problems = json_array();
  long long limit, offset;
  bool ok = query_int(req, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX, &limit, problems);
  ok &= query_int(req, "offset", 0, 0, OFFSET_MAX, &offset, problems);
  if (!ok) {
    svc_error(res, 400, "Validation failed", problems);
    return;
  }
  json_decref(problems);
  article_page_t page;
  int rc = article_store_list(limit, offset, &page);
  if (rc) {
    store_error(res, rc, 0);
    return;
  }
  json_t *items = json_array();
  for (size_t i = 0; i < page.n; i++)
    json_array_append_new(items, article_json(&page.items[i]));
  res->body = json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)page.total,
                        "limit", (json_int_t)limit, "offset", (json_int_t)offset);
  article_page_free(&page);
}

void articles_update(svc_request_t *req, svc_response_t *res) {
  int64_t id = svc_request_id(req);
  const char *title, *body;
  json_t *obj = read_article(req, res, &title, &body);
  if (!obj)
    return;
  article_t a;
  int rc = article_store_update(id, title, body, &a);
  json_decref(obj);
  if (rc) {
    store_error(res, rc, id);
    return;
  }
  res->body = article_json(&a);
  article_free(&a);
}

void articles_delete(svc_request_t *req, svc_response_t *res) {
  int64_t id = svc_request_id(req);
  int rc = article_store_delete(id);
  if (rc) {
    store_error(res, rc, id);
    return;
  }
  res->status = 204;
}
