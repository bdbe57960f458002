/* Time sources: wall clock for timestamps, monotonic clock for durations and deadlines. */
#ifndef OTEL_CLOCK_H
#define OTEL_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t otel__clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t otel__now_unix_ns(void) { return otel__clock_ns(CLOCK_REALTIME); }
static inline uint64_t otel__now_mono_ns(void) { return otel__clock_ns(CLOCK_MONOTONIC); }

/* The monotonic deadline ms milliseconds from now. */
static inline uint64_t otel__deadline_after_ms(uint64_t ms) {
  return otel__now_mono_ns() + ms * 1000000u;
}

/* Milliseconds left until a monotonic deadline, 0 when past. */
static inline uint64_t otel__ms_until(uint64_t deadline) {
  uint64_t now = otel__now_mono_ns();
  return deadline > now ? (deadline - now + 999999u) / 1000000u : 0;
}

#endif
