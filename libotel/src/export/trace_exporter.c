/* Spans as an export signal: their encoder and their console lines. */
#include "export/trace_exporter.h"

#include "otlp/trace_service.pb-c.h"
#include "export/otlp_common.h"
#include "otlp_codec.h"
#include "export/otlp_trace.h"

typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest pb_request_t;
#define REQUEST_DESCRIPTOR                                                                         \
  opentelemetry__proto__collector__trace__v1__export_trace_service_request__descriptor

int otel__trace_encode(otel__pbw_t *w, otlp_buf_t *json, const otel__resource_t *resource,
                       otel_span_t *const *spans, size_t n, otel__protocol_t protocol,
                       const void **body, size_t *len) {
  int rc = otel__otlp_traces_encode(w, resource, spans, n);
  return rc ? rc
            : otel__otlp_body(w, &REQUEST_DESCRIPTOR, protocol == OTEL__PROTOCOL_JSON, json, body,
                              len);
}

static int encode(otel__pbw_t *w, const otel__resource_t *resource, void *const *items, size_t n) {
  return otel__otlp_traces_encode(w, resource, (otel_span_t *const *)items, n);
}

static void console_lines(const ProtobufCMessage *m, otlp_buf_t *out) {
  const pb_request_t *req = (const pb_request_t *)m;
  for (size_t r = 0; r < req->n_resource_spans; r++) {
    for (size_t k = 0; k < req->resource_spans[r]->n_scope_spans; k++) {
      Opentelemetry__Proto__Trace__V1__ScopeSpans *ss = req->resource_spans[r]->scope_spans[k];
      for (size_t i = 0; i < ss->n_spans; i++) {
        otlp_json_encode(&ss->spans[i]->base, out);
        otlp_buf_putc(out, '\n');
      }
    }
  }
}

static void free_span(void *item) { otel__span_release(item); }

static const otel__signal_t SPANS = {"spans", &REQUEST_DESCRIPTOR, encode, console_lines,
                                     free_span};

otel__batch_t *otel__trace_pipeline_start(const otel__sdk_t *sdk) {
  return otel__export_pipeline_start(sdk, &SPANS, sdk->config.traces_exporters,
                                     &sdk->config.traces_otlp, &sdk->config.bsp);
}
