/*
 * Instruments and aggregation; see metrics.h for the sharding. Finding a
 * point is lock-free: the table of points is published with release stores
 * and read with acquire loads, a point is fully made before its slot is
 * filled, and tables and points are never freed (what was exported
 * cumulatively must go on being reported), so a reader never meets freed
 * memory. Making a point takes the instrument's lock.
 */
#include "metrics/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/state.h"
#include "trace/span.h"

static const double DEFAULT_BOUNDS[] = {0,   5,   10,   25,   50,   75,   100,  250,
                                        500, 750, 1000, 2500, 5000, 7500, 10000};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static otel__instrument_t *first, *last;

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

static otel__instrument_t *find_or_create(otel__instrument_kind_t kind, const char *scope,
                                          const char *name, const char *unit, const char *desc,
                                          const double *bounds, size_t n_bounds,
                                          otel_observe_fn observe, void *observe_ud) {
  static otel__instrument_t unusable; /* records nothing: no table */
  pthread_mutex_lock(&registry_lock);
  otel__instrument_t *i = first;
  while (i && strcmp(i->name, name ? name : ""))
    i = i->next;
  if (!i && (i = calloc(1, sizeof(*i)))) {
    i->kind = kind;
    i->scope = dup_or_empty(scope);
    i->name = dup_or_empty(name);
    i->unit = dup_or_empty(unit);
    i->description = dup_or_empty(desc);
    i->created_unix_ns = otel__now_unix_ns();
    i->observe = observe;
    i->observe_ud = observe_ud;
    if (kind == OTEL__HISTOGRAM) {
      if (!bounds)
        bounds = DEFAULT_BOUNDS, n_bounds = sizeof(DEFAULT_BOUNDS) / sizeof(DEFAULT_BOUNDS[0]);
      i->bounds = malloc((n_bounds ? n_bounds : 1) * sizeof(double));
      if (i->bounds)
        memcpy(i->bounds, bounds, n_bounds * sizeof(double));
      i->n_bounds = n_bounds;
    }
    pthread_mutex_init(&i->lock, NULL);
    if (!i->scope || !i->name || !i->unit || !i->description ||
        (kind == OTEL__HISTOGRAM && !i->bounds)) {
      free(i); /* the strings are a few bytes: out of memory, the process has other worries */
      i = NULL;
    } else if (last) {
      last->next = i, last = i;
    } else {
      first = last = i;
    }
  }
  pthread_mutex_unlock(&registry_lock);
  return i ? i : &unusable;
}

otel_counter_t *otel_counter(const char *scope, const char *name, const char *unit,
                             const char *description) {
  return (otel_counter_t *)find_or_create(OTEL__COUNTER, scope, name, unit, description, NULL, 0,
                                          NULL, NULL);
}

otel_counter_t *otel_updown_counter(const char *scope, const char *name, const char *unit,
                                    const char *description) {
  return (otel_counter_t *)find_or_create(OTEL__UPDOWN_COUNTER, scope, name, unit, description,
                                          NULL, 0, NULL, NULL);
}

otel_histogram_t *otel_histogram(const char *scope, const char *name, const char *unit,
                                 const char *description, const double *bounds, size_t n_bounds) {
  return (otel_histogram_t *)find_or_create(OTEL__HISTOGRAM, scope, name, unit, description, bounds,
                                            n_bounds, NULL, NULL);
}

void otel_observable_counter(const char *scope, const char *name, const char *unit,
                             const char *description, otel_observe_fn fn, void *ud) {
  if (fn)
    find_or_create(OTEL__OBSERVABLE_COUNTER, scope, name, unit, description, NULL, 0, fn, ud);
}

void otel_observable_gauge(const char *scope, const char *name, const char *unit,
                           const char *description, otel_observe_fn fn, void *ud) {
  if (fn)
    find_or_create(OTEL__OBSERVABLE_GAUGE, scope, name, unit, description, NULL, 0, fn, ud);
}

void otel_observable_updown_counter(const char *scope, const char *name, const char *unit,
                                    const char *description, otel_observe_fn fn, void *ud) {
  if (fn)
    find_or_create(OTEL__OBSERVABLE_UPDOWN_COUNTER, scope, name, unit, description, NULL, 0, fn,
                   ud);
}

/* --- points --- */

/* attrs without empty keys and repeated keys (the last one wins), at most
 * OTEL__METRIC_ATTRS_MAX of them, into out; returns how many. */
static size_t normalise(const otel_attr_t *attrs, size_t n, otel_attr_t *out) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (!attrs[i].key || !attrs[i].key[0])
      continue;
    size_t k = 0;
    while (k < m && strcmp(out[k].key, attrs[i].key))
      k++;
    if (k < m)
      out[k] = attrs[i];
    else if (m < OTEL__METRIC_ATTRS_MAX)
      out[m++] = attrs[i];
  }
  return m;
}

/* Whether p is the point of attrs[0..n), a set without repeated keys. The
 * attributes usually come in the order of the first measurement, which is
 * the order the point keeps, so that position is tried first. */
static bool same_set(const otel__point_t *p, const otel_attr_t *attrs, size_t n) {
  if (p->attrs.n != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    const char *key = attrs[i].key ? attrs[i].key : "";
    const otel_attr_t *mine = &p->attrs.items[i].attr;
    if (strcmp(mine->key, key) && !(mine = otel__attrs_find(&p->attrs, key)))
      return false;
    if (mine->type == OTEL_VALUE_STRING && attrs[i].type == OTEL_VALUE_STRING) {
      /* the usual value, compared here rather than through the general case */
      if (strcmp(mine->v.s, attrs[i].v.s ? attrs[i].v.s : ""))
        return false;
    } else if (!otel__attr_value_equal(mine, &attrs[i])) {
      return false;
    }
  }
  return true;
}

static otel__point_t *lookup(const otel__point_table_t *t, uint64_t hash, const otel_attr_t *attrs,
                             size_t n) {
  if (!t)
    return NULL;
  size_t mask = t->cap - 1;
  for (size_t k = hash & mask;; k = (k + 1) & mask) {
    otel__point_t *p = atomic_load_explicit(&t->slots[k], memory_order_acquire);
    if (!p)
      return NULL;
    if (p->hash == hash && same_set(p, attrs, n))
      return p;
  }
}

static otel__point_t *point_new(otel__instrument_t *inst, uint64_t hash, const otel_attr_t *attrs,
                                size_t n) {
  otel__point_t *p = calloc(1, sizeof(*p));
  if (!p)
    return NULL;
  otel__arena_init(&p->arena, NULL, 0);
  p->hash = hash;
  otel__attr_limits_t limits = {OTEL__METRIC_ATTRS_MAX, 0};
  for (size_t i = 0; i < n; i++)
    otel__attrs_set(&p->attrs, &p->arena, &attrs[i], limits);
  if (p->attrs.dropped) { /* out of memory */
    otel__arena_reset(&p->arena);
    free(p);
    return NULL;
  }
  p->start_unix_ns = otel__now_unix_ns();
  p->bound = (otel__bound_t){inst, p};
  return p;
}

static void place(otel__point_table_t *t, otel__point_t *p) {
  size_t mask = t->cap - 1, k = p->hash & mask;
  while (atomic_load_explicit(&t->slots[k], memory_order_relaxed))
    k = (k + 1) & mask;
  atomic_store_explicit(&t->slots[k], p, memory_order_release);
}

/* A table twice as large with every point placed again, published; the old
 * one stays reachable from it. */
static bool grow_locked(otel__instrument_t *inst) {
  otel__point_table_t *old = atomic_load_explicit(&inst->table, memory_order_relaxed);
  size_t cap = old ? old->cap * 2 : 16;
  otel__point_table_t *t = calloc(1, sizeof(*t) + cap * sizeof(t->slots[0]));
  if (!t)
    return false;
  t->cap = cap;
  t->older = old;
  for (size_t i = 0; old && i < old->cap; i++) {
    otel__point_t *p = atomic_load_explicit(&old->slots[i], memory_order_relaxed);
    if (p)
      place(t, p);
  }
  atomic_store_explicit(&inst->table, t, memory_order_release);
  return true;
}

static otel__point_t *overflow_locked(otel__instrument_t *inst) {
  otel__point_t *p = atomic_load_explicit(&inst->overflow, memory_order_relaxed);
  if (!p) {
    otel_attr_t flag = OTEL_ATTR_BOOL("otel.metric.overflow", true);
    if ((p = point_new(inst, 0, &flag, 1)))
      atomic_store_explicit(&inst->overflow, p, memory_order_release);
  }
  return p;
}

static otel__point_t *add_locked(otel__instrument_t *inst, uint64_t hash, const otel_attr_t *set,
                                 size_t n) {
  otel__point_table_t *t = atomic_load_explicit(&inst->table, memory_order_relaxed);
  if ((!t || (inst->n + 1) * 2 > t->cap) && !grow_locked(inst))
    return NULL;
  otel__point_t *p = point_new(inst, hash, set, n);
  if (p) {
    place(atomic_load_explicit(&inst->table, memory_order_relaxed), p);
    inst->n++;
  }
  return p;
}

/* The most points an instrument of kind may have before the overflow
 * point: the configuration file's for the kind, or its default. */
static size_t cardinality_limit(otel__instrument_kind_t kind) {
  const otel__config_t *c = &otel__sdk.config;
  uint32_t limit = (size_t)kind < OTEL__CARDINALITY_KINDS ? c->cardinality_by_kind[kind] : 0;
  if (!limit)
    limit = c->cardinality_limit;
  return limit ? limit : OTEL__CARDINALITY_LIMIT;
}

/* The point of a set nobody has recorded yet (or one given with repeated or
 * empty keys), made under the lock; the overflow point past the cardinality
 * limit; NULL when memory ran out. */
static otel__point_t *point_slow(otel__instrument_t *inst, const otel_attr_t *attrs, size_t n) {
  otel_attr_t set[OTEL__METRIC_ATTRS_MAX];
  n = normalise(attrs, n, set);
  uint64_t hash = otel__attr_set_hash(set, n);
  pthread_mutex_lock(&inst->lock);
  otel__point_t *p = lookup(atomic_load_explicit(&inst->table, memory_order_relaxed), hash, set, n);
  if (!p && inst->n >= cardinality_limit(inst->kind))
    p = overflow_locked(inst);
  else if (!p)
    p = add_locked(inst, hash, set, n);
  pthread_mutex_unlock(&inst->lock);
  return p;
}

/* --- cells --- */

/* This thread's shard, given out in turn on first use. */
static unsigned my_shard(void) {
  static atomic_uint next;
  static _Thread_local unsigned shard = ~0u;
  if (shard == ~0u)
    shard = atomic_fetch_add_explicit(&next, 1, memory_order_relaxed) % OTEL__SHARDS;
  return shard;
}

static otel__cell_t *cell_for(const otel__instrument_t *inst, otel__point_t *p) {
  unsigned s = my_shard();
  otel__cell_t *c = atomic_load_explicit(&p->cells[s], memory_order_acquire);
  if (c)
    return c;
  size_t buckets = inst->kind == OTEL__HISTOGRAM ? inst->n_bounds + 1 : 0;
  size_t size = sizeof(*c) + buckets * sizeof(c->buckets[0]);
  /* Whole pairs of cache lines: no line shared with another cell, nor the
   * neighbouring line that the processor's prefetcher fetches along with it. */
  size = (size + 127) / 128 * 128;
  if (!(c = aligned_alloc(128, size)))
    return NULL;
  atomic_init(&c->sum_int, 0);
  atomic_init(&c->sum, 0.0);
  atomic_init(&c->min, INFINITY);
  atomic_init(&c->max, -INFINITY);
  for (size_t i = 0; i < buckets; i++)
    atomic_init(&c->buckets[i], 0);
  otel__cell_t *none = NULL;
  if (!atomic_compare_exchange_strong_explicit(&p->cells[s], &none, c, memory_order_acq_rel,
                                               memory_order_acquire)) {
    free(c); /* another thread of the shard made it first */
    c = none;
  }
  return c;
}

/* Bucket i holds (bounds[i-1], bounds[i]]: a value on a boundary goes below it. */
static size_t bucket_of(const otel__instrument_t *inst, double v) {
  size_t lo = 0, hi = inst->n_bounds;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (v <= inst->bounds[mid])
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

static void record_histogram(otel__cell_t *c, size_t bucket, double v) {
  atomic_fetch_add_explicit(&c->buckets[bucket], 1, memory_order_relaxed);
  double old = atomic_load_explicit(&c->sum, memory_order_relaxed);
  while (!atomic_compare_exchange_weak_explicit(&c->sum, &old, old + v, memory_order_relaxed,
                                                memory_order_relaxed)) {
  }
  old = atomic_load_explicit(&c->min, memory_order_relaxed);
  while (v < old && !atomic_compare_exchange_weak_explicit(&c->min, &old, v, memory_order_relaxed,
                                                           memory_order_relaxed)) {
  }
  old = atomic_load_explicit(&c->max, memory_order_relaxed);
  while (v > old && !atomic_compare_exchange_weak_explicit(&c->max, &old, v, memory_order_relaxed,
                                                           memory_order_relaxed)) {
  }
}

/* One measurement into point p: this thread's cell, and an exemplar when
 * the filter offers it (span: the span context it was made in, or NULL for
 * this thread's current one). */
static void apply(otel__instrument_t *inst, otel__point_t *p, int64_t ivalue, double dvalue,
                  const otel_span_context_t *span) {
  otel__cell_t *c = cell_for(inst, p);
  if (!c)
    return;
  const otel_span_context_t *sc = otel__exemplar_context(span);
  if (inst->kind == OTEL__HISTOGRAM) {
    size_t bucket = bucket_of(inst, dvalue);
    record_histogram(c, bucket, dvalue);
    uint64_t bits;
    memcpy(&bits, &dvalue, sizeof(bits));
    if (sc)
      otel__exemplar_offer(&p->exemplars, (uint32_t)inst->n_bounds + 1, (int)bucket, bits, sc);
  } else {
    atomic_fetch_add_explicit(&c->sum_int, ivalue, memory_order_relaxed);
    if (sc)
      otel__exemplar_offer(&p->exemplars, 1, -1, (uint64_t)ivalue, sc);
  }
}

/* Finds (or makes) the point of the set attrs and applies one measurement,
 * while the SDK is on or not. */
static void record_always(otel__instrument_t *inst, int64_t ivalue, double dvalue,
                          const otel_attr_t *attrs, size_t n, const otel_span_context_t *span) {
  if (!inst->name)
    return;
  otel__point_t *p = NULL;
  if (n <= OTEL__METRIC_ATTRS_MAX)
    p = lookup(atomic_load_explicit(&inst->table, memory_order_acquire),
               otel__attr_set_hash(attrs, n), attrs, n);
  if (!p && !(p = point_slow(inst, attrs, n)))
    return;
  apply(inst, p, ivalue, dvalue, span);
}

/* The same, while the SDK is on. */
static void record(otel__instrument_t *inst, int64_t ivalue, double dvalue,
                   const otel_attr_t *attrs, size_t n, const otel_span_context_t *span) {
  if (otel__sdk_enabled())
    record_always(inst, ivalue, dvalue, attrs, n, span);
}

void otel__histogram_record_always(otel_histogram_t *h, double value, const otel_attr_t *attrs,
                                   size_t n) {
  otel__instrument_t *inst = (otel__instrument_t *)h;
  if (inst && inst->kind == OTEL__HISTOGRAM && value == value)
    record_always(inst, 0, value, attrs, n, NULL);
}

void otel_counter_add(otel_counter_t *c, int64_t value, const otel_attr_t *attrs, size_t n) {
  otel__instrument_t *inst = (otel__instrument_t *)c;
  if (inst && (inst->kind == OTEL__COUNTER || inst->kind == OTEL__UPDOWN_COUNTER) &&
      (value >= 0 || inst->kind == OTEL__UPDOWN_COUNTER))
    record(inst, value, 0, attrs, n, NULL);
}

void otel_histogram_record(otel_histogram_t *h, double value, const otel_attr_t *attrs, size_t n) {
  otel__instrument_t *inst = (otel__instrument_t *)h;
  if (inst && inst->kind == OTEL__HISTOGRAM && value == value) /* NaN measures nothing */
    record(inst, 0, value, attrs, n, NULL);
}

void otel_histogram_record_in(otel_histogram_t *h, double value, const otel_attr_t *attrs, size_t n,
                              const otel_span_t *span) {
  otel__instrument_t *inst = (otel__instrument_t *)h;
  if (inst && inst->kind == OTEL__HISTOGRAM && value == value)
    record(inst, 0, value, attrs, n, span ? &span->ctx : NULL);
}

/* --- bound instruments: a point resolved once --- */

static const otel__bound_t unbound; /* records nothing */

static const otel__bound_t *bind(otel__instrument_t *inst, const otel_attr_t *attrs, size_t n) {
  otel__point_t *p = inst && inst->name ? otel__instrument_point(inst, attrs, n) : NULL;
  return p ? &p->bound : &unbound;
}

otel_bound_counter_t *otel_counter_bind(otel_counter_t *c, const otel_attr_t *attrs, size_t n) {
  otel__instrument_t *inst = (otel__instrument_t *)c;
  bool counter = inst && (inst->kind == OTEL__COUNTER || inst->kind == OTEL__UPDOWN_COUNTER);
  return (otel_bound_counter_t *)bind(counter ? inst : NULL, attrs, n);
}

otel_bound_histogram_t *otel_histogram_bind(otel_histogram_t *h, const otel_attr_t *attrs,
                                            size_t n) {
  otel__instrument_t *inst = (otel__instrument_t *)h;
  return (otel_bound_histogram_t *)bind(inst && inst->kind == OTEL__HISTOGRAM ? inst : NULL, attrs,
                                        n);
}

void otel_bound_counter_add(otel_bound_counter_t *c, int64_t value) {
  const otel__bound_t *b = (const otel__bound_t *)c;
  if (b && b->point && (value >= 0 || b->inst->kind == OTEL__UPDOWN_COUNTER) && otel__sdk_enabled())
    apply(b->inst, b->point, value, 0, NULL);
}

void otel_bound_histogram_record_in(otel_bound_histogram_t *h, double value,
                                    const otel_span_t *span) {
  const otel__bound_t *b = (const otel__bound_t *)h;
  if (b && b->point && value == value && otel__sdk_enabled())
    apply(b->inst, b->point, 0, value, span ? &span->ctx : NULL);
}

void otel_bound_histogram_record(otel_bound_histogram_t *h, double value) {
  otel_bound_histogram_record_in(h, value, NULL);
}

/* --- collection --- */

void otel__metrics_each(void (*fn)(otel__instrument_t *inst, void *ud), void *ud) {
  pthread_mutex_lock(&registry_lock); /* creating an instrument waits for the walk */
  for (otel__instrument_t *i = first; i; i = i->next)
    fn(i, ud);
  pthread_mutex_unlock(&registry_lock);
}

void otel__instrument_each_point(const otel__instrument_t *inst,
                                 void (*fn)(otel__point_t *p, void *ud), void *ud) {
  const otel__point_table_t *t = atomic_load_explicit(&inst->table, memory_order_acquire);
  for (size_t k = 0; t && k < t->cap; k++) {
    otel__point_t *p = atomic_load_explicit(&t->slots[k], memory_order_acquire);
    if (p)
      fn(p, ud);
  }
  otel__point_t *p = atomic_load_explicit(&inst->overflow, memory_order_acquire);
  if (p)
    fn(p, ud);
}

otel__point_t *otel__instrument_point(otel__instrument_t *inst, const otel_attr_t *attrs,
                                      size_t n) {
  return point_slow(inst, attrs, n);
}

void otel__point_read(const otel__instrument_t *inst, const otel__point_t *p,
                      otel__point_value_t *v) {
  size_t buckets = inst->kind == OTEL__HISTOGRAM ? inst->n_bounds + 1 : 0;
  v->sum_int = 0;
  v->sum = 0;
  v->min = INFINITY;
  v->max = -INFINITY;
  v->count = 0;
  for (size_t i = 0; i < buckets; i++)
    v->buckets[i] = 0;
  for (size_t s = 0; s < OTEL__SHARDS; s++) {
    otel__cell_t *c = atomic_load_explicit(&p->cells[s], memory_order_acquire);
    if (!c)
      continue;
    v->sum_int += atomic_load_explicit(&c->sum_int, memory_order_relaxed);
    v->sum += atomic_load_explicit(&c->sum, memory_order_relaxed);
    double lo = atomic_load_explicit(&c->min, memory_order_relaxed);
    double hi = atomic_load_explicit(&c->max, memory_order_relaxed);
    v->min = lo < v->min ? lo : v->min;
    v->max = hi > v->max ? hi : v->max;
    for (size_t i = 0; i < buckets; i++) {
      uint64_t b = atomic_load_explicit(&c->buckets[i], memory_order_relaxed);
      v->buckets[i] += b;
      v->count += b;
    }
  }
}

/* --- fork --- */

void otel__metrics_fork_prepare(void) {
  pthread_mutex_lock(&registry_lock);
  for (otel__instrument_t *i = first; i; i = i->next)
    pthread_mutex_lock(&i->lock);
}

static void point_restart(otel__point_t *p, void *ud) {
  const otel__instrument_t *inst = ud;
  size_t buckets = inst->kind == OTEL__HISTOGRAM ? inst->n_bounds + 1 : 0;
  for (size_t s = 0; s < OTEL__SHARDS; s++) {
    otel__cell_t *c = atomic_load_explicit(&p->cells[s], memory_order_relaxed);
    if (!c)
      continue;
    atomic_store_explicit(&c->sum_int, 0, memory_order_relaxed);
    atomic_store_explicit(&c->sum, 0.0, memory_order_relaxed);
    atomic_store_explicit(&c->min, INFINITY, memory_order_relaxed);
    atomic_store_explicit(&c->max, -INFINITY, memory_order_relaxed);
    for (size_t b = 0; b < buckets; b++)
      atomic_store_explicit(&c->buckets[b], 0, memory_order_relaxed);
  }
  otel__exemplars_t *exemplars = atomic_load_explicit(&p->exemplars, memory_order_relaxed);
  if (exemplars)
    otel__exemplars_clear(exemplars);
  uint64_t *last_buckets = p->last.buckets;
  memset(&p->last, 0, sizeof(p->last));
  if ((p->last.buckets = last_buckets))
    memset(last_buckets, 0, buckets * sizeof(*last_buckets));
  p->start_unix_ns = otel__now_unix_ns();
}

void otel__metrics_fork_after(bool child) {
  for (otel__instrument_t *i = first; i; i = i->next) {
    if (child) {
      i->created_unix_ns = otel__now_unix_ns();
      otel__instrument_each_point(i, point_restart, i);
    }
    pthread_mutex_unlock(&i->lock);
  }
  pthread_mutex_unlock(&registry_lock);
}
