/* Exemplars (exemplars.h): a point's slots, offered to and collected. */
#include "metrics/exemplars.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ids.h"

/* How often the exporting thread tries a slot that a recording thread holds
 * (for a few stores) before it passes over it this time. */
#define TAKE_TRIES 1000

const otel_span_context_t otel__no_span_context;

static otel__exemplars_t *make(_Atomic(otel__exemplars_t *) *at, uint32_t n) {
  otel__exemplars_t *set = calloc(1, sizeof(*set) + n * sizeof(set->slots[0]));
  if (!set)
    return NULL;
  set->n = n;
  otel__exemplars_t *none = NULL;
  if (!atomic_compare_exchange_strong_explicit(at, &none, set, memory_order_acq_rel,
                                               memory_order_acquire)) {
    free(set); /* another thread made them first */
    set = none;
  }
  return set;
}

/* Takes a slot: its even sequence number moved on to odd. */
static bool take(otel__exemplar_slot_t *s, unsigned *seq) {
  *seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
  return !(*seq & 1) && atomic_compare_exchange_strong_explicit(
                            &s->seq, seq, *seq + 1, memory_order_acquire, memory_order_relaxed);
}

static void give_back(otel__exemplar_slot_t *s, unsigned seq) {
  atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}

/* An exemplar's time, to the kernel's tick (a few milliseconds at most):
 * a quarter of the fine clock's cost, and finer than a graph shows it. */
static uint64_t coarse_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t word(const uint8_t *p) {
  uint64_t w;
  memcpy(&w, p, sizeof(w));
  return w;
}

void otel__exemplar_offer(_Atomic(otel__exemplars_t *) *at, uint32_t n, int slot, uint64_t value,
                          const otel_span_context_t *sc) {
  otel__exemplars_t *set = atomic_load_explicit(at, memory_order_acquire);
  if (!set && !(set = make(at, n)))
    return;
  if (slot < 0) {
    /* A reservoir of one: the k-th measurement offered replaces the kept
     * one with probability 1/k, so each is kept with the same chance. */
    uint64_t k = atomic_fetch_add_explicit(&set->offered, 1, memory_order_relaxed) + 1;
    if (k > 1 && otel__random_u64() % k)
      return;
    slot = 0;
  }
  otel__exemplar_slot_t *s = &set->slots[slot];
  unsigned seq;
  if (!take(s, &seq))
    return; /* another thread writes this slot now: this sample is not kept */
  atomic_store_explicit(&s->time_unix_ns, coarse_now(), memory_order_relaxed);
  atomic_store_explicit(&s->value, value, memory_order_relaxed);
  atomic_store_explicit(&s->trace_id[0], word(sc->trace_id), memory_order_relaxed);
  atomic_store_explicit(&s->trace_id[1], word(sc->trace_id + 8), memory_order_relaxed);
  atomic_store_explicit(&s->span_id, word(sc->span_id), memory_order_relaxed);
  give_back(s, seq);
}

size_t otel__exemplars_collect(otel__exemplars_t *set, bool clear, otel__exemplar_t *out) {
  size_t found = 0;
  for (uint32_t i = 0; i < set->n; i++) {
    otel__exemplar_slot_t *s = &set->slots[i];
    unsigned seq;
    int tries = 0;
    while (!take(s, &seq) && ++tries < TAKE_TRIES)
      ;
    if (tries == TAKE_TRIES)
      continue;
    otel__exemplar_t *e = &out[found];
    e->time_unix_ns = atomic_load_explicit(&s->time_unix_ns, memory_order_relaxed);
    e->value = atomic_load_explicit(&s->value, memory_order_relaxed);
    uint64_t ids[3] = {atomic_load_explicit(&s->trace_id[0], memory_order_relaxed),
                       atomic_load_explicit(&s->trace_id[1], memory_order_relaxed),
                       atomic_load_explicit(&s->span_id, memory_order_relaxed)};
    memcpy(e->trace_id, ids, sizeof(e->trace_id));
    memcpy(e->span_id, &ids[2], sizeof(e->span_id));
    e->has_ids = ids[0] | ids[1] | ids[2];
    if (clear)
      atomic_store_explicit(&s->time_unix_ns, 0, memory_order_relaxed);
    give_back(s, seq);
    if (e->time_unix_ns)
      found++;
  }
  atomic_store_explicit(&set->offered, 0, memory_order_relaxed);
  return found;
}

void otel__exemplars_clear(otel__exemplars_t *set) {
  for (uint32_t i = 0; i < set->n; i++)
    atomic_store_explicit(&set->slots[i].time_unix_ns, 0, memory_order_relaxed);
  atomic_store_explicit(&set->offered, 0, memory_order_relaxed);
}
