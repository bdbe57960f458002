/*
 * A shared library of the program's own that uses libotel too (tests/install):
 * its span must land in the caller's trace and go out through the caller's
 * pipeline, which holds only when both use the one libotel.so.
 */
#include <otel/trace.h>

void component_work(void);

void component_work(void) {
  const otel_tracer_t *tracer = otel_tracer_get("component", "1.0");
  otel_span_t *span = otel_span_start(tracer, "component work", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_span_set_str(span, "component.part", "shared library");
  otel_span_end(span);
}
