/*
 * A sampler that keeps every error: a span that starts with error.type, or
 * with an HTTP status of 500 or more (as a span made once the outcome is
 * known is started), is always sampled; every other span is left to the
 * sampler OTEL_TRACES_SAMPLER configures. So a service can sample 1% of its
 * traffic and still export each failure.
 * Try it with OTEL_TRACES_EXPORTER=console OTEL_TRACES_SAMPLER=always_off.
 * Uses only the installed public headers.
 */
#include <otel/sampler.h>
#include <string.h>

static bool is_error(const otel_attr_t *a) {
  if (!strcmp(a->key, "error.type"))
    return true;
  return !strcmp(a->key, "http.response.status_code") && a->type == OTEL_VALUE_INT && a->v.i >= 500;
}

static void keep_errors(void *ud, const otel_sampling_params_t *p, otel_sampling_result_t *out) {
  (void)ud;
  for (size_t i = 0; i < p->n_attrs; i++)
    if (p->attrs[i].key && is_error(&p->attrs[i])) {
      out->decision = OTEL_SAMPLING_RECORD_AND_SAMPLE;
      return;
    }
  otel_sampler_configured(p, out);
}

/* A call whose outcome is known when its span is made, as when timing is
 * measured by the caller and the span recorded afterwards. */
static void record_call(const otel_tracer_t *tracer, uint64_t start_ns, int status) {
  otel_attr_t attrs[] = {OTEL_ATTR_STR("http.request.method", "GET"),
                         OTEL_ATTR_INT("http.response.status_code", status)};
  otel_span_t *span = otel_span_start_with(
      tracer, "GET", OTEL_SPAN_KIND_CLIENT, NULL,
      &OTEL_SPAN_OPTIONS(.start_unix_ns = start_ns, .attrs = attrs, .n_attrs = 2));
  if (status >= 500)
    otel_span_set_status(span, OTEL_STATUS_ERROR, NULL);
  otel_span_end(span);
}

int main(void) {
  otel_set_sampler(&OTEL_SAMPLER_INIT(.should_sample = keep_errors, .description = "KeepErrors"));
  otel_init("keep-errors");
  const otel_tracer_t *tracer = otel_tracer_get("keep-errors", "1.0");
  record_call(tracer, 0, 200);
  record_call(tracer, 0, 503);
  record_call(tracer, 0, 404);
  return otel_shutdown(5000) == 0 ? 0 : 1;
}
