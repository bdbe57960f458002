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
#include "otlp/trace_service.pb-c.h"
#include "otlp_common.h"
#include "otlp_http.h"
#include "otlp_json.h"
#include "otlp_trace.h"

typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest pb_request_t;
#define REQUEST_DESCRIPTOR                                                                         \
  opentelemetry__proto__collector__trace__v1__export_trace_service_request__descriptor

typedef struct trace_exporter {
  const otel__sdk_t *sdk;
  otel__interrupt_t intr;
  otel__otlp_http_t *http; /* NULL when OTLP is not among the exporters */
  bool console;
  otel__pbw_t pb;
  otel__buf_t json;
} trace_exporter_t;

int otel__trace_encode(otel__pbw_t *w, otel__buf_t *json, const otel__resource_t *resource,
                       otel_span_t *const *spans, size_t n, otel__protocol_t protocol,
                       const void **body, size_t *len) {
  int rc = otel__otlp_traces_encode(w, resource, spans, n);
  return rc ? rc
            : otel__otlp_body(w, &REQUEST_DESCRIPTOR, protocol == OTEL__PROTOCOL_JSON, json, body,
                              len);
}

/* One line of OTLP/JSON per span: the batch is encoded, decoded, and each
 * Span message printed, so the console shows exactly what OTLP would carry. */
static void print_console(trace_exporter_t *e, otel_span_t *const *spans, size_t n) {
  if (otel__otlp_traces_encode(&e->pb, &e->sdk->resource, spans, n))
    return;
  pb_request_t *req = (pb_request_t *)protobuf_c_message_unpack(
      &REQUEST_DESCRIPTOR, NULL, otel__pbw_len(&e->pb), otel__pbw_data(&e->pb));
  if (!req)
    return;
  otel__buf_clear(&e->json);
  for (size_t r = 0; r < req->n_resource_spans; r++) {
    for (size_t k = 0; k < req->resource_spans[r]->n_scope_spans; k++) {
      Opentelemetry__Proto__Trace__V1__ScopeSpans *ss = req->resource_spans[r]->scope_spans[k];
      for (size_t i = 0; i < ss->n_spans; i++) {
        otel__otlp_json(&ss->spans[i]->base, &e->json);
        otel__buf_putc(&e->json, '\n');
      }
    }
  }
  protobuf_c_message_free_unpacked(&req->base, NULL);
  if (!e->json.failed)
    fwrite(e->json.data, 1, e->json.len, stdout);
  fflush(stdout);
}

static int export_spans(void *ud, void *const *items, size_t n, uint64_t deadline) {
  trace_exporter_t *e = ud;
  otel_span_t *const *spans = (otel_span_t *const *)items;
  if (e->console)
    print_console(e, spans, n);
  if (!e->http)
    return 0;
  const otel__otlp_config_t *cfg = &e->sdk->config.traces_otlp;
  const void *body;
  size_t len;
  int rc =
      otel__trace_encode(&e->pb, &e->json, &e->sdk->resource, spans, n, cfg->protocol, &body, &len);
  return rc ? rc : otel__otlp_http_send(e->http, body, len, deadline);
}

static void free_span(void *item) { otel__span_free(item); }

static void destroy(void *ud) {
  trace_exporter_t *e = ud;
  otel__otlp_http_free(e->http);
  otel__pbw_free(&e->pb);
  otel__buf_free(&e->json);
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
  otel__pbw_init(&e->pb);
  otel__buf_init(&e->json, 0);
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
