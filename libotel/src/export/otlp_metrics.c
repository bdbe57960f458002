/*
 * Encodes the instruments as OTLP metrics: counters as Sums (monotonic or
 * not), histograms as explicit-bucket Histograms, observable gauges as
 * Gauges, grouped by instrumentation scope. Sums and histograms are
 * cumulative, or deltas where OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE
 * asks (otel__delta_for): each export then sends the change since the last,
 * starting at its time, and leaves out the points that did not change; a
 * delta histogram has no min and max (its cells keep them since the start). Observable
 * instruments' callbacks run here, and each observation is written as a data
 * point as it is made. Sum and histogram points carry their exemplars
 * (metrics/exemplars.h). Like the span encoder it writes backwards, so each
 * scope's metrics are written last instrument first.
 */
#include "export/otlp_metrics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "metrics/metrics.h"
#include "export/otlp_common.h"
#include "export/otlp_fields.h"

#define MAX_INSTRUMENTS 256

typedef struct {
  otel__pbw_t *w;
  otel__instrument_t *inst;
  bool delta; /* inst exports deltas */
  uint64_t now;
  size_t points;
  uint64_t *buckets;           /* room for the largest histogram's counts */
  otel__exemplar_t *exemplars; /* and for its exemplars */
  otel__instrument_t *all[MAX_INSTRUMENTS];
  size_t n;
} encoder_t;

/* What an observable instrument's callback reports through. */
struct otel_observer {
  encoder_t *e;
};

/* A point's exemplars, each as a message of the point's field; a delta
 * export empties their slots. */
static void put_exemplars(encoder_t *e, const otel__point_t *p, uint32_t field, bool is_int) {
  otel__exemplars_t *set = atomic_load_explicit(&p->exemplars, memory_order_acquire);
  if (!set)
    return;
  otel__pbw_t *w = e->w;
  for (size_t i = otel__exemplars_collect(set, e->delta, e->exemplars); i-- > 0;) {
    const otel__exemplar_t *x = &e->exemplars[i];
    size_t mark = otel__pbw_mark(w);
    if (x->has_ids) {
      otel__pbw_bytes(w, OTLP_EXEMPLAR_TRACE_ID, x->trace_id, sizeof(x->trace_id));
      otel__pbw_bytes(w, OTLP_EXEMPLAR_SPAN_ID, x->span_id, sizeof(x->span_id));
    }
    if (is_int) {
      otel__pbw_fixed64(w, OTLP_EXEMPLAR_AS_INT, x->value);
    } else {
      double d;
      memcpy(&d, &x->value, sizeof(d));
      otel__pbw_double(w, OTLP_EXEMPLAR_AS_DOUBLE, d);
    }
    otel__pbw_fixed64(w, OTLP_EXEMPLAR_TIME_UNIX_NANO, x->time_unix_ns);
    otel__pbw_close(w, field, mark);
  }
}

/* A NumberDataPoint; start is 0 for a gauge (left out). Its attributes (and
 * exemplars) are point p's, or else those of an observation, attrs[0..n). */
static void put_number(encoder_t *e, bool is_int, int64_t i, double d, uint64_t start,
                       const otel__point_t *p, const otel_attr_t *attrs, size_t n) {
  otel__pbw_t *w = e->w;
  size_t mark = otel__pbw_mark(w);
  if (p)
    put_exemplars(e, p, OTLP_NUMBER_POINT_EXEMPLARS, is_int);
  if (is_int)
    otel__pbw_fixed64(w, OTLP_NUMBER_POINT_AS_INT, (uint64_t)i);
  else
    otel__pbw_double(w, OTLP_NUMBER_POINT_AS_DOUBLE, d);
  otel__pbw_fixed64(w, OTLP_NUMBER_POINT_TIME_UNIX_NANO, e->now);
  otel__pbw_fixed64_nz(w, OTLP_NUMBER_POINT_START_TIME_UNIX_NANO, start);
  if (p)
    otel__otlp_put_attrs(w, OTLP_NUMBER_POINT_ATTRIBUTES, &p->attrs);
  else
    otel__otlp_put_attr_array(w, OTLP_NUMBER_POINT_ATTRIBUTES, attrs, n);
  bool gauge = e->inst->kind == OTEL__OBSERVABLE_GAUGE;
  otel__pbw_close(w, gauge ? OTLP_GAUGE_DATA_POINTS : OTLP_SUM_DATA_POINTS, mark);
  e->points++;
}

static void put_number_point(otel__point_t *p, void *ud) {
  encoder_t *e = ud;
  otel__point_value_t v;
  otel__point_read(e->inst, p, &v);
  int64_t value = v.sum_int;
  uint64_t start = p->start_unix_ns;
  if (e->delta) {
    bool sent = p->last.sent;
    if (sent) {
      value -= p->last.sum_int;
      start = p->last.unix_ns;
    }
    p->last.sent = true;
    p->last.sum_int = v.sum_int;
    p->last.unix_ns = e->now;
    if (sent && value == 0)
      return; /* unchanged since the last export */
  }
  put_number(e, true, value, 0, start, p, NULL, 0);
}

/* An observable counter's observation as a delta: the change since the one
 * the last export sent, kept in the set's point (a smaller total is a reset:
 * sent whole). False when unchanged, or when there is no memory for it. */
static bool observed_delta(encoder_t *e, bool is_int, int64_t *i, double *d, uint64_t *start,
                           const otel_attr_t *attrs, size_t n) {
  otel__point_t *p = otel__instrument_point(e->inst, attrs, n);
  if (!p)
    return false;
  int64_t total_i = *i;
  double total_d = *d;
  bool sent = p->last.sent;
  bool reset = sent && (is_int ? total_i < p->last.sum_int : total_d < p->last.sum);
  if (sent) {
    *start = p->last.unix_ns;
    if (!reset) {
      *i -= p->last.sum_int;
      *d -= p->last.sum;
    }
  }
  bool unchanged = sent && !reset && (is_int ? *i == 0 : *d == 0);
  p->last.sent = true;
  p->last.sum_int = total_i;
  p->last.sum = total_d;
  p->last.unix_ns = e->now;
  return !unchanged;
}

static void observe(otel_observer_t *o, bool is_int, int64_t i, double d, const otel_attr_t *attrs,
                    size_t n) {
  if (!o || (!is_int && d != d))
    return;
  const otel__instrument_t *inst = o->e->inst;
  if (inst->kind == OTEL__OBSERVABLE_COUNTER && (is_int ? i < 0 : d < 0))
    return; /* a monotonic total cannot be negative */
  uint64_t start = inst->kind == OTEL__OBSERVABLE_GAUGE ? 0 : inst->created_unix_ns;
  if (o->e->delta && !observed_delta(o->e, is_int, &i, &d, &start, attrs, n))
    return;
  put_number(o->e, is_int, i, d, start, NULL, attrs, n);
}

void otel_observe_int(otel_observer_t *o, int64_t value, const otel_attr_t *attrs, size_t n) {
  observe(o, true, value, 0, attrs, n);
}

void otel_observe_double(otel_observer_t *o, double value, const otel_attr_t *attrs, size_t n) {
  observe(o, false, 0, value, attrs, n);
}

/* Turns v (the totals) into the change since the last export, and keeps the
 * totals for the next. False when unchanged, or when there is no memory. */
static bool histogram_delta(encoder_t *e, otel__point_t *p, otel__point_value_t *v,
                            uint64_t *start) {
  size_t n = e->inst->n_bounds + 1;
  if (!p->last.buckets && !(p->last.buckets = calloc(n, sizeof(uint64_t))))
    return false;
  bool sent = p->last.sent;
  if (sent)
    *start = p->last.unix_ns;
  uint64_t count = v->count - p->last.count;
  double sum = v->sum - p->last.sum;
  for (size_t i = 0; i < n; i++) {
    uint64_t total = v->buckets[i];
    v->buckets[i] -= p->last.buckets[i];
    p->last.buckets[i] = total;
  }
  p->last.sent = true;
  p->last.count = v->count;
  p->last.sum = v->sum;
  p->last.unix_ns = e->now;
  v->count = count;
  v->sum = sum;
  return count > 0;
}

static void put_histogram_point(otel__point_t *p, void *ud) {
  encoder_t *e = ud;
  otel__pbw_t *w = e->w;
  size_t n = e->inst->n_bounds;
  otel__point_value_t v = {.buckets = e->buckets};
  otel__point_read(e->inst, p, &v);
  if (!v.count)
    return; /* made by a measurement still being recorded */
  uint64_t start = p->start_unix_ns;
  if (e->delta && !histogram_delta(e, p, &v, &start))
    return;
  size_t mark = otel__pbw_mark(w);
  put_exemplars(e, p, OTLP_HISTOGRAM_POINT_EXEMPLARS, false);
  if (!e->delta) { /* the cells keep the extremes since the start only */
    otel__pbw_double(w, OTLP_HISTOGRAM_POINT_MAX, v.max);
    otel__pbw_double(w, OTLP_HISTOGRAM_POINT_MIN, v.min);
  }
  /* Packed repeated fields: one length-delimited run of fixed-width values. */
  size_t bounds = otel__pbw_mark(w);
  for (size_t i = n; i-- > 0;)
    otel__pbw_raw_double(w, e->inst->bounds[i]);
  otel__pbw_close(w, OTLP_HISTOGRAM_POINT_EXPLICIT_BOUNDS, bounds);
  size_t counts = otel__pbw_mark(w);
  for (size_t i = n + 1; i-- > 0;)
    otel__pbw_raw_le(w, v.buckets[i], 8);
  otel__pbw_close(w, OTLP_HISTOGRAM_POINT_BUCKET_COUNTS, counts);
  otel__pbw_double(w, OTLP_HISTOGRAM_POINT_SUM, v.sum);
  otel__pbw_fixed64(w, OTLP_HISTOGRAM_POINT_COUNT, v.count);
  otel__pbw_fixed64(w, OTLP_HISTOGRAM_POINT_TIME_UNIX_NANO, e->now);
  otel__pbw_fixed64(w, OTLP_HISTOGRAM_POINT_START_TIME_UNIX_NANO, start);
  otel__otlp_put_attrs(w, OTLP_HISTOGRAM_POINT_ATTRIBUTES, &p->attrs);
  otel__pbw_close(w, OTLP_HISTOGRAM_DATA_POINTS, mark);
  e->points++;
}

/* The data of one instrument: its points, then the message around them. */
static uint32_t put_data(encoder_t *e, otel__instrument_t *inst) {
  otel__pbw_t *w = e->w;
  e->delta = otel__delta_for(inst->kind, otel__sdk.config.metrics_temporality);
  uint64_t temporality =
      e->delta ? OTLP_AGGREGATION_TEMPORALITY_DELTA : OTLP_AGGREGATION_TEMPORALITY_CUMULATIVE;
  switch (inst->kind) {
  case OTEL__HISTOGRAM:
    otel__pbw_varint(w, OTLP_HISTOGRAM_AGGREGATION_TEMPORALITY, temporality);
    otel__instrument_each_point(inst, put_histogram_point, e);
    return OTLP_METRIC_HISTOGRAM;
  case OTEL__OBSERVABLE_GAUGE: {
    otel_observer_t o = {e};
    inst->observe(&o, inst->observe_ud);
    return OTLP_METRIC_GAUGE;
  }
  case OTEL__OBSERVABLE_COUNTER:
  case OTEL__OBSERVABLE_UPDOWN_COUNTER: {
    otel__pbw_varint_nz(w, OTLP_SUM_IS_MONOTONIC, inst->kind == OTEL__OBSERVABLE_COUNTER);
    otel__pbw_varint(w, OTLP_SUM_AGGREGATION_TEMPORALITY, temporality);
    otel_observer_t o = {e};
    inst->observe(&o, inst->observe_ud);
    return OTLP_METRIC_SUM;
  }
  case OTEL__COUNTER:
  case OTEL__UPDOWN_COUNTER:
    break;
  }
  otel__pbw_varint_nz(w, OTLP_SUM_IS_MONOTONIC, inst->kind == OTEL__COUNTER);
  otel__pbw_varint(w, OTLP_SUM_AGGREGATION_TEMPORALITY, temporality);
  otel__instrument_each_point(inst, put_number_point, e);
  return OTLP_METRIC_SUM;
}

/* One Metric; none at all for an instrument without points. */
static void put_metric(encoder_t *e, otel__instrument_t *inst) {
  otel__pbw_t *w = e->w;
  e->inst = inst;
  size_t metric = otel__pbw_mark(w);
  size_t points = e->points;
  uint32_t field = put_data(e, inst);
  if (e->points == points) {
    otel__pbw_rewind(w, metric);
    return;
  }
  otel__pbw_close(w, field, metric);
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

static size_t most_buckets(const encoder_t *e) {
  size_t most = 0;
  for (size_t i = 0; i < e->n; i++)
    if (e->all[i]->kind == OTEL__HISTOGRAM && e->all[i]->n_bounds + 1 > most)
      most = e->all[i]->n_bounds + 1;
  return most;
}

int otel__otlp_metrics_encode(otel__pbw_t *w, const otel__resource_t *resource, size_t *points) {
  encoder_t e = {.w = w, .now = otel__now_unix_ns()};
  otel__pbw_reset(w);
  otel__metrics_each(collect, &e);
  e.buckets = malloc((most_buckets(&e) + 1) * sizeof(uint64_t));
  e.exemplars = malloc((most_buckets(&e) + 1) * sizeof(otel__exemplar_t));
  if (!e.buckets || !e.exemplars) {
    free(e.buckets);
    free(e.exemplars);
    return -ENOMEM;
  }
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
    otel__otlp_put_named_scope(w, OTLP_SCOPE_METRICS_SCOPE, OTLP_SCOPE_METRICS_SCHEMA_URL, scope);
    otel__pbw_close(w, OTLP_RESOURCE_METRICS_SCOPE_METRICS, mark);
  }
  otel__otlp_put_resource(w, OTLP_RESOURCE_METRICS_RESOURCE, resource);
  otel__pbw_close(w, OTLP_METRICS_RESOURCE_METRICS, resource_metrics);
  free(e.buckets);
  free(e.exemplars);
  *points = e.points;
  return w->failed ? -ENOMEM : 0;
}
