/*
 * References on an item several queues hold (a span, a log record's copy,
 * a collection): a count of the holders beside the first, so that an item
 * held once costs no locked instruction. Each holder but the first takes a
 * reference; the last to let go frees the item.
 */
#ifndef OTEL_REFS_H
#define OTEL_REFS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

static inline void otel__ref_hold(_Atomic uint32_t *refs) {
  atomic_fetch_add_explicit(refs, 1, memory_order_relaxed);
}

/* Lets go of one reference; true when it was the last (free the item). */
static inline bool otel__ref_release(_Atomic uint32_t *refs) {
  return atomic_load_explicit(refs, memory_order_acquire) == 0 ||
         atomic_fetch_sub_explicit(refs, 1, memory_order_acq_rel) == 0;
}

#endif
