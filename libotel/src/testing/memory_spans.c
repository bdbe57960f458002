/*
 * The in-memory span exporter and the test's SDK (<otel/testing.h>). The
 * exporter keeps each span it is given by holding it, as a queue would
 * (trace/span.h): no copy, and the span goes back to the pool on reset.
 */
#include <errno.h>
#include <otel/testing.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/sdk.h"
#include "trace/span.h"

struct otel_memory_spans {
  pthread_mutex_t lock;
  otel_span_t **spans;
  size_t n, cap;
};

otel_memory_spans_t *otel_memory_spans_new(void) {
  otel_memory_spans_t *m = calloc(1, sizeof(*m));
  if (m)
    pthread_mutex_init(&m->lock, NULL);
  return m;
}

static otel_export_result_t keep(void *ud, const otel_span_data_t *const *views, size_t n,
                                 uint32_t timeout_ms) {
  (void)timeout_ms;
  otel_memory_spans_t *m = ud;
  pthread_mutex_lock(&m->lock);
  if (m->n + n > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 16;
    while (cap < m->n + n)
      cap *= 2;
    otel_span_t **grown = realloc(m->spans, cap * sizeof(*grown));
    if (!grown) {
      pthread_mutex_unlock(&m->lock);
      return OTEL_EXPORT_FAILURE;
    }
    m->spans = grown;
    m->cap = cap;
  }
  for (size_t i = 0; i < n; i++) {
    otel_span_t *span = (otel_span_t *)(const void *)views[i]; /* the SDK's own span */
    otel__span_hold(span);
    m->spans[m->n++] = span;
  }
  pthread_mutex_unlock(&m->lock);
  return OTEL_EXPORT_SUCCESS;
}

otel_span_exporter_t otel_memory_spans_exporter(otel_memory_spans_t *m) {
  return OTEL_SPAN_EXPORTER_INIT(.ud = m, .export_spans = keep);
}

/* The lock guards the array, which a span ending elsewhere may grow. */
static otel_memory_spans_t *locked(const otel_memory_spans_t *m) {
  otel_memory_spans_t *w = (otel_memory_spans_t *)m;
  pthread_mutex_lock(&w->lock);
  return w;
}

size_t otel_memory_spans_count(const otel_memory_spans_t *m) {
  if (!m)
    return 0;
  otel_memory_spans_t *w = locked(m);
  size_t n = w->n;
  pthread_mutex_unlock(&w->lock);
  return n;
}

const otel_span_data_t *otel_memory_spans_at(const otel_memory_spans_t *m, size_t i) {
  if (!m)
    return NULL;
  otel_memory_spans_t *w = locked(m);
  const otel_span_data_t *d = i < w->n ? otel_span_data(w->spans[i]) : NULL;
  pthread_mutex_unlock(&w->lock);
  return d;
}

const otel_span_data_t *otel_memory_spans_find(const otel_memory_spans_t *m, const char *name) {
  if (!m || !name)
    return NULL;
  otel_memory_spans_t *w = locked(m);
  const otel_span_data_t *d = NULL;
  for (size_t i = 0; !d && i < w->n; i++)
    if (!strcmp(w->spans[i]->name, name))
      d = otel_span_data(w->spans[i]);
  pthread_mutex_unlock(&w->lock);
  return d;
}

void otel_memory_spans_reset(otel_memory_spans_t *m) {
  if (!m)
    return;
  pthread_mutex_lock(&m->lock);
  for (size_t i = 0; i < m->n; i++)
    otel__span_release(m->spans[i]);
  m->n = 0;
  pthread_mutex_unlock(&m->lock);
}

void otel_memory_spans_free(otel_memory_spans_t *m) {
  if (!m)
    return;
  otel_memory_spans_reset(m);
  free(m->spans);
  pthread_mutex_destroy(&m->lock);
  free(m);
}

int otel_testing_init(const char *default_service_name, otel_memory_spans_t *spans) {
  if (spans) {
    otel_span_exporter_t e = otel_memory_spans_exporter(spans);
    int rc = otel_add_span_exporter(&e, OTEL_PROCESSING_SIMPLE);
    if (rc)
      return rc;
  }
  return otel__sdk_start_linked(default_service_name,
                                &(otel__start_t){.no_stdout_writer = true, .no_exporters = true});
}
