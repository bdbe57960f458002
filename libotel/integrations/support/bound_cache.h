/*
 * Bound histograms for the attribute sets an integration records again and
 * again (a method, a route, a status), so that a request's duration costs a
 * short hash and an add into its point rather than the instrument's lookup
 * of the whole set (otel/metrics.h's bound instruments).
 *
 * A fixed table, keyed by the set's two varying strings and a number and
 * compared by content. Lock-free: a slot is claimed once, filled, then
 * published; readers only ever see whole slots. A set whose strings are too
 * long to keep, or that finds no free slot, gets NULL: the caller records
 * through the instrument instead.
 */
#ifndef OTEL_BOUND_CACHE_H
#define OTEL_BOUND_CACHE_H

#include <otel/metrics.h>
#include <stdatomic.h>
#include <stdint.h>

#define OTEL__BOUND_SLOTS 256
#define OTEL__BOUND_TEXT 96 /* the longest string kept, with its NUL */

typedef struct otel__bound_slot {
  atomic_int state; /* 0 empty, 1 being filled, 2 published */
  uint64_t hash;
  int64_t number;
  char a[OTEL__BOUND_TEXT], b[OTEL__BOUND_TEXT];
  otel_bound_histogram_t *bound;
} otel__bound_slot_t;

typedef struct otel__bound_cache {
  otel__bound_slot_t slots[OTEL__BOUND_SLOTS];
} otel__bound_cache_t;

/* The handle of h bound to attrs[0..n), the set that the strings a and b
 * (either may be NULL) and number stand for: looked up in c, or bound and
 * kept there. NULL when it cannot be kept. Thread-safe. */
otel_bound_histogram_t *otel__bound_cache_get(otel__bound_cache_t *c, otel_histogram_t *h,
                                              const char *a, const char *b, int64_t number,
                                              const otel_attr_t *attrs, size_t n);

#endif
