/*
 * Log records for export: copied at otel_log() time into one allocation,
 * queued through a batch log record processor (OTEL_BLRP_*), and encoded as
 * OTLP LogRecords carrying the trace and span ids of the span they were
 * written under.
 */
#include "log_record.h"

#include <errno.h>
#include <otel/otel.h>
#include <stdlib.h>
#include <string.h>

#include "exporter.h"
#include "otlp/logs_service.pb-c.h"
#include "otlp_common.h"
#include "otlp_fields.h"
#include "otlp_json.h"

#define RECORD_BLOCK 1024 /* the record and its arena's first block */
#define REQUEST_DESCRIPTOR                                                                         \
  opentelemetry__proto__collector__logs__v1__export_logs_service_request__descriptor

otel__log_record_t *otel__log_record_new(uint64_t time_unix_ns, otel_severity_t severity,
                                         const char *severity_text, const char *logger,
                                         const char *message, const otel_attr_t *attrs, size_t n,
                                         const otel_span_context_t *sc) {
  otel__log_record_t *r = malloc(RECORD_BLOCK);
  if (!r)
    return NULL;
  memset(r, 0, sizeof(*r));
  otel__arena_init(&r->arena, (char *)r + sizeof(*r), RECORD_BLOCK - sizeof(*r));
  r->time_unix_ns = time_unix_ns;
  r->severity = severity;
  r->severity_text = severity_text; /* static */
  r->scope = otel__arena_strdup(&r->arena, logger ? logger : "");
  r->body = otel__arena_strdup(&r->arena, message ? message : "");
  const otel__span_limits_t *l = &otel__sdk.config.span_limits;
  otel__attr_limits_t limits = {l->attr_count, l->attr_value_length};
  for (size_t i = 0; i < n; i++)
    otel__attrs_set(&r->attrs, &r->arena, &attrs[i], limits);
  if (otel_span_context_is_valid(sc)) {
    memcpy(r->trace_id, sc->trace_id, sizeof(r->trace_id));
    memcpy(r->span_id, sc->span_id, sizeof(r->span_id));
    r->flags = sc->flags;
    r->has_trace = true;
  }
  if (!r->scope || !r->body) {
    otel__log_record_free(r);
    return NULL;
  }
  return r;
}

void otel__log_record_free(otel__log_record_t *r) {
  if (!r)
    return;
  otel__arena_reset(&r->arena);
  free(r);
}

static void put_record(otel__pbw_t *w, const otel__log_record_t *r) {
  size_t mark = otel__pbw_mark(w);
  otel__pbw_fixed64(w, OTLP_LOG_OBSERVED_TIME_UNIX_NANO, r->time_unix_ns);
  if (r->has_trace) {
    otel__pbw_bytes(w, OTLP_LOG_SPAN_ID, r->span_id, OTEL_SPAN_ID_SIZE);
    otel__pbw_bytes(w, OTLP_LOG_TRACE_ID, r->trace_id, OTEL_TRACE_ID_SIZE);
    otel__pbw_fixed32(w, OTLP_LOG_FLAGS, r->flags);
  }
  otel__pbw_varint_nz(w, OTLP_LOG_DROPPED_ATTRIBUTES_COUNT, r->attrs.dropped);
  otel__otlp_put_attrs(w, OTLP_LOG_ATTRIBUTES, &r->attrs);
  size_t body = otel__pbw_mark(w); /* an AnyValue holding the message */
  otel__pbw_bytes(w, OTLP_ANY_VALUE_STRING, r->body, strlen(r->body));
  otel__pbw_close(w, OTLP_LOG_BODY, body);
  otel__pbw_string_nz(w, OTLP_LOG_SEVERITY_TEXT, r->severity_text);
  otel__pbw_varint(w, OTLP_LOG_SEVERITY_NUMBER, (uint64_t)r->severity);
  otel__pbw_fixed64(w, OTLP_LOG_TIME_UNIX_NANO, r->time_unix_ns);
  otel__pbw_close(w, OTLP_SCOPE_LOGS_LOG_RECORDS, mark);
}

int otel__otlp_logs_encode(otel__pbw_t *w, const otel__resource_t *resource,
                           otel__log_record_t *const *records, size_t n) {
  otel__pbw_reset(w);
  size_t resource_logs = otel__pbw_mark(w);
  /* One ScopeLogs per logger, in order of first appearance: written last first. */
  for (size_t k = n; k-- > 0;) {
    size_t first = 0;
    while (strcmp(records[first]->scope, records[k]->scope))
      first++;
    if (first != k)
      continue;
    size_t mark = otel__pbw_mark(w);
    for (size_t i = n; i-- > 0;)
      if (!strcmp(records[i]->scope, records[k]->scope))
        put_record(w, records[i]);
    otel__otlp_put_scope(w, OTLP_SCOPE_LOGS_SCOPE, records[k]->scope, NULL);
    otel__pbw_close(w, OTLP_RESOURCE_LOGS_SCOPE_LOGS, mark);
  }
  otel__otlp_put_resource(w, OTLP_RESOURCE_LOGS_RESOURCE, &resource->attrs);
  otel__pbw_close(w, OTLP_LOGS_RESOURCE_LOGS, resource_logs);
  return w->failed ? -ENOMEM : 0;
}

static int encode(otel__pbw_t *w, const otel__resource_t *resource, void *const *items, size_t n) {
  return otel__otlp_logs_encode(w, resource, (otel__log_record_t *const *)items, n);
}

static void console_lines(const ProtobufCMessage *m, otel__buf_t *out) {
  const Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest *req = (const void *)m;
  for (size_t r = 0; r < req->n_resource_logs; r++) {
    for (size_t k = 0; k < req->resource_logs[r]->n_scope_logs; k++) {
      Opentelemetry__Proto__Logs__V1__ScopeLogs *sl = req->resource_logs[r]->scope_logs[k];
      for (size_t i = 0; i < sl->n_log_records; i++) {
        otel__otlp_json(&sl->log_records[i]->base, out);
        otel__buf_putc(out, '\n');
      }
    }
  }
}

static void free_record(void *item) { otel__log_record_free(item); }

static const otel__signal_t LOG_RECORDS = {"log records", &REQUEST_DESCRIPTOR, encode,
                                           console_lines, free_record};

otel__batch_t *otel__logs_pipeline_start(const otel__sdk_t *sdk) {
  return otel__export_pipeline_start(sdk, &LOG_RECORDS, sdk->config.logs_exporters,
                                     &sdk->config.logs_otlp, &sdk->config.blrp);
}
