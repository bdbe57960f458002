/*
 * A span exporter of the program's own: every sampled span, one line each,
 * appended to a file (the first argument), driven by the batch span
 * processor, so ending a span never waits for the disk. A line is
 *   <trace id> <span id> <parent span id or -> <duration in µs> <status> <name>
 * Uses only the installed public headers.
 */
#include <otel/processor.h>
#include <stdio.h>

static void hex(const uint8_t *bytes, size_t n, char *out) {
  for (size_t i = 0; i < n; i++)
    snprintf(out + 2 * i, 3, "%02x", bytes[i]);
}

static otel_export_result_t write_spans(void *ud, const otel_span_data_t *const *spans, size_t n,
                                        uint32_t timeout_ms) {
  (void)timeout_ms; /* a local file: each write returns at once */
  FILE *out = ud;
  for (size_t i = 0; i < n; i++) {
    const otel_span_data_t *s = spans[i];
    const otel_span_context_t *sc = otel_span_data_context(s);
    char trace[OTEL_TRACE_ID_HEX_SIZE], span[OTEL_SPAN_ID_HEX_SIZE], parent[OTEL_SPAN_ID_HEX_SIZE];
    hex(sc->trace_id, OTEL_TRACE_ID_SIZE, trace);
    hex(sc->span_id, OTEL_SPAN_ID_SIZE, span);
    const uint8_t *p = otel_span_data_parent_span_id(s);
    if (p)
      hex(p, OTEL_SPAN_ID_SIZE, parent);
    else
      snprintf(parent, sizeof(parent), "-");
    uint64_t us = (otel_span_data_end_time(s) - otel_span_data_start_time(s)) / 1000;
    static const char *const status[] = {"unset", "ok", "error"};
    fprintf(out, "%s %s %s %llu %s %s\n", trace, span, parent, (unsigned long long)us,
            status[otel_span_data_status(s, NULL)], otel_span_data_name(s));
  }
  return fflush(out) == 0 ? OTEL_EXPORT_SUCCESS : OTEL_EXPORT_FAILURE;
}

static void close_file(void *ud, uint32_t timeout_ms) {
  (void)timeout_ms;
  fclose(ud);
}

int main(int argc, char **argv) {
  FILE *out = argc > 1 ? fopen(argv[1], "a") : NULL;
  if (!out) {
    fprintf(stderr, "usage: file_exporter FILE\n");
    return 2;
  }
  otel_add_span_exporter(
      &OTEL_SPAN_EXPORTER_INIT(.ud = out, .export_spans = write_spans, .shutdown = close_file),
      OTEL_PROCESSING_BATCH);
  otel_init("file-exporter");
  const otel_tracer_t *tracer = otel_tracer_get("file-exporter", "1.0");
  otel_span_t *job = otel_span_start(tracer, "nightly report", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_scope_t scope = otel_span_attach(job);
  otel_span_t *query = otel_span_start(tracer, "SELECT orders", OTEL_SPAN_KIND_CLIENT, NULL);
  otel_span_set_status(query, OTEL_STATUS_ERROR, "timeout");
  otel_span_end(query);
  otel_scope_end(&scope);
  otel_span_end(job);
  return otel_shutdown(5000) == 0 ? 0 : 1; /* exports what is queued, then closes the file */
}
