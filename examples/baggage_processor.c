/*
 * A span processor that copies the current baggage onto every span as it
 * starts: a "tenant" the edge service put in the baggage becomes an
 * attribute of each span of this service, searchable in any backend.
 * Try it with OTEL_TRACES_EXPORTER=console.
 * Uses only the installed public headers.
 */
#include <otel/processor.h>
#include <stdio.h>

/* Each baggage entry named in ud (a NULL-terminated list) becomes the
 * attribute "baggage.<key>". */
static void copy_baggage(void *ud, otel_span_t *span, const otel_context_t *parent) {
  for (const char *const *key = ud; *key; key++) {
    const char *value = otel_baggage_get(parent->baggage, *key);
    if (!value)
      continue;
    char name[128];
    snprintf(name, sizeof(name), "baggage.%s", *key);
    otel_span_set_str(span, name, value);
  }
}

int main(void) {
  static const char *const keys[] = {"tenant", NULL};
  otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.ud = (void *)keys, .on_start = copy_baggage));
  otel_init("baggage-processor");
  const otel_tracer_t *tracer = otel_tracer_get("baggage-processor", "1.0");

  /* As a server does with the baggage header of a request. */
  otel_context_t request = {0};
  request.baggage = otel_baggage_parse("tenant=acme,region=eu");
  otel_scope_t scope = otel_context_attach(&request);
  otel_span_t *span = otel_span_start(tracer, "GET /orders", OTEL_SPAN_KIND_SERVER, NULL);
  otel_span_end(span);
  otel_scope_end(&scope);
  otel_context_release(&request);

  return otel_shutdown(5000) == 0 ? 0 : 1;
}
