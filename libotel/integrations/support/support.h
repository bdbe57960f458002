/*
 * What the integrations share, on libotel's public API alone: each
 * integration's archive carries a copy of this folder's objects, which hold
 * no SDK state of their own (only caches of what libotel hands out), so the
 * integrations work the same with libotel.a and with libotel.so.
 */
#ifndef OTEL_INTEGRATION_SUPPORT_H
#define OTEL_INTEGRATION_SUPPORT_H

#include <otel/trace.h>
#include <stdint.h>
#include <time.h>

/* The monotonic clock, in nanoseconds, for durations. */
static inline uint64_t otel__integration_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Seconds between two monotonic readings. */
static inline double otel__integration_seconds(uint64_t from_ns, uint64_t to_ns) {
  return (double)(to_ns - from_ns) / 1e9;
}

/* The integration's tracer, got once into *slot: libotel's instrumentation
 * scope `name`, at the SDK's version. */
const otel_tracer_t *otel__integration_tracer(_Atomic(const otel_tracer_t *) *slot,
                                              const char *name);

#endif
