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

/* The wall-clock time at monotonic instant mono. Each thread keeps the
 * offset between the two clocks and reads the wall clock again once a
 * second, so a span start costs one clock reading instead of two. */
static inline uint64_t otel__unix_at(uint64_t mono) {
  static _Thread_local uint64_t offset, refreshed;
  if (!refreshed || mono - refreshed > 1000000000u) {
    offset = otel__now_unix_ns() - otel__now_mono_ns();
    refreshed = mono;
  }
  return mono + offset;
}

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
