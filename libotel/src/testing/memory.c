/*
 * The in-memory exporters and the test's SDK (<otel/testing.h>). They keep
 * what they are given by holding it, as a queue would: a span itself
 * (trace/span.h), a log record's copy (logs/log_data.h), a collection
 * (metrics/metric_data.h). Nothing is copied again, and a span goes back
 * to the pool on reset.
 */
#include <otel/testing.h>
#include <stdlib.h>
#include <string.h>

#include "common/sdk.h"
#include "logs/log_data.h"
#include "metrics/metric_data.h"
#include "testing/store.h"
#include "trace/span.h"

struct otel_memory {
  otel__store_t spans, logs;
  pthread_mutex_t lock;         /* guards metrics */
  otel_metrics_data_t *metrics; /* the last collection, held */
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
    pthread_mutex_init(&m->lock, NULL);
    m->metrics = NULL;
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

/* Keeps data in place of the last collection. */
static otel_export_result_t keep_metrics(void *ud, const otel_metrics_data_t *data,
                                         uint32_t timeout_ms) {
  (void)timeout_ms;
  otel_memory_t *m = ud;
  otel_metrics_data_t *held = (otel_metrics_data_t *)data;
  otel__metrics_data_hold(held);
  pthread_mutex_lock(&m->lock);
  otel_metrics_data_t *old = m->metrics;
  m->metrics = held;
  pthread_mutex_unlock(&m->lock);
  if (old)
    otel__metrics_data_release(old);
  return OTEL_EXPORT_SUCCESS;
}

otel_metric_exporter_t otel_memory_metric_exporter(otel_memory_t *m) {
  return OTEL_METRIC_EXPORTER_INIT(.ud = m, .export_metrics = keep_metrics);
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

const otel_metrics_data_t *otel_memory_metrics(const otel_memory_t *m) {
  if (!m)
    return NULL;
  otel_memory_t *w = (otel_memory_t *)m;
  pthread_mutex_lock(&w->lock);
  const otel_metrics_data_t *data = w->metrics;
  pthread_mutex_unlock(&w->lock);
  return data;
}

const otel_metric_data_t *otel_memory_find_metric(const otel_memory_t *m, const char *name) {
  return otel_metrics_data_find(otel_memory_metrics(m), name);
}

void otel_memory_reset(otel_memory_t *m) {
  if (!m)
    return;
  otel__store_reset(&m->spans);
  otel__store_reset(&m->logs);
  pthread_mutex_lock(&m->lock);
  otel_metrics_data_t *old = m->metrics;
  m->metrics = NULL;
  pthread_mutex_unlock(&m->lock);
  if (old)
    otel__metrics_data_release(old);
}

void otel_memory_free(otel_memory_t *m) {
  if (!m)
    return;
  otel_memory_reset(m);
  otel__store_free(&m->spans);
  otel__store_free(&m->logs);
  pthread_mutex_destroy(&m->lock);
  free(m);
}

int otel_testing_init(const char *default_service_name, otel_memory_t *memory) {
  if (memory) {
    otel_span_exporter_t se = otel_memory_span_exporter(memory);
    otel_log_exporter_t le = otel_memory_log_exporter(memory);
    otel_metric_exporter_t me = otel_memory_metric_exporter(memory);
    int rc = otel_add_span_exporter(&se, OTEL_PROCESSING_SIMPLE);
    if (!rc)
      rc = otel_add_log_exporter(&le, OTEL_PROCESSING_SIMPLE);
    if (!rc)
      rc = otel_add_metric_exporter(&me);
    if (rc)
      return rc;
  }
  return otel__sdk_start_linked(default_service_name,
                                &(otel__start_t){.no_stdout_writer = true, .no_exporters = true});
}
