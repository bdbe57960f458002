/*
 * Encodes the instruments as OTLP metrics: counters as cumulative Sums
 * (monotonic or not), histograms as cumulative explicit-bucket Histograms,
 * grouped by instrumentation scope. Like the span encoder it writes backwards,
 * so each scope's metrics are written last instrument first.
 */
#include "otlp_metrics.h"

#include <errno.h>
#include <string.h>

#include "clock.h"
#include "metrics.h"
#include "otlp_common.h"
#include "otlp_fields.h"

#define MAX_INSTRUMENTS 256

typedef struct {
  otel__pbw_t *w;
  const otel__instrument_t *inst;
  uint64_t now;
  size_t points;
  otel__instrument_t *all[MAX_INSTRUMENTS];
  size_t n;
} encoder_t;

static void put_number_point(const otel__point_t *p, void *ud) {
  encoder_t *e = ud;
  otel__pbw_t *w = e->w;
  size_t mark = otel__pbw_mark(w);
  otel__pbw_fixed64(w, OTLP_NUMBER_POINT_AS_INT, (uint64_t)p->sum_int);
  otel__pbw_fixed64(w, OTLP_NUMBER_POINT_TIME_UNIX_NANO, e->now);
  otel__pbw_fixed64(w, OTLP_NUMBER_POINT_START_TIME_UNIX_NANO, p->start_unix_ns);
  otel__otlp_put_attrs(w, OTLP_NUMBER_POINT_ATTRIBUTES, &p->attrs);
  otel__pbw_close(w, OTLP_SUM_DATA_POINTS, mark);
  e->points++;
}

static void put_histogram_point(const otel__point_t *p, void *ud) {
  encoder_t *e = ud;
  otel__pbw_t *w = e->w;
  size_t n = e->inst->n_bounds;
  size_t mark = otel__pbw_mark(w);
  otel__pbw_double(w, OTLP_HISTOGRAM_POINT_MAX, p->max);
  otel__pbw_double(w, OTLP_HISTOGRAM_POINT_MIN, p->min);
  /* Packed repeated fields: one length-delimited run of fixed-width values. */
  size_t bounds = otel__pbw_mark(w);
  for (size_t i = n; i-- > 0;)
    otel__pbw_raw_double(w, e->inst->bounds[i]);
  otel__pbw_close(w, OTLP_HISTOGRAM_POINT_EXPLICIT_BOUNDS, bounds);
  size_t counts = otel__pbw_mark(w);
  for (size_t i = n + 1; i-- > 0;)
    otel__pbw_raw_le(w, p->buckets[i], 8);
  otel__pbw_close(w, OTLP_HISTOGRAM_POINT_BUCKET_COUNTS, counts);
  otel__pbw_double(w, OTLP_HISTOGRAM_POINT_SUM, p->sum);
  otel__pbw_fixed64(w, OTLP_HISTOGRAM_POINT_COUNT, p->count);
  otel__pbw_fixed64(w, OTLP_HISTOGRAM_POINT_TIME_UNIX_NANO, e->now);
  otel__pbw_fixed64(w, OTLP_HISTOGRAM_POINT_START_TIME_UNIX_NANO, p->start_unix_ns);
  otel__otlp_put_attrs(w, OTLP_HISTOGRAM_POINT_ATTRIBUTES, &p->attrs);
  otel__pbw_close(w, OTLP_HISTOGRAM_DATA_POINTS, mark);
  e->points++;
}

static void put_metric(encoder_t *e, otel__instrument_t *inst) {
  otel__pbw_t *w = e->w;
  e->inst = inst;
  size_t metric = otel__pbw_mark(w);
  size_t data = otel__pbw_mark(w);
  if (inst->kind == OTEL__HISTOGRAM) {
    otel__pbw_varint(w, OTLP_HISTOGRAM_AGGREGATION_TEMPORALITY,
                     OTLP_AGGREGATION_TEMPORALITY_CUMULATIVE);
    otel__instrument_each_point_locked(inst, put_histogram_point, e);
    otel__pbw_close(w, OTLP_METRIC_HISTOGRAM, data);
  } else {
    otel__pbw_varint_nz(w, OTLP_SUM_IS_MONOTONIC, inst->kind == OTEL__COUNTER);
    otel__pbw_varint(w, OTLP_SUM_AGGREGATION_TEMPORALITY, OTLP_AGGREGATION_TEMPORALITY_CUMULATIVE);
    otel__instrument_each_point_locked(inst, put_number_point, e);
    otel__pbw_close(w, OTLP_METRIC_SUM, data);
  }
  otel__pbw_string_nz(w, OTLP_METRIC_UNIT, inst->unit);
  otel__pbw_string_nz(w, OTLP_METRIC_DESCRIPTION, inst->description);
  otel__pbw_string_nz(w, OTLP_METRIC_NAME, inst->name);
  otel__pbw_close(w, OTLP_SCOPE_METRICS_METRICS, metric);
}

static void collect(otel__instrument_t *inst, void *ud) {
  encoder_t *e = ud;
  if (e->n < MAX_INSTRUMENTS)
    e->all[e->n++] = inst;
}

int otel__otlp_metrics_encode(otel__pbw_t *w, const otel__resource_t *resource, size_t *points) {
  encoder_t e = {.w = w, .now = otel__now_unix_ns()};
  otel__pbw_reset(w);
  otel__metrics_each(collect, &e);
  size_t resource_metrics = otel__pbw_mark(w);
  /* Scopes in order of their first instrument, each written once. */
  for (size_t k = e.n; k-- > 0;) {
    const char *scope = e.all[k]->scope;
    size_t first = 0;
    while (strcmp(e.all[first]->scope, scope))
      first++;
    if (first != k)
      continue; /* written with its scope's first instrument */
    size_t mark = otel__pbw_mark(w);
    for (size_t i = e.n; i-- > 0;)
      if (!strcmp(e.all[i]->scope, scope))
        put_metric(&e, e.all[i]);
    otel__otlp_put_scope(w, OTLP_SCOPE_METRICS_SCOPE, scope, NULL);
    otel__pbw_close(w, OTLP_RESOURCE_METRICS_SCOPE_METRICS, mark);
  }
  otel__otlp_put_resource(w, OTLP_RESOURCE_METRICS_RESOURCE, &resource->attrs);
  otel__pbw_close(w, OTLP_METRICS_RESOURCE_METRICS, resource_metrics);
  *points = e.points;
  return w->failed ? -ENOMEM : 0;
}
