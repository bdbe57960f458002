/* Trace and span ids: random, from a per-thread generator seeded by the kernel's CSPRNG;
 * and whether a span context holds valid ones (otel_span_context_is_valid). */
#ifndef OTEL_IDS_H
#define OTEL_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <otel/context.h>

/* Fills p with n random bytes that are not all zero. Thread-safe. */
void otel__random_id(uint8_t *p, size_t n);

/* A root span's two ids at once: one draw of the generator. Thread-safe. */
void otel__random_ids(uint8_t trace_id[OTEL_TRACE_ID_SIZE], uint8_t span_id[OTEL_SPAN_ID_SIZE]);

/* A uniformly random 64-bit value (for jitter and ids). Thread-safe. */
uint64_t otel__random_u64(void);

/* Makes every thread's generator seed itself again before its next value:
 * for a child after fork(), which must not repeat its parent's ids. The
 * SDK's own fork handler calls it first, before it makes any id there. */
void otel__ids_reseed(void);

/* True when all n bytes are zero. Inline and eight bytes at a time: every
 * span, log record and header check asks it of a trace and a span id. */
static inline bool otel__is_zero(const uint8_t *p, size_t n) {
  uint64_t acc = 0, word;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    memcpy(&word, p + i, 8);
    acc |= word;
  }
  for (; i < n; i++)
    acc |= p[i];
  return acc == 0;
}

#endif
