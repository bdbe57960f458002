/*
 * Log records for export: encoded at otel_log() time, into one allocation,
 * as the OTLP LogRecords they are sent as, carrying the trace and span ids of
 * the span they were written under; queued through a batch log record
 * processor (OTEL_BLRP_*); grouped by logger when a batch is sent.
 */
#include "logs/log_record.h"

#include <errno.h>
#include <otel/otel.h>
#include <stdlib.h>
#include <string.h>

#include "common/attrs.h"
#include "export/exporter.h"
#include "otlp/logs_service.pb-c.h"
#include "export/otlp_common.h"
#include "export/otlp_fields.h"
#include "otlp_codec.h"
#include "export/otlp_value.h"

#define REQUEST_DESCRIPTOR                                                                         \
  opentelemetry__proto__collector__logs__v1__export_logs_service_request__descriptor

static size_t kv_size(const otel__attr_item_t *item) {
  return otel__otlp_kv_size(item->key_len, item->value_len);
}

/* An attribute as a LogRecord's attributes field. */
static uint8_t *put_kv(uint8_t *p, const otel__attr_item_t *item) {
  p = otel__pb_put_tag(p, OTLP_LOG_ATTRIBUTES, OTEL__WIRE_LEN);
  p = otel__pb_put_varint(p, kv_size(item));
  p = otel__otlp_kv_head(p, item->attr.key, item->key_len, item->value_len);
  memcpy(p, item->value, item->value_len);
  return p + item->value_len;
}

otel__log_record_t *otel__log_record_new(uint64_t time_unix_ns, otel_severity_t severity,
                                         const char *severity_text, const char *logger,
                                         const char *message, const otel_attr_t *attrs, size_t n,
                                         const otel_span_context_t *sc) {
  /* The attributes, deduplicated and within the limits, in a set that lives
   * for this call: its keys are borrowed, its values encoded. */
  char block[1024];
  otel__arena_t arena;
  otel__arena_init(&arena, block, sizeof(block));
  otel__attrs_t set = {0};
  const otel__span_limits_t *l = &otel__sdk.config.span_limits;
  otel__attr_limits_t limits = {l->attr_count, l->attr_value_length};
  for (size_t i = 0; i < n; i++)
    otel__attrs_set_literal_key(&set, &arena, &attrs[i], attrs[i].key ? strlen(attrs[i].key) : 0,
                                limits);

  const char *scope = logger ? logger : "", *body = message ? message : "";
  size_t scope_len = strlen(scope), body_len = strlen(body), text_len = strlen(severity_text);
  bool traced = otel_span_context_is_valid(sc);
  /* The fields in order of their numbers, as protobuf-c writes them. */
  size_t len = 9 + 1 + otel__pb_varint_size((uint64_t)severity);
  if (text_len)
    len += otel__pb_delimited_size(text_len);
  len += otel__pb_delimited_size(otel__pb_delimited_size(body_len));
  for (uint32_t i = 0; i < set.n; i++)
    len += otel__pb_delimited_size(kv_size(&set.items[i]));
  if (set.dropped)
    len += 1 + otel__pb_varint_size(set.dropped);
  if (traced)
    len += 5 + otel__pb_delimited_size(OTEL_TRACE_ID_SIZE) +
           otel__pb_delimited_size(OTEL_SPAN_ID_SIZE);
  len += 9;

  otel__log_record_t *r = malloc(sizeof(*r) + len + scope_len + 1);
  if (r) {
    uint8_t *p = r->bytes;
    p = otel__pb_put_tag(p, OTLP_LOG_TIME_UNIX_NANO, OTEL__WIRE_FIXED64);
    p = otel__pb_put_le(p, time_unix_ns, 8);
    p = otel__pb_put_tag(p, OTLP_LOG_SEVERITY_NUMBER, OTEL__WIRE_VARINT);
    p = otel__pb_put_varint(p, (uint64_t)severity);
    if (text_len)
      p = otel__pb_put_bytes(p, OTLP_LOG_SEVERITY_TEXT, severity_text, text_len);
    p = otel__pb_put_tag(p, OTLP_LOG_BODY, OTEL__WIRE_LEN); /* an AnyValue holding the message */
    p = otel__pb_put_varint(p, otel__pb_delimited_size(body_len));
    p = otel__pb_put_bytes(p, OTLP_ANY_VALUE_STRING, body, body_len);
    for (uint32_t i = 0; i < set.n; i++)
      p = put_kv(p, &set.items[i]);
    if (set.dropped) {
      p = otel__pb_put_tag(p, OTLP_LOG_DROPPED_ATTRIBUTES_COUNT, OTEL__WIRE_VARINT);
      p = otel__pb_put_varint(p, set.dropped);
    }
    if (traced) {
      p = otel__pb_put_tag(p, OTLP_LOG_FLAGS, OTEL__WIRE_FIXED32);
      p = otel__pb_put_le(p, sc->flags, 4);
      p = otel__pb_put_bytes(p, OTLP_LOG_TRACE_ID, sc->trace_id, OTEL_TRACE_ID_SIZE);
      p = otel__pb_put_bytes(p, OTLP_LOG_SPAN_ID, sc->span_id, OTEL_SPAN_ID_SIZE);
    }
    p = otel__pb_put_tag(p, OTLP_LOG_OBSERVED_TIME_UNIX_NANO, OTEL__WIRE_FIXED64);
    p = otel__pb_put_le(p, time_unix_ns, 8);
    r->len = (size_t)(p - r->bytes);
    memcpy(p, scope, scope_len + 1);
    r->scope = (const char *)p;
  }
  otel__arena_reset(&arena);
  return r;
}

void otel__log_record_free(otel__log_record_t *r) { free(r); }

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
        otel__pbw_bytes(w, OTLP_SCOPE_LOGS_LOG_RECORDS, records[i]->bytes, records[i]->len);
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

static void console_lines(const ProtobufCMessage *m, otlp_buf_t *out) {
  const Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest *req = (const void *)m;
  for (size_t r = 0; r < req->n_resource_logs; r++) {
    for (size_t k = 0; k < req->resource_logs[r]->n_scope_logs; k++) {
      Opentelemetry__Proto__Logs__V1__ScopeLogs *sl = req->resource_logs[r]->scope_logs[k];
      for (size_t i = 0; i < sl->n_log_records; i++) {
        otlp_json_encode(&sl->log_records[i]->base, out);
        otlp_buf_putc(out, '\n');
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
