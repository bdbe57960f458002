/* Decoding OTLP/HTTP requests: path, Content-Encoding, Content-Type, body. */
#include "decode.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "gzip.h"
#include "otlp/logs_service.pb-c.h"
#include "otlp/metrics_service.pb-c.h"
#include "otlp/trace_service.pb-c.h"
#include "otlp_json_parse.h"

static const struct {
  const char *path, *name;
  const ProtobufCMessageDescriptor *descriptor;
} SIGNALS[RX_SIGNALS] = {
    {"/v1/traces", "traces",
     &opentelemetry__proto__collector__trace__v1__export_trace_service_request__descriptor},
    {"/v1/metrics", "metrics",
     &opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__descriptor},
    {"/v1/logs", "logs",
     &opentelemetry__proto__collector__logs__v1__export_logs_service_request__descriptor},
};

const char *rx_signal_name(rx_signal_t s) { return SIGNALS[s].name; }

const ProtobufCMessageDescriptor *rx_signal_descriptor(rx_signal_t s) {
  return SIGNALS[s].descriptor;
}

/* Whether the media type of a Content-Type value (parameters aside) is type. */
static int media_type_is(const char *value, const char *type) {
  size_t n = strlen(type);
  return value && !strncasecmp(value, type, n) &&
         (value[n] == '\0' || value[n] == ';' || value[n] == ' ');
}

static rx_decoded_t refuse(unsigned status, const char *why, int json) {
  return (rx_decoded_t){.status = status, .error = why, .json = json};
}

rx_decoded_t rx_decode(const rx_request_t *req) {
  int json = media_type_is(req->content_type, "application/json");
  int i = 0;
  while (i < RX_SIGNALS && strcmp(req->path, SIGNALS[i].path))
    i++;
  if (i == RX_SIGNALS)
    return refuse(404, "unknown path: OTLP/HTTP takes /v1/traces, /v1/metrics and /v1/logs", json);
  if (!json && !media_type_is(req->content_type, "application/x-protobuf"))
    return refuse(415, "Content-Type must be application/x-protobuf or application/json", 0);
  if (req->len > RX_MAX_BODY)
    return refuse(413, "body too large", json);

  const void *body = req->body;
  size_t len = req->len;
  otel__buf_t plain;
  otel__buf_init(&plain, 0);
  const char *enc = req->content_encoding;
  if (enc && *enc && strcasecmp(enc, "identity")) {
    if (strcasecmp(enc, "gzip"))
      return refuse(415, "Content-Encoding must be gzip or none", json);
    int rc = otel__gunzip(req->body, req->len, RX_MAX_BODY, &plain);
    if (rc) {
      otel__buf_free(&plain);
      return rc == -EFBIG ? refuse(413, "body too large once inflated", json)
                          : refuse(400, "the body is not valid gzip", json);
    }
    body = plain.data;
    len = plain.len;
  }
  rx_decoded_t d = {.status = 200, .signal = (rx_signal_t)i, .json = json};
  if (json) {
    if (otel__otlp_json_parse(SIGNALS[i].descriptor, body, len, &d.message))
      d = refuse(400, "the body is not an OTLP/JSON export request", 1);
  } else {
    d.message = protobuf_c_message_unpack(SIGNALS[i].descriptor, NULL, len, body);
    if (!d.message)
      d = refuse(400, "the body is not an OTLP protobuf export request", 0);
  }
  otel__buf_free(&plain);
  return d;
}

void rx_decoded_free(rx_decoded_t *d) {
  if (d->message)
    protobuf_c_message_free_unpacked(d->message, NULL);
  d->message = NULL;
}

static size_t
spans(const Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *r) {
  size_t n = 0;
  for (size_t i = 0; i < r->n_resource_spans; i++)
    for (size_t j = 0; j < r->resource_spans[i]->n_scope_spans; j++)
      n += r->resource_spans[i]->scope_spans[j]->n_spans;
  return n;
}

static size_t points(const Opentelemetry__Proto__Metrics__V1__Metric *m) {
  switch (m->data_case) {
  case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE:
    return m->gauge->n_data_points;
  case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM:
    return m->sum->n_data_points;
  case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM:
    return m->histogram->n_data_points;
  default:
    return 0;
  }
}

static size_t
data_points(const Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest *r) {
  size_t n = 0;
  for (size_t i = 0; i < r->n_resource_metrics; i++)
    for (size_t j = 0; j < r->resource_metrics[i]->n_scope_metrics; j++)
      for (size_t k = 0; k < r->resource_metrics[i]->scope_metrics[j]->n_metrics; k++)
        n += points(r->resource_metrics[i]->scope_metrics[j]->metrics[k]);
  return n;
}

static size_t
log_records(const Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest *r) {
  size_t n = 0;
  for (size_t i = 0; i < r->n_resource_logs; i++)
    for (size_t j = 0; j < r->resource_logs[i]->n_scope_logs; j++)
      n += r->resource_logs[i]->scope_logs[j]->n_log_records;
  return n;
}

size_t rx_items(const rx_decoded_t *d) {
  if (d->status != 200)
    return 0;
  switch (d->signal) {
  case RX_TRACES:
    return spans((const void *)d->message);
  case RX_METRICS:
    return data_points((const void *)d->message);
  default:
    return log_records((const void *)d->message);
  }
}
