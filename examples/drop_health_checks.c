/*
 * A span processor that drops health checks in process: the probes a load
 * balancer or Kubernetes sends every few seconds would otherwise be most
 * of the spans exported. Server spans for /health and /ready go no further;
 * every other span goes on to the exporters.
 * Try it with OTEL_TRACES_EXPORTER=console.
 * Uses only the installed public headers.
 */
#include <otel/processor.h>
#include <string.h>

static bool is_probe(const char *path) {
  return path && (!strcmp(path, "/health") || !strcmp(path, "/ready"));
}

static bool drop_probes(void *ud, const otel_span_data_t *span) {
  (void)ud;
  if (otel_span_data_kind(span) != OTEL_SPAN_KIND_SERVER)
    return true;
  const otel_attr_t *path = otel_attr_list_find(otel_span_data_attrs(span), "url.path");
  return !(path && path->type == OTEL_VALUE_STRING && is_probe(path->v.s));
}

/* A server span as an HTTP integration would make it. */
static void serve(const otel_tracer_t *tracer, const char *name, const char *path) {
  otel_span_t *span = otel_span_start(tracer, name, OTEL_SPAN_KIND_SERVER, NULL);
  otel_span_set_str(span, "http.request.method", "GET");
  otel_span_set_str(span, "url.path", path);
  otel_span_set_int(span, "http.response.status_code", 200);
  otel_span_end(span);
}

int main(void) {
  otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.on_end = drop_probes));
  otel_init("drop-health-checks");
  const otel_tracer_t *tracer = otel_tracer_get("drop-health-checks", "1.0");
  serve(tracer, "GET /health", "/health");
  serve(tracer, "GET /orders", "/orders");
  serve(tracer, "GET /ready", "/ready");
  return otel_shutdown(5000) == 0 ? 0 : 1;
}
