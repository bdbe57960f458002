/*
 * The smallest libotel program: a server span with a child and a log record
 * in its context, exported as the OTEL_* environment says. Try it with
 * OTEL_TRACES_EXPORTER=console.
 * Uses only the installed public headers.
 */
#include <otel/log.h>
#include <otel/trace.h>
#include <stdio.h>

int main(void) {
  otel_init("trace-demo");
  const otel_tracer_t *tracer = otel_tracer_get("trace-demo", "1.0");

  otel_span_t *server = otel_span_start(tracer, "GET /hello", OTEL_SPAN_KIND_SERVER, NULL);
  otel_span_set_str(server, "http.request.method", "GET");
  otel_span_set_str(server, "http.route", "/hello");
  otel_scope_t scope = otel_span_attach(server);

  otel_span_t *work = otel_span_start(tracer, "compute greeting", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_span_add_event(work, "greeting chosen", NULL, 0);
  otel_span_end(work);
  otel_log(OTEL_SEVERITY_INFO, "trace-demo", "greeted", &OTEL_ATTR_STR("greeting", "hello"), 1);

  otel_span_set_int(server, "http.response.status_code", 200);
  char trace_id[OTEL_TRACE_ID_HEX_SIZE];
  otel_span_trace_id_hex(server, trace_id);
  otel_scope_end(&scope);
  otel_span_end(server);

  fprintf(stderr, "trace %s\n", trace_id);
  return otel_shutdown(5000) == 0 ? 0 : 1;
}
