/*
 * Exemplars: measurements kept with the span they were made in, so that a
 * point (a slow bucket, say) leads to a trace. A histogram point keeps the
 * last one of each bucket; a sum point keeps one, chosen uniformly among
 * those offered since the last collection. OTEL_METRICS_EXEMPLAR_FILTER
 * says which measurements are offered: those made within a sampled span
 * (trace_based, the default), all (always_on), or none (always_off).
 *
 * A point's slots are made on its first exemplar. Each slot is taken by
 * moving its sequence number from even to odd, and given back by moving it
 * on to the next even: a recording thread that finds a slot taken gives up
 * that sample rather than wait, and the exporting thread takes each slot the
 * same way to read it (and, for a delta export, to empty it). So recording
 * never waits, and a reader never sees half an exemplar.
 */
#ifndef OTEL_EXEMPLARS_H
#define OTEL_EXEMPLARS_H

#include <otel/trace.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/state.h"
#include "trace/context_internal.h"

typedef struct otel__exemplar_slot {
  atomic_uint seq;                       /* odd while taken */
  _Atomic uint64_t time_unix_ns;         /* 0: empty */
  _Atomic uint64_t value;                /* an int64_t's or a double's bits */
  _Atomic uint64_t trace_id[2], span_id; /* the ids' bytes; all 0 outside a span */
} otel__exemplar_slot_t;

typedef struct otel__exemplars {
  atomic_uint_fast64_t offered; /* a sum's: measurements offered since the last collection */
  uint32_t n;
  otel__exemplar_slot_t slots[];
} otel__exemplars_t;

/* One exemplar as the exporter reads it. */
typedef struct otel__exemplar {
  uint64_t time_unix_ns;
  uint64_t value;
  uint8_t trace_id[OTEL_TRACE_ID_SIZE], span_id[OTEL_SPAN_ID_SIZE];
  bool has_ids;
} otel__exemplar_t;

/* The span context for always_on outside any span: no ids. */
extern const otel_span_context_t otel__no_span_context;

/* The span context that a measurement made within span (NULL: this
 * thread's current span) would carry as an exemplar, or NULL when the
 * filter does not offer it. Inline: every measurement asks it. */
static inline const otel_span_context_t *otel__exemplar_context(const otel_span_context_t *span) {
  otel__exemplar_filter_t f = otel__sdk.config.exemplar_filter;
  if (f == OTEL__EXEMPLARS_ALWAYS_OFF)
    return NULL;
  const otel_span_context_t *sc = span ? span : otel__current_span_context();
  if (f == OTEL__EXEMPLARS_ALWAYS_ON)
    return sc ? sc : &otel__no_span_context;
  return sc && (sc->flags & OTEL_TRACE_FLAG_SAMPLED) ? sc : NULL;
}

/* Offers a measurement (its value's bits) made in sc to the exemplars of a
 * point (*set, made with n slots on first use): into slot `slot` (a
 * histogram's bucket), or, with slot -1, to a sum's reservoir of one.
 * Thread-safe; never waits. */
void otel__exemplar_offer(_Atomic(otel__exemplars_t *) *set, uint32_t n, int slot, uint64_t value,
                          const otel_span_context_t *sc);

/* Copies the exemplars kept into out (room for set->n), emptying their
 * slots when clear (a delta export), and starts a sum's sampling again.
 * Returns how many. The exporting thread only. */
size_t otel__exemplars_collect(otel__exemplars_t *set, bool clear, otel__exemplar_t *out);

/* Empties every slot: a child after fork(), single-threaded. */
void otel__exemplars_clear(otel__exemplars_t *set);

#endif
