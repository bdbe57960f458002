/* Timing helpers shared by the microbenchmarks. */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdlib.h>

#include "common/clock.h"

/* Sorts n samples and returns the one at fraction q (0.5: the median). */
static inline int bench__cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static inline uint64_t bench_quantile(uint64_t *samples, size_t n, double q) {
  qsort(samples, n, sizeof(*samples), bench__cmp);
  return samples[(size_t)(q * (double)(n - 1))];
}

#endif
