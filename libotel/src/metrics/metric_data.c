/* A collection as metric exporters see it (metric_data.h). */
#include "metrics/metric_data.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/attrs.h"
#include "common/refs.h"
#include "common/state.h"
#include "otlp/metrics_service.pb-c.h"

typedef Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest request_t;
typedef Opentelemetry__Proto__Metrics__V1__Metric metric_t;
typedef Opentelemetry__Proto__Metrics__V1__NumberDataPoint number_t;
typedef Opentelemetry__Proto__Metrics__V1__HistogramDataPoint histogram_t;
typedef Opentelemetry__Proto__Common__V1__KeyValue kv_t;
typedef Opentelemetry__Proto__Common__V1__AnyValue any_t;

struct otel_point_data {
  const number_t *number;       /* a sum's or a gauge's */
  const histogram_t *histogram; /* or a histogram's */
  bool has_min_max;
  otel__attrs_t attrs;
};

struct otel_metric_data {
  const metric_t *metric;
  const char *scope;
  otel_metric_type_t type;
  otel_temporality_t temporality;
  bool monotonic;
  otel_point_data_t *points;
  size_t n;
};

struct otel_metrics_data {
  request_t *request;
  otel_metric_data_t *metrics;
  size_t n;
  otel__arena_t arena;
  _Atomic uint32_t refs; /* holders beside the first */
};

/* An OTLP array's items as one of the attribute types: NULL when the array
 * is not of one primitive type. */
static const void *array_items(otel__arena_t *arena, const any_t *v, otel_value_type_t *type) {
  const Opentelemetry__Proto__Common__V1__ArrayValue *a = v->array_value;
  if (!a || !a->n_values)
    return NULL;
  static const size_t sizes[] = {sizeof(const char *), sizeof(bool), sizeof(int64_t),
                                 sizeof(double)};
  int first = a->values[0]->value_case;
  if (first < OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE ||
      first > OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE)
    return NULL;
  size_t kind = (size_t)(first - OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE);
  char *items = otel__arena_alloc(arena, a->n_values * sizes[kind]);
  if (!items)
    return NULL;
  for (size_t i = 0; i < a->n_values; i++) {
    const any_t *x = a->values[i];
    if ((int)x->value_case != first)
      return NULL;
    void *slot = items + i * sizes[kind];
    if (kind == 0)
      memcpy(slot, &x->string_value, sizeof(x->string_value));
    else if (kind == 1)
      *(bool *)slot = x->bool_value;
    else if (kind == 2)
      *(int64_t *)slot = x->int_value;
    else
      *(double *)slot = x->double_value;
  }
  *type = (otel_value_type_t)(OTEL_VALUE_STRING_ARRAY + kind);
  return items;
}

/* kvs as an attribute set, in arena. */
static void read_attrs(otel__attrs_t *a, otel__arena_t *arena, kv_t **kvs, size_t n) {
  otel__attr_limits_t limits = {(uint32_t)n, 0}; /* what was exported: within the limits */
  for (size_t i = 0; i < n; i++) {
    const any_t *v = kvs[i]->value;
    otel_attr_t attr = {.key = kvs[i]->key};
    switch (v ? v->value_case : OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE__NOT_SET) {
    case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
      attr.type = OTEL_VALUE_STRING;
      attr.v.s = v->string_value;
      break;
    case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE:
      attr.type = OTEL_VALUE_BOOL;
      attr.v.b = v->bool_value;
      break;
    case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE:
      attr.type = OTEL_VALUE_INT;
      attr.v.i = v->int_value;
      break;
    case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
      attr.type = OTEL_VALUE_DOUBLE;
      attr.v.d = v->double_value;
      break;
    case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE:
      attr.v.array.items = array_items(arena, v, &attr.type);
      attr.v.array.len = v->array_value ? v->array_value->n_values : 0;
      if (!attr.v.array.items)
        continue;
      break;
    default:
      continue;
    }
    otel__attrs_set(a, arena, &attr, limits);
  }
}

static otel_temporality_t temporality_of(int t) {
  return t == OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_DELTA
             ? OTEL_TEMPORALITY_DELTA
             : OTEL_TEMPORALITY_CUMULATIVE;
}

/* A stream of m (in scope), its points' views made in arena; false when out of memory. */
static bool read_metric(otel_metric_data_t *out, otel__arena_t *arena, const metric_t *m,
                        const char *scope) {
  *out = (otel_metric_data_t){.metric = m, .scope = scope};
  number_t **numbers = NULL;
  histogram_t **histograms = NULL;
  switch (m->data_case) {
  case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM:
    out->type = OTEL_METRIC_SUM;
    out->temporality = temporality_of(m->sum->aggregation_temporality);
    out->monotonic = m->sum->is_monotonic;
    numbers = m->sum->data_points;
    out->n = m->sum->n_data_points;
    break;
  case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE:
    out->type = OTEL_METRIC_GAUGE;
    numbers = m->gauge->data_points;
    out->n = m->gauge->n_data_points;
    break;
  case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM:
    out->type = OTEL_METRIC_HISTOGRAM;
    out->temporality = temporality_of(m->histogram->aggregation_temporality);
    histograms = m->histogram->data_points;
    out->n = m->histogram->n_data_points;
    break;
  default:
    return true; /* nothing this libotel writes */
  }
  out->points = otel__arena_alloc(arena, (out->n + 1) * sizeof(*out->points));
  if (!out->points)
    return false;
  for (size_t i = 0; i < out->n; i++) {
    otel_point_data_t *p = &out->points[i];
    *p = (otel_point_data_t){0};
    if (numbers) {
      p->number = numbers[i];
      read_attrs(&p->attrs, arena, numbers[i]->attributes, numbers[i]->n_attributes);
    } else {
      p->histogram = histograms[i];
      /* (The encoder writes them for cumulative histograms only.) */
      p->has_min_max = out->temporality == OTEL_TEMPORALITY_CUMULATIVE;
      read_attrs(&p->attrs, arena, histograms[i]->attributes, histograms[i]->n_attributes);
    }
  }
  return true;
}

otel_metrics_data_t *otel__metrics_data_new(const void *bytes, size_t len) {
  otel_metrics_data_t *d = calloc(1, sizeof(*d));
  if (!d)
    return NULL;
  otel__arena_init(&d->arena, NULL, 0);
  d->request = opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(
      NULL, len, bytes);
  size_t total = 0;
  for (size_t r = 0; d->request && r < d->request->n_resource_metrics; r++)
    for (size_t s = 0; s < d->request->resource_metrics[r]->n_scope_metrics; s++)
      total += d->request->resource_metrics[r]->scope_metrics[s]->n_metrics;
  d->metrics = d->request ? otel__arena_alloc(&d->arena, (total + 1) * sizeof(*d->metrics)) : NULL;
  bool ok = d->metrics != NULL;
  for (size_t r = 0; ok && r < d->request->n_resource_metrics; r++) {
    for (size_t s = 0; ok && s < d->request->resource_metrics[r]->n_scope_metrics; s++) {
      const Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm =
          d->request->resource_metrics[r]->scope_metrics[s];
      const char *scope = sm->scope ? sm->scope->name : "";
      for (size_t m = 0; ok && m < sm->n_metrics; m++)
        ok = read_metric(&d->metrics[d->n++], &d->arena, sm->metrics[m], scope);
    }
  }
  if (!ok) {
    otel__metrics_data_release(d);
    return NULL;
  }
  return d;
}

void otel__metrics_data_hold(otel_metrics_data_t *d) { otel__ref_hold(&d->refs); }

void otel__metrics_data_release(otel_metrics_data_t *d) {
  if (!otel__ref_release(&d->refs))
    return;
  if (d->request)
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(
        d->request, NULL);
  otel__arena_reset(&d->arena);
  free(d);
}

size_t otel_metrics_data_count(const otel_metrics_data_t *d) { return d ? d->n : 0; }

const otel_metric_data_t *otel_metrics_data_at(const otel_metrics_data_t *d, size_t i) {
  return i < otel_metrics_data_count(d) ? &d->metrics[i] : NULL;
}

const otel_metric_data_t *otel_metrics_data_find(const otel_metrics_data_t *d, const char *name) {
  for (size_t i = 0; name && i < otel_metrics_data_count(d); i++)
    if (!strcmp(d->metrics[i].metric->name, name))
      return &d->metrics[i];
  return NULL;
}

const otel_attr_list_t *otel_metrics_data_resource(const otel_metrics_data_t *d) {
  (void)d;
  return otel__attr_list(&otel__sdk.resource.attrs);
}

const char *otel_metric_data_name(const otel_metric_data_t *m) { return m->metric->name; }

const char *otel_metric_data_description(const otel_metric_data_t *m) {
  return m->metric->description;
}

const char *otel_metric_data_unit(const otel_metric_data_t *m) { return m->metric->unit; }

const char *otel_metric_data_scope_name(const otel_metric_data_t *m) { return m->scope; }

otel_metric_type_t otel_metric_data_type(const otel_metric_data_t *m) { return m->type; }

otel_temporality_t otel_metric_data_temporality(const otel_metric_data_t *m) {
  return m->temporality;
}

bool otel_metric_data_monotonic(const otel_metric_data_t *m) { return m->monotonic; }

size_t otel_metric_data_point_count(const otel_metric_data_t *m) { return m->n; }

const otel_point_data_t *otel_metric_data_point(const otel_metric_data_t *m, size_t i) {
  return i < m->n ? &m->points[i] : NULL;
}

const otel_attr_list_t *otel_point_data_attrs(const otel_point_data_t *p) {
  return otel__attr_list(&p->attrs);
}

uint64_t otel_point_data_start_time(const otel_point_data_t *p) {
  return p->number ? p->number->start_time_unix_nano : p->histogram->start_time_unix_nano;
}

uint64_t otel_point_data_time(const otel_point_data_t *p) {
  return p->number ? p->number->time_unix_nano : p->histogram->time_unix_nano;
}

bool otel_point_data_is_int(const otel_point_data_t *p) {
  return p->number && p->number->value_case ==
                          OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT;
}

int64_t otel_point_data_int(const otel_point_data_t *p) {
  if (!p->number)
    return 0;
  return otel_point_data_is_int(p) ? p->number->as_int : (int64_t)p->number->as_double;
}

double otel_point_data_double(const otel_point_data_t *p) {
  if (!p->number)
    return 0;
  return otel_point_data_is_int(p) ? (double)p->number->as_int : p->number->as_double;
}

uint64_t otel_point_data_count(const otel_point_data_t *p) {
  return p->histogram ? p->histogram->count : 0;
}

double otel_point_data_sum(const otel_point_data_t *p) {
  return p->histogram ? p->histogram->sum : 0;
}

bool otel_point_data_min_max(const otel_point_data_t *p, double *min, double *max) {
  if (!p->has_min_max)
    return false;
  if (min)
    *min = p->histogram->min;
  if (max)
    *max = p->histogram->max;
  return true;
}

size_t otel_point_data_bucket_count(const otel_point_data_t *p) {
  return p->histogram ? p->histogram->n_bucket_counts : 0;
}

uint64_t otel_point_data_bucket(const otel_point_data_t *p, size_t i) {
  return i < otel_point_data_bucket_count(p) ? p->histogram->bucket_counts[i] : 0;
}

double otel_point_data_bound(const otel_point_data_t *p, size_t i) {
  return p->histogram && i < p->histogram->n_explicit_bounds ? p->histogram->explicit_bounds[i] : 0;
}
