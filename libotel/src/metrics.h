/*
 * The SDK's side of metrics: instruments and their data points, one per
 * attribute set, aggregated cumulatively. The reader walks them to export.
 */
#ifndef OTEL_METRICS_INTERNAL_H
#define OTEL_METRICS_INTERNAL_H

#include <otel/metrics.h>
#include <pthread.h>

#include "attrs.h"

/* Distinct attribute sets per instrument; further sets go to one overflow
 * point marked otel.metric.overflow=true, as the specification says. */
#define OTEL__CARDINALITY_LIMIT 2000

typedef enum { OTEL__COUNTER, OTEL__UPDOWN_COUNTER, OTEL__HISTOGRAM } otel__instrument_kind_t;

typedef struct otel__point {
  uint64_t hash;
  char *key; /* the attribute set, canonically serialised */
  otel__attrs_t attrs;
  otel__arena_t arena;
  uint64_t start_unix_ns; /* the first measurement: cumulative points start there */
  int64_t sum_int;        /* counters */
  double sum;             /* histograms */
  uint64_t count;
  double min, max;
  uint64_t *buckets; /* n_bounds + 1 */
} otel__point_t;

typedef struct otel__instrument {
  otel__instrument_kind_t kind;
  char *scope, *name, *unit, *description;
  double *bounds;
  size_t n_bounds;
  pthread_mutex_t lock;  /* guards the points */
  otel__point_t **table; /* open addressing by hash */
  size_t cap, n;
  otel__point_t *overflow;
  struct otel__instrument *next;
} otel__instrument_t;

/* Calls fn for every instrument, in creation order, with the registry locked:
 * fn must not create instruments. */
void otel__metrics_each(void (*fn)(otel__instrument_t *inst, void *ud), void *ud);

/* Calls fn for every point of inst, with inst's lock held: fn must be quick
 * and must not call back into the metrics API. */
void otel__instrument_each_point_locked(otel__instrument_t *inst,
                                        void (*fn)(const otel__point_t *p, void *ud), void *ud);

#endif
