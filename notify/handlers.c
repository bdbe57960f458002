/* notify's handlers: health, and receiving an article notification, once
 * per Idempotency-Key when the sender gives one (articles' outbox does). */
#include "handlers.h"

#include <otel/log.h>
#include <otel/metrics.h>

#include "body.h"
#include "env.h"
#include "idempotency.h"
#include "service.h"

/* Counters without attributes: each bound to its one point once. */
static otel_bound_counter_t *received;
static otel_bound_counter_t *duplicates;

void notify_handlers_init(void) {
  received = otel_counter_bind(otel_counter("notify", "notifications.received", "1",
                                            "Number of article notifications received"),
                               NULL, 0);
  duplicates = otel_counter_bind(
      otel_counter("notify", "notifications.duplicates", "1",
                   "Notifications received again under an Idempotency-Key, not counted"),
      NULL, 0);
  if (notify_keys_init((size_t)svc_env_long("NOTIFY_IDEMPOTENCY_KEYS", 65536, 1, 16777216)))
    otel_log(OTEL_SEVERITY_ERROR, "notify", "no memory for idempotency keys", NULL, 0);
}

void notify_health(svc_request_t *req, svc_response_t *res) {
  (void)req;
  res->body = json_pack("{s:s,s:s}", "status", "ok", "service", svc_service_name());
}

/* The request's Idempotency-Key into key ("" when it has none); false with
 * res set to 400 when the field is malformed or sent twice. */
static bool read_key(svc_request_t *req, svc_response_t *res, char key[NOTIFY_KEY_MAX + 1]) {
  size_t lines;
  const char *field = svc_request_header(req, "Idempotency-Key", &lines);
  key[0] = '\0';
  if (!field || (lines == 1 && notify_key_parse(field, key) == 0))
    return true;
  json_t *problems = json_array();
  json_array_append_new(problems, svc_problem("Expected one quoted string of 1 to 64 characters",
                                              "Idempotency-Key", "header"));
  svc_error(res, 400, "Validation failed", problems);
  return false;
}

void notify_receive(svc_request_t *req, svc_response_t *res) {
  char key[NOTIFY_KEY_MAX + 1];
  if (!read_key(req, res, key))
    return;
  json_t *obj = svc_body_object(req, res);
  if (!obj)
    return;
  json_t *problems = json_array();
  json_int_t article_id = 0;
  bool has_id = svc_body_int(obj, "article_id", &article_id, problems);
  const char *title = svc_body_str(obj, "title", problems);
  if (!has_id || !title) {
    svc_error(res, 400, "Validation failed", problems);
    json_decref(obj);
    return;
  }
  json_decref(problems);
  notify_key_verdict_t verdict = key[0] ? notify_keys_admit(key, article_id) : NOTIFY_KEY_NEW;
  otel_attr_t fields[] = {OTEL_ATTR_INT("article_id", article_id), OTEL_ATTR_STR("title", title)};
  if (verdict == NOTIFY_KEY_CONFLICT) {
    svc_error(res, 422, "Idempotency-Key already used for another notification", NULL);
  } else if (verdict == NOTIFY_KEY_SEEN) { /* answered as the first time, not counted */
    otel_log(OTEL_SEVERITY_INFO, "notify", "duplicate notification ignored", fields, 1);
    otel_bound_counter_add(duplicates, 1);
    res->body = json_pack("{s:b,s:I}", "received", 1, "article_id", article_id);
  } else {
    otel_log(OTEL_SEVERITY_INFO, "notify", "article notification received", fields, 2);
    otel_bound_counter_add(received, 1);
    res->body = json_pack("{s:b,s:I}", "received", 1, "article_id", article_id);
  }
  json_decref(obj);
}
