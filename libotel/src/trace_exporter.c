/*
 * Span exporter: turns a batch of ended spans into an OTLP request and sends
 * it, and/or prints each span as a line of OTLP/JSON on stdout (console).
 * Runs on the batch processor's thread only.
 */
#include "trace_exporter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "otlp_common.h"
#include "otlp_http.h"
#include "otlp_json.h"
#include "otlp_trace.h"

typedef struct trace_exporter {
  const otel__sdk_t *sdk;
  otel__interrupt_t intr;
  otel__otlp_http_t *http; /* NULL when OTLP is not among the exporters */
  bool console;
  otel__arena_t arena;
  otel__buf_t body;
} trace_exporter_t;

int otel__trace_encode(otel__arena_t *arena, const otel__resource_t *resource,
                       otel_span_t *const *spans, size_t n, otel__protocol_t protocol,
                       otel__buf_t *out) {
  otel__pb_traces_t *req = otel__otlp_traces_build(arena, resource, spans, n);
  if (!req)
    return -ENOMEM;
  if (protocol == OTEL__PROTOCOL_JSON) {
    otel__buf_clear(out);
    otel__otlp_json(&req->base, out);
  } else if (!otel__pb_pack(&req->base, out)) {
    return -ENOMEM;
  }
  return out->failed ? -ENOMEM : 0;
}

static void print_console(trace_exporter_t *e, void *const *items, size_t n) {
  for (size_t i = 0; i < n; i++) {
    otel__pb_span_t *p = otel__otlp_span_build(&e->arena, items[i]);
    if (!p)
      continue;
    otel__buf_clear(&e->body);
    otel__otlp_json(&p->base, &e->body);
    otel__buf_putc(&e->body, '\n');
    if (!e->body.failed)
      fwrite(e->body.data, 1, e->body.len, stdout);
  }
  fflush(stdout);
}

static int export_spans(void *ud, void *const *items, size_t n, uint64_t deadline) {
  trace_exporter_t *e = ud;
  int rc = 0;
  if (e->console)
    print_console(e, items, n);
  if (e->http) {
    const otel__otlp_config_t *cfg = &e->sdk->config.traces_otlp;
    rc = otel__trace_encode(&e->arena, &e->sdk->resource, (otel_span_t *const *)items, n,
                            cfg->protocol, &e->body);
    if (rc == 0)
      rc = otel__otlp_http_send(e->http, &e->body, deadline);
  }
  otel__arena_reset(&e->arena);
  return rc;
}

static void free_span(void *item) { otel__span_free(item); }

static void destroy(void *ud) {
  trace_exporter_t *e = ud;
  otel__otlp_http_free(e->http);
  otel__arena_reset(&e->arena);
  otel__buf_free(&e->body);
  otel__interrupt_destroy(&e->intr);
  free(e);
}

static const otel__batch_ops_t OPS = {"spans", export_spans, free_span, destroy};

otel__batch_t *otel__trace_pipeline_start(const otel__sdk_t *sdk) {
  int kinds = sdk->config.traces_exporters;
  if (!kinds)
    return NULL;
  trace_exporter_t *e = calloc(1, sizeof(*e));
  if (!e || otel__interrupt_init(&e->intr)) {
    free(e);
    otel__error("traces: out of memory; spans will not be exported");
    return NULL;
  }
  e->sdk = sdk;
  e->console = kinds & OTEL__EXPORT_CONSOLE;
  otel__arena_init(&e->arena, NULL, 0);
  otel__buf_init(&e->body, 0);
  if (kinds & OTEL__EXPORT_OTLP) {
    e->http = otel__otlp_http_new(&sdk->config.traces_otlp, &e->intr);
    if (!e->http) {
      destroy(e);
      otel__error("traces: cannot create the OTLP exporter; spans will not be exported");
      return NULL;
    }
  }
  return otel__batch_new(&sdk->config.bsp, &OPS, e, &e->intr);
}
