/*
 * Instruments and aggregation. Each instrument keeps its points in an
 * open-addressing table keyed by the attribute set's canonical form (keys
 * sorted, types and values spelled out), under one mutex held only to find
 * and update a point. Points live as long as the process: what was exported
 * cumulatively must go on being reported.
 */
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "sdk.h"

static const double DEFAULT_BOUNDS[] = {0,   5,   10,   25,   50,   75,   100,  250,
                                        500, 750, 1000, 2500, 5000, 7500, 10000};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static otel__instrument_t *first, *last;

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

static otel__instrument_t *find_or_create(otel__instrument_kind_t kind, const char *scope,
                                          const char *name, const char *unit, const char *desc,
                                          const double *bounds, size_t n_bounds) {
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
  return (otel_counter_t *)find_or_create(OTEL__COUNTER, scope, name, unit, description, NULL, 0);
}

otel_counter_t *otel_updown_counter(const char *scope, const char *name, const char *unit,
                                    const char *description) {
  return (otel_counter_t *)find_or_create(OTEL__UPDOWN_COUNTER, scope, name, unit, description,
                                          NULL, 0);
}

otel_histogram_t *otel_histogram(const char *scope, const char *name, const char *unit,
                                 const char *description, const double *bounds, size_t n_bounds) {
  return (otel_histogram_t *)find_or_create(OTEL__HISTOGRAM, scope, name, unit, description, bounds,
                                            n_bounds);
}

/* --- attribute sets --- */

static int by_key(const void *a, const void *b) {
  return strcmp((*(const otel_attr_t *const *)a)->key, (*(const otel_attr_t *const *)b)->key);
}

/* The canonical form of an attribute set: keys sorted, each with its type
 * and value, so that the same set in any order gives the same bytes. */
static void canonical(const otel_attr_t *attrs, size_t n, otel__buf_t *out) {
  const otel_attr_t *sorted[64];
  if (n > 64)
    n = 64;
  for (size_t i = 0; i < n; i++)
    sorted[i] = &attrs[i];
  qsort(sorted, n, sizeof(sorted[0]), by_key);
  for (size_t i = 0; i < n; i++) {
    const otel_attr_t *a = sorted[i];
    otel__buf_puts(out, a->key ? a->key : "");
    otel__buf_printf(out, "%c%d=", '\0', (int)a->type);
    switch (a->type) {
    case OTEL_VALUE_STRING:
      otel__buf_puts(out, a->v.s ? a->v.s : "");
      break;
    case OTEL_VALUE_BOOL:
      otel__buf_putc(out, a->v.b ? '1' : '0');
      break;
    case OTEL_VALUE_INT:
      otel__buf_printf(out, "%lld", (long long)a->v.i);
      break;
    case OTEL_VALUE_DOUBLE:
      otel__buf_printf(out, "%a", a->v.d);
      break;
    default: /* arrays: rare in metric attributes; their address is no identity */
      otel__buf_printf(out, "[%zu]", a->v.array.len);
      break;
    }
    otel__buf_putc(out, '\x1f');
  }
}

static uint64_t fnv1a(const char *p, size_t n) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
  return h;
}

static otel__point_t *point_new(const otel__instrument_t *inst, uint64_t hash, const char *key,
                                size_t key_len, const otel_attr_t *attrs, size_t n) {
  otel__point_t *p = calloc(1, sizeof(*p));
  if (!p)
    return NULL;
  otel__arena_init(&p->arena, NULL, 0);
  p->hash = hash;
  p->key = otel__arena_strndup(&p->arena, key, key_len);
  otel__attr_limits_t limits = {128, 0};
  for (size_t i = 0; i < n; i++)
    otel__attrs_set(&p->attrs, &p->arena, &attrs[i], limits);
  if (inst->kind == OTEL__HISTOGRAM)
    p->buckets = otel__arena_alloc(&p->arena, (inst->n_bounds + 1) * sizeof(uint64_t));
  if (!p->key || (inst->kind == OTEL__HISTOGRAM && !p->buckets)) {
    otel__arena_reset(&p->arena);
    free(p);
    return NULL;
  }
  if (p->buckets)
    memset(p->buckets, 0, (inst->n_bounds + 1) * sizeof(uint64_t));
  p->start_unix_ns = otel__now_unix_ns();
  return p;
}

/* Doubles the table and places every point again. */
static bool grow_locked(otel__instrument_t *inst) {
  size_t cap = inst->cap ? inst->cap * 2 : 16;
  otel__point_t **table = calloc(cap, sizeof(*table));
  if (!table)
    return false;
  for (size_t i = 0; i < inst->cap; i++) {
    otel__point_t *p = inst->table[i];
    if (!p)
      continue;
    size_t k = p->hash & (cap - 1);
    while (table[k])
      k = (k + 1) & (cap - 1);
    table[k] = p;
  }
  free(inst->table);
  inst->table = table;
  inst->cap = cap;
  return true;
}

/* The point for an attribute set, made on first use; the overflow point past
 * the cardinality limit; NULL when memory ran out. */
static otel__point_t *point_for_locked(otel__instrument_t *inst, const otel_attr_t *attrs, size_t n,
                                       const otel__buf_t *key, uint64_t hash) {
  if (inst->cap) {
    for (size_t k = hash & (inst->cap - 1); inst->table[k]; k = (k + 1) & (inst->cap - 1)) {
      otel__point_t *p = inst->table[k];
      if (p->hash == hash && !memcmp(p->key, key->data, key->len) && !p->key[key->len])
        return p;
    }
  }
  if (inst->n >= OTEL__CARDINALITY_LIMIT) {
    if (!inst->overflow) {
      otel_attr_t flag = OTEL_ATTR_BOOL("otel.metric.overflow", true);
      inst->overflow = point_new(inst, 0, "", 0, &flag, 1);
    }
    return inst->overflow;
  }
  if ((inst->n + 1) * 2 > inst->cap && !grow_locked(inst))
    return NULL;
  otel__point_t *p = point_new(inst, hash, key->data, key->len, attrs, n);
  if (!p)
    return NULL;
  size_t k = hash & (inst->cap - 1);
  while (inst->table[k])
    k = (k + 1) & (inst->cap - 1);
  inst->table[k] = p;
  inst->n++;
  return p;
}

/* Finds the point and applies one measurement to it. */
static void record(otel__instrument_t *inst, int64_t ivalue, double dvalue,
                   const otel_attr_t *attrs, size_t n) {
  if (!inst->name || !otel__sdk_enabled())
    return;
  /* The key is built on the stack (max stops the buffer from reallocating
   * it), and on the heap only for an unusually large attribute set. */
  char small[512];
  otel__buf_t key = {small, 0, sizeof(small), false, sizeof(small) - 1};
  canonical(attrs, n, &key);
  if (key.failed) {
    otel__buf_init(&key, 0);
    canonical(attrs, n, &key);
    if (key.failed) {
      otel__buf_free(&key);
      return;
    }
  }
  uint64_t hash = fnv1a(key.data, key.len);
  pthread_mutex_lock(&inst->lock);
  otel__point_t *p = point_for_locked(inst, attrs, n, &key, hash);
  if (p && inst->kind == OTEL__HISTOGRAM) {
    /* Bucket i holds (bounds[i-1], bounds[i]]: a value on a boundary goes below it. */
    size_t lo = 0, hi = inst->n_bounds;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (dvalue <= inst->bounds[mid])
        hi = mid;
      else
        lo = mid + 1;
    }
    p->buckets[lo]++;
    p->min = p->count ? (dvalue < p->min ? dvalue : p->min) : dvalue;
    p->max = p->count ? (dvalue > p->max ? dvalue : p->max) : dvalue;
    p->sum += dvalue;
    p->count++;
  } else if (p) {
    p->sum_int += ivalue;
    p->count++;
  }
  pthread_mutex_unlock(&inst->lock);
  if (key.data != small)
    free(key.data);
}

void otel_counter_add(otel_counter_t *c, int64_t value, const otel_attr_t *attrs, size_t n) {
  otel__instrument_t *inst = (otel__instrument_t *)c;
  if (inst && (value >= 0 || inst->kind == OTEL__UPDOWN_COUNTER))
    record(inst, value, 0, attrs, n);
}

void otel_histogram_record(otel_histogram_t *h, double value, const otel_attr_t *attrs, size_t n) {
  if (h && value == value) /* NaN measures nothing */
    record((otel__instrument_t *)h, 0, value, attrs, n);
}

void otel__metrics_each(void (*fn)(otel__instrument_t *inst, void *ud), void *ud) {
  pthread_mutex_lock(&registry_lock); /* creating an instrument waits for an export */
  for (otel__instrument_t *i = first; i; i = i->next)
    fn(i, ud);
  pthread_mutex_unlock(&registry_lock);
}

void otel__instrument_each_point_locked(otel__instrument_t *inst,
                                        void (*fn)(const otel__point_t *p, void *ud), void *ud) {
  pthread_mutex_lock(&inst->lock);
  for (size_t k = 0; k < inst->cap; k++)
    if (inst->table[k])
      fn(inst->table[k], ud);
  if (inst->overflow)
    fn(inst->overflow, ud);
  pthread_mutex_unlock(&inst->lock);
}
