/* notify's handlers: health, and receiving an article notification. */
#include "handlers.h"

#include <otel/log.h>
#include <otel/metrics.h>

#include "body.h"
#include "service.h"

static otel_counter_t *received;

void notify_handlers_init(void) {
  received = otel_counter("notify", "notifications.received", "1",
                          "Number of article notifications received");
}

void notify_health(svc_request_t *req, svc_response_t *res) {
  (void)req;
  res->body = json_pack("{s:s,s:s}", "status", "ok", "service", svc_service_name());
}

void notify_receive(svc_request_t *req, svc_response_t *res) {
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
  otel_attr_t fields[] = {OTEL_ATTR_INT("article_id", article_id), OTEL_ATTR_STR("title", title)};
  otel_log(OTEL_SEVERITY_INFO, "notify", "article notification received", fields, 2);
  otel_counter_add(received, 1, NULL, 0);
  res->body = json_pack("{s:b,s:I}", "received", 1, "article_id", article_id);
  json_decref(obj);
}
