/*
 * The program that loads component.c's shared library (tests/install): it
 * alone initialises libotel, starts a span, and calls the component inside
 * it. With one SDK state in the process, the component's span is the child
 * of the program's and is exported by the program's pipeline.
 */
#include <otel/otel.h>
#include <otel/trace.h>

void component_work(void);

int main(void) {
  otel_init("shared-library-check");
  const otel_tracer_t *tracer = otel_tracer_get("program", "1.0");
  otel_span_t *span = otel_span_start(tracer, "program work", OTEL_SPAN_KIND_SERVER, NULL);
  otel_scope_t scope = otel_span_attach(span);
  component_work();
  otel_scope_end(&scope);
  otel_span_end(span);
  return otel_shutdown(5000) ? 1 : 0;
}
