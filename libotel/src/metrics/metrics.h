/*
 * The SDK's side of metrics: instruments and their data points, one per
 * attribute set, aggregated cumulatively (a delta export is the difference
 * between two collections). The reader walks them to export.
 *
 * Recording takes no lock. A point's numbers live in cells, one per shard;
 * each thread records into the cell of its own shard with relaxed atomic
 * operations, so threads on different shards never write the same cache
 * line, and collection adds the cells up. Only making a new point (the first
 * measurement of an attribute set) takes the instrument's lock.
 */
#ifndef OTEL_METRICS_INTERNAL_H
#define OTEL_METRICS_INTERNAL_H

#include <otel/metrics.h>
#include <pthread.h>
#include <stdatomic.h>

#include "common/attrs.h"
#include "common/config.h"
#include "metrics/exemplars.h"

/* Distinct attribute sets per instrument by default (the configuration
 * file may set others); further sets go to one overflow point marked
 * otel.metric.overflow=true, as the specification says. */
#define OTEL__CARDINALITY_LIMIT 2000
/* Attributes kept per measurement; past it, further keys are left out. */
#define OTEL__METRIC_ATTRS_MAX 32
/* Shards per point: threads are given shards in turn. */
#define OTEL__SHARDS 16

/* (In this order: the configuration's cardinality_by_kind follows it.) */
typedef enum {
  OTEL__COUNTER,
  OTEL__UPDOWN_COUNTER,
  OTEL__HISTOGRAM,
  OTEL__OBSERVABLE_COUNTER,
  OTEL__OBSERVABLE_GAUGE,
  OTEL__OBSERVABLE_UPDOWN_COUNTER,
} otel__instrument_kind_t;

/* One shard's share of a point, on cache lines of its own. */
typedef struct otel__cell {
  _Atomic int64_t sum_int; /* counters */
  _Atomic double sum;      /* histograms */
  _Atomic double min, max;
  _Atomic uint64_t buckets[]; /* histograms: n_bounds + 1 */
} otel__cell_t;

typedef struct otel__point otel__point_t;
typedef struct otel__instrument otel__instrument_t;

/* What a bound instrument's handle is (otel_counter_bind): an instrument
 * and one of its points. Each point holds its own, so binding the same set
 * twice gives the same handle, and a handle lives as long as its point. */
typedef struct otel__bound {
  otel__instrument_t *inst;
  otel__point_t *point;
} otel__bound_t;

struct otel__point {
  uint64_t hash;
  otel__attrs_t attrs; /* the set, deduplicated */
  otel__arena_t arena;
  uint64_t start_unix_ns; /* the first measurement: cumulative points start there */
  _Atomic(otel__cell_t *) cells[OTEL__SHARDS];
  _Atomic(otel__exemplars_t *) exemplars; /* made on the first exemplar */
  /* Delta temporality: what the last export sent (its totals and time), so
   * that the next one sends the change since. The exporting thread alone
   * reads and writes it. */
  struct {
    bool sent;
    int64_t sum_int;
    double sum;
    uint64_t count;
    uint64_t unix_ns;
    uint64_t *buckets; /* histograms: n_bounds + 1, made at the first delta export */
  } last;
  otel__bound_t bound; /* {its instrument, itself}: its set's handle, bound */
};

/* A point's numbers added up over its cells, at one moment of collection. */
typedef struct otel__point_value {
  int64_t sum_int;
  double sum, min, max;
  uint64_t count;
  uint64_t *buckets; /* the caller's, n_bounds + 1 */
} otel__point_value_t;

/* Open addressing by hash; slots are only ever filled, never emptied. A
 * grown table replaces this one, which is kept (readers may still be in it). */
typedef struct otel__point_table {
  size_t cap;
  struct otel__point_table *older;
  _Atomic(otel__point_t *) slots[];
} otel__point_table_t;

struct otel__instrument {
  otel__instrument_kind_t kind;
  char *scope, *name, *unit, *description;
  double *bounds;
  size_t n_bounds;
  uint64_t created_unix_ns;
  otel_observe_fn observe; /* observable instruments */
  void *observe_ud;
  pthread_mutex_t lock; /* guards making points */
  _Atomic(otel__point_table_t *) table;
  size_t n;
  _Atomic(otel__point_t *) overflow;
  struct otel__instrument *next;
};

/* Calls fn for every instrument, in creation order, with the registry locked:
 * fn must not create instruments. */
void otel__metrics_each(void (*fn)(otel__instrument_t *inst, void *ud), void *ud);

/* Calls fn for every point of inst. Lock-free: points made meanwhile may or
 * may not be visited. */
void otel__instrument_each_point(const otel__instrument_t *inst,
                                 void (*fn)(otel__point_t *p, void *ud), void *ud);

/* The point of an attribute set, made if need be (or the overflow point);
 * NULL when memory ran out. For observable counters exported as deltas,
 * whose points hold the last observation. */
otel__point_t *otel__instrument_point(otel__instrument_t *inst, const otel_attr_t *attrs, size_t n);

/* As otel_histogram_record(), also while the SDK shuts down: for the SDK's
 * own measurements of its pipelines' last exports, which the metric
 * reader's last collection, at shutdown, still sends. */
void otel__histogram_record_always(otel_histogram_t *h, double value, const otel_attr_t *attrs,
                                   size_t n);

/* Whether an instrument of this kind exports deltas under the preference
 * (the specification's table: up-down counters and gauges never do). */
static inline bool otel__delta_for(otel__instrument_kind_t kind, otel__temporality_t pref) {
  return (pref != OTEL__TEMPORALITY_CUMULATIVE &&
          (kind == OTEL__COUNTER || kind == OTEL__HISTOGRAM)) ||
         (pref == OTEL__TEMPORALITY_DELTA && kind == OTEL__OBSERVABLE_COUNTER);
}

/* fork() (common/fork.c). prepare takes the registry's lock and then each
 * instrument's, so no point is half made or half collected; after releases
 * them, and in the child first starts every point again from zero at the
 * fork: the child is a process of its own, whose streams begin there. */
void otel__metrics_fork_prepare(void);
void otel__metrics_fork_after(bool child);

/* Adds up p's cells into v (v->buckets must have n_bounds + 1 slots for a
 * histogram). A measurement recorded meanwhile may be partly included. */
void otel__point_read(const otel__instrument_t *inst, const otel__point_t *p,
                      otel__point_value_t *v);

#endif
