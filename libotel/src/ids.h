/* Trace and span ids: random, from a per-thread generator seeded by the kernel's CSPRNG. */
#ifndef OTEL_IDS_H
#define OTEL_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fills p with n random bytes that are not all zero. Thread-safe. */
void otel__random_id(uint8_t *p, size_t n);

/* A uniformly random 64-bit value (for jitter and ids). Thread-safe. */
uint64_t otel__random_u64(void);

/* True when all n bytes are zero. */
bool otel__is_zero(const uint8_t *p, size_t n);

#endif
