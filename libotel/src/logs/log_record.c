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
#include "logs/record_slab.h"

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

/* The fields before the attributes, in order of their numbers as protobuf-c
 * writes them: time, severity, its text, the body (an AnyValue holding the
 * message). */
static size_t head_size(otel_severity_t severity, size_t text_len, size_t body_len) {
  size_t len = 9 + 1 + otel__pb_varint_size((uint64_t)severity);
  if (text_len)
    len += otel__pb_delimited_size(text_len);
  return len + otel__pb_delimited_size(otel__pb_delimited_size(body_len));
}

static uint8_t *put_head(uint8_t *p, uint64_t time_unix_ns, otel_severity_t severity,
                         const char *text, size_t text_len, const char *body, size_t body_len) {
  p = otel__pb_put_tag(p, OTLP_LOG_TIME_UNIX_NANO, OTEL__WIRE_FIXED64);
  p = otel__pb_put_le(p, time_unix_ns, 8);
  p = otel__pb_put_tag(p, OTLP_LOG_SEVERITY_NUMBER, OTEL__WIRE_VARINT);
  p = otel__pb_put_varint(p, (uint64_t)severity);
  if (text_len)
    p = otel__pb_put_bytes(p, OTLP_LOG_SEVERITY_TEXT, text, text_len);
  p = otel__pb_put_tag(p, OTLP_LOG_BODY, OTEL__WIRE_LEN);
  p = otel__pb_put_varint(p, otel__pb_delimited_size(body_len));
  return otel__pb_put_bytes(p, OTLP_ANY_VALUE_STRING, body, body_len);
}

/* The fields after them: the dropped count, the span's flags and ids, the
 * observed time, the event name. */
static size_t tail_size(uint32_t dropped, const otel_span_context_t *sc, size_t event_len) {
  size_t len = 9;
  if (event_len)
    len += otel__pb_delimited_size(event_len);
  if (dropped)
    len += 1 + otel__pb_varint_size(dropped);
  if (sc)
    len += 5 + otel__pb_delimited_size(OTEL_TRACE_ID_SIZE) +
           otel__pb_delimited_size(OTEL_SPAN_ID_SIZE);
  return len;
}

static uint8_t *put_tail(uint8_t *p, uint32_t dropped, const otel_span_context_t *sc,
                         uint64_t time_unix_ns, const char *event_name, size_t event_len) {
  if (dropped) {
    p = otel__pb_put_tag(p, OTLP_LOG_DROPPED_ATTRIBUTES_COUNT, OTEL__WIRE_VARINT);
    p = otel__pb_put_varint(p, dropped);
  }
  if (sc) {
    p = otel__pb_put_tag(p, OTLP_LOG_FLAGS, OTEL__WIRE_FIXED32);
    p = otel__pb_put_le(p, sc->flags, 4);
    p = otel__pb_put_bytes(p, OTLP_LOG_TRACE_ID, sc->trace_id, OTEL_TRACE_ID_SIZE);
    p = otel__pb_put_bytes(p, OTLP_LOG_SPAN_ID, sc->span_id, OTEL_SPAN_ID_SIZE);
  }
  p = otel__pb_put_tag(p, OTLP_LOG_OBSERVED_TIME_UNIX_NANO, OTEL__WIRE_FIXED64);
  p = otel__pb_put_le(p, time_unix_ns, 8);
  if (event_len)
    p = otel__pb_put_bytes(p, OTLP_LOG_EVENT_NAME, event_name, event_len);
  return p;
}

static size_t event_length(const char *event_name) { return event_name ? strlen(event_name) : 0; }

/* A record of len bytes, with its logger's name after them; NULL when out of memory. */
static otel__log_record_t *record_alloc(size_t len, const char *logger) {
  const char *scope = logger ? logger : "";
  size_t scope_len = strlen(scope);
  otel__record_slab_t *slab;
  otel__log_record_t *r = otel__record_slab_alloc(sizeof(*r) + len + scope_len + 1, &slab);
  if (!r)
    return NULL;
  r->slab = slab;
  r->len = len;
  memcpy(r->bytes + len, scope, scope_len + 1);
  r->scope = (const char *)r->bytes + len;
  return r;
}

otel__log_record_t *otel__log_record_new(uint64_t time_unix_ns, otel_severity_t severity,
                                         const char *severity_text, const char *logger,
                                         const char *event_name, const char *message,
                                         const otel_attr_t *attrs, size_t n,
                                         const otel_span_context_t *sc) {
  /* The attributes, deduplicated and within the limits, in a set that lives
   * for this call: its keys are borrowed, its values encoded. */
  char block[1024];
  otel__arena_t arena;
  otel__arena_init(&arena, block, sizeof(block));
  otel__attrs_t set = {0};
  otel__attr_limits_t limits = {otel__sdk.config.log_attr_count,
                                otel__sdk.config.log_attr_value_length};
  for (size_t i = 0; i < n; i++)
    otel__attrs_set_literal_key(&set, &arena, &attrs[i], attrs[i].key ? strlen(attrs[i].key) : 0,
                                limits);

  const char *body = message ? message : "";
  size_t body_len = strlen(body), text_len = strlen(severity_text);
  if (!otel_span_context_is_valid(sc))
    sc = NULL;
  size_t event_len = event_length(event_name);
  size_t len = head_size(severity, text_len, body_len) + tail_size(set.dropped, sc, event_len);
  for (uint32_t i = 0; i < set.n; i++)
    len += otel__pb_delimited_size(kv_size(&set.items[i]));
  otel__log_record_t *r = record_alloc(len, logger);
  if (r) {
    uint8_t *p =
        put_head(r->bytes, time_unix_ns, severity, severity_text, text_len, body, body_len);
    for (uint32_t i = 0; i < set.n; i++)
      p = put_kv(p, &set.items[i]);
    put_tail(p, set.dropped, sc, time_unix_ns, event_name, event_len);
  }
  otel__arena_reset(&arena);
  return r;
}

/* --- written alongside the JSON line --- */

void otel__log_writer_begin(otel__log_writer_t *w, uint64_t time_unix_ns, otel_severity_t severity,
                            const char *severity_text, const char *body, size_t body_len,
                            size_t n) {
  const otel__config_t *c = &otel__sdk.config;
  size_t text_len = strlen(severity_text);
  w->n = 0;
  w->end = w->buf + sizeof(w->buf);
  /* Attributes that a limit drops or cuts, or a message longer than the buffer. */
  w->failed = n > OTEL__LOG_WRITER_ATTRS || n > c->log_attr_count || c->log_attr_value_length ||
              head_size(severity, text_len, body_len) > sizeof(w->buf);
  if (!w->failed)
    w->p = put_head(w->buf, time_unix_ns, severity, severity_text, text_len, body, body_len);
}

/* Writes a; false when it needs otel__log_record_new(). */
static bool write_attr(otel__log_writer_t *w, const otel_attr_t *a, size_t klen, size_t slen) {
  if (!klen) /* dropped and counted */
    return false;
  for (size_t i = 0; i < w->n; i++) /* a key given twice, of which one is kept */
    if (w->key_len[i] == klen && !memcmp(w->keys[i], a->key, klen))
      return false;
  w->keys[w->n] = a->key;
  w->key_len[w->n++] = klen;
  otel_attr_t value = *a;
  if (value.type == OTEL_VALUE_STRING) {
    if (!value.v.s)
      value.v.s = "";
  } else if (value.type > OTEL_VALUE_DOUBLE) {
    return false; /* an array, whose NULL strings a copy makes "" */
  }
  size_t value_len = otel__otlp_value_size(&value, slen);
  size_t kv = otel__otlp_kv_size(klen, value_len);
  if (otel__pb_delimited_size(kv) > (size_t)(w->end - w->p))
    return false;
  uint8_t *p = otel__pb_put_tag(w->p, OTLP_LOG_ATTRIBUTES, OTEL__WIRE_LEN);
  p = otel__pb_put_varint(p, kv);
  p = otel__otlp_kv_head(p, a->key, klen, value_len);
  w->p = otel__otlp_value_write(p, &value, slen);
  return true;
}

void otel__log_writer_attr(otel__log_writer_t *w, const otel_attr_t *a, size_t klen, size_t slen) {
  if (!w->failed && !write_attr(w, a, klen, slen))
    w->failed = true;
}

otel__log_record_t *otel__log_writer_end(otel__log_writer_t *w, uint64_t time_unix_ns,
                                         const char *logger, const char *event_name,
                                         const otel_span_context_t *sc) {
  if (!otel_span_context_is_valid(sc))
    sc = NULL;
  size_t body = (size_t)(w->p - w->buf), event_len = event_length(event_name);
  otel__log_record_t *r = record_alloc(body + tail_size(0, sc, event_len), logger);
  if (r) {
    memcpy(r->bytes, w->buf, body);
    put_tail(r->bytes + body, 0, sc, time_unix_ns, event_name, event_len);
  }
  return r;
}

void otel__log_record_free(otel__log_record_t *r) {
  if (r)
    otel__record_slab_free(r, r->slab);
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
        otel__pbw_bytes(w, OTLP_SCOPE_LOGS_LOG_RECORDS, records[i]->bytes, records[i]->len);
    otel__otlp_put_named_scope(w, OTLP_SCOPE_LOGS_SCOPE, OTLP_SCOPE_LOGS_SCHEMA_URL,
                               records[k]->scope);
    otel__pbw_close(w, OTLP_RESOURCE_LOGS_SCOPE_LOGS, mark);
  }
  otel__otlp_put_resource(w, OTLP_RESOURCE_LOGS_RESOURCE, resource);
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
