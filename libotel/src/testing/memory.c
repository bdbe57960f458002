/*
 * The in-memory exporters and the test's SDK (<otel/testing.h>). They keep
 * what they are given by holding it, as a queue would: a span itself
 * (trace/span.h), a log record's copy (logs/log_data.h). Nothing is copied
 * again, and a span goes back to the pool on reset.
 */
#include <otel/testing.h>
#include <stdlib.h>
#include <string.h>

#include "common/sdk.h"
#include "logs/log_data.h"
#include "testing/store.h"
#include "trace/span.h"

struct otel_memory {
  otel__store_t spans, logs;
};

static void hold_span(void *span) { otel__span_hold(span); }
static void release_span(void *span) { otel__span_release(span); }
static void hold_log(void *record) { otel__log_data_hold(record); }
static void release_log(void *record) { otel__log_data_release(record); }

otel_memory_t *otel_memory_new(void) {
  otel_memory_t *m = malloc(sizeof(*m));
  if (m) {
    otel__store_init(&m->spans, hold_span, release_span);
    otel__store_init(&m->logs, hold_log, release_log);
  }
  return m;
}

static otel_export_result_t kept(bool ok) { return ok ? OTEL_EXPORT_SUCCESS : OTEL_EXPORT_FAILURE; }

static otel_export_result_t keep_spans(void *ud, const otel_span_data_t *const *spans, size_t n,
                                       uint32_t timeout_ms) {
  (void)timeout_ms;
  return kept(
      otel__store_add(&((otel_memory_t *)ud)->spans, (void *const *)(const void *)spans, n));
}

static otel_export_result_t keep_logs(void *ud, const otel_log_data_t *const *records, size_t n,
                                      uint32_t timeout_ms) {
  (void)timeout_ms;
  return kept(
      otel__store_add(&((otel_memory_t *)ud)->logs, (void *const *)(const void *)records, n));
}

otel_span_exporter_t otel_memory_span_exporter(otel_memory_t *m) {
  return OTEL_SPAN_EXPORTER_INIT(.ud = m, .export_spans = keep_spans);
}

otel_log_exporter_t otel_memory_log_exporter(otel_memory_t *m) {
  return OTEL_LOG_EXPORTER_INIT(.ud = m, .export_logs = keep_logs);
}

/* (A store's lock guards its array, not what it points to: const outside.) */
static otel__store_t *spans(const otel_memory_t *m) { return (otel__store_t *)&m->spans; }
static otel__store_t *logs(const otel_memory_t *m) { return (otel__store_t *)&m->logs; }

size_t otel_memory_span_count(const otel_memory_t *m) {
  return m ? otel__store_count(spans(m)) : 0;
}

const otel_span_data_t *otel_memory_span(const otel_memory_t *m, size_t i) {
  return m ? otel__store_at(spans(m), i) : NULL;
}

static bool named(const void *span, const char *name) {
  return !strcmp(((const otel_span_t *)span)->name, name);
}

const otel_span_data_t *otel_memory_find_span(const otel_memory_t *m, const char *name) {
  return m && name ? otel__store_find(spans(m), named, name) : NULL;
}

size_t otel_memory_log_count(const otel_memory_t *m) { return m ? otel__store_count(logs(m)) : 0; }

const otel_log_data_t *otel_memory_log(const otel_memory_t *m, size_t i) {
  return m ? otel__store_at(logs(m), i) : NULL;
}

static bool with_body(const void *record, const char *body) {
  return !strcmp(((const otel_log_data_t *)record)->body, body);
}

const otel_log_data_t *otel_memory_find_log(const otel_memory_t *m, const char *body) {
  return m && body ? otel__store_find(logs(m), with_body, body) : NULL;
}

void otel_memory_reset(otel_memory_t *m) {
  if (!m)
    return;
  otel__store_reset(&m->spans);
  otel__store_reset(&m->logs);
}

void otel_memory_free(otel_memory_t *m) {
  if (!m)
    return;
  otel__store_free(&m->spans);
  otel__store_free(&m->logs);
  free(m);
}

int otel_testing_init(const char *default_service_name, otel_memory_t *memory) {
  if (memory) {
    otel_span_exporter_t se = otel_memory_span_exporter(memory);
    otel_log_exporter_t le = otel_memory_log_exporter(memory);
    int rc = otel_add_span_exporter(&se, OTEL_PROCESSING_SIMPLE);
    if (!rc)
      rc = otel_add_log_exporter(&le, OTEL_PROCESSING_SIMPLE);
    if (rc)
      return rc;
  }
  return otel__sdk_start_linked(default_service_name,
                                &(otel__start_t){.no_stdout_writer = true, .no_exporters = true});
}
