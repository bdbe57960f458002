/* The collector's noise filter, on a decoded trace export (filter.h). */
#include "filter.h"

#include <stdbool.h>
#include <string.h>

static const char *string_attr(const Opentelemetry__Proto__Trace__V1__Span *s, const char *key) {
  for (size_t i = 0; i < s->n_attributes; i++) {
    const Opentelemetry__Proto__Common__V1__KeyValue *kv = s->attributes[i];
    if (kv->key && !strcmp(kv->key, key) && kv->value &&
        kv->value->value_case == OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE)
      return kv->value->string_value;
  }
  return NULL;
}

static bool is_noise(const Opentelemetry__Proto__Trace__V1__Span *s) {
  const char *name = s->name ? s->name : "";
  if (!strcmp(name, "BEGIN") || !strcmp(name, "COMMIT") || !strcmp(name, "ROLLBACK"))
    return true;
  if (s->kind != OPENTELEMETRY__PROTO__TRACE__V1__SPAN__SPAN_KIND__SPAN_KIND_SERVER)
    return false;
  const char *route = string_attr(s, "http.route");
  return route && (!strcmp(route, "/api/health") || !strcmp(route, "/health"));
}

/* Drops the noise of ss; true when nothing is left of it. */
static bool filter_scope(Opentelemetry__Proto__Trace__V1__ScopeSpans *ss, size_t *dropped) {
  size_t kept = 0;
  for (size_t i = 0; i < ss->n_spans; i++) {
    if (is_noise(ss->spans[i])) {
      protobuf_c_message_free_unpacked(&ss->spans[i]->base, NULL);
      ++*dropped;
    } else {
      ss->spans[kept++] = ss->spans[i];
    }
  }
  ss->n_spans = kept;
  return kept == 0;
}

/* Drops the noise of rs, and its scopes left empty; true when none is left. */
static bool filter_resource(Opentelemetry__Proto__Trace__V1__ResourceSpans *rs, size_t *dropped) {
  size_t kept = 0;
  for (size_t k = 0; k < rs->n_scope_spans; k++) {
    if (filter_scope(rs->scope_spans[k], dropped))
      protobuf_c_message_free_unpacked(&rs->scope_spans[k]->base, NULL);
    else
      rs->scope_spans[kept++] = rs->scope_spans[k];
  }
  bool emptied = kept == 0 && rs->n_scope_spans > 0;
  rs->n_scope_spans = kept;
  return emptied;
}

size_t rx_filter_noise(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *req) {
  size_t dropped = 0, kept = 0;
  for (size_t r = 0; r < req->n_resource_spans; r++) {
    if (filter_resource(req->resource_spans[r], &dropped))
      protobuf_c_message_free_unpacked(&req->resource_spans[r]->base, NULL);
    else
      req->resource_spans[kept++] = req->resource_spans[r];
  }
  req->n_resource_spans = kept;
  return dropped;
}
