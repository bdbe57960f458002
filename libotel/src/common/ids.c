/*
 * Random ids. Each thread runs its own xoshiro256** generator, seeded from
 * getrandom() on first use and again in a child after fork(), so that ids
 * are unpredictable, never shared between processes, and cost no syscall or
 * lock on the hot path.
 */
#include "common/ids.h"

#include <otel/context.h>

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static atomic_uint fork_generation = 1;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static _Thread_local struct {
  uint64_t s[4];
  unsigned generation;
} rng;

void otel__ids_reseed(void) { atomic_fetch_add(&fork_generation, 1); }

/* Also before otel_init(), or with the SDK off, ids must not repeat across a fork. */
static void register_atfork(void) { pthread_atfork(NULL, NULL, otel__ids_reseed); }

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static void seed(void) {
  pthread_once(&atfork_once, register_atfork);
  uint8_t *p = (uint8_t *)rng.s;
  size_t got = 0;
  while (got < sizeof(rng.s)) {
    ssize_t n = getrandom(p + got, sizeof(rng.s) - got, 0);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  if (got < sizeof(rng.s)) {
    /* No kernel entropy (seccomp, very old kernel): mix what varies per thread. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    rng.s[0] ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15u;
    rng.s[1] ^= (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&rng;
    rng.s[2] ^= (uint64_t)ts.tv_sec;
  }
  if (!(rng.s[0] | rng.s[1] | rng.s[2] | rng.s[3]))
    rng.s[0] = 1; /* the one state xoshiro cannot leave */
  rng.generation = atomic_load_explicit(&fork_generation, memory_order_relaxed);
}

/* The generator's next `words` outputs, its state kept in registers
 * between them and stored once. */
static inline void next_words(uint64_t *out, size_t words) {
  if (rng.generation != atomic_load_explicit(&fork_generation, memory_order_relaxed))
    seed();
  uint64_t s0 = rng.s[0], s1 = rng.s[1], s2 = rng.s[2], s3 = rng.s[3];
  for (size_t i = 0; i < words; i++) {
    out[i] = rotl(s1 * 5, 7) * 9;
    uint64_t t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 45);
  }
  rng.s[0] = s0, rng.s[1] = s1, rng.s[2] = s2, rng.s[3] = s3;
}

uint64_t otel__random_u64(void) {
  uint64_t r;
  next_words(&r, 1);
  return r;
}

void otel__random_id(uint8_t *p, size_t n) {
  do {
    for (size_t i = 0; i < n; i += 8) {
      uint64_t r;
      next_words(&r, 1);
      if (n - i >= 8)
        memcpy(p + i, &r, 8); /* a store, where a length known only at run time is a call */
      else
        memcpy(p + i, &r, n - i);
    }
  } while (otel__is_zero(p, n));
}

void otel__random_ids(uint8_t trace_id[OTEL_TRACE_ID_SIZE], uint8_t span_id[OTEL_SPAN_ID_SIZE]) {
  uint64_t words[3];
  do {
    next_words(words, 3);
    memcpy(trace_id, words, OTEL_TRACE_ID_SIZE);
    memcpy(span_id, words + 2, OTEL_SPAN_ID_SIZE);
  } while (otel__is_zero(trace_id, OTEL_TRACE_ID_SIZE) ||
           otel__is_zero(span_id, OTEL_SPAN_ID_SIZE));
}

bool otel_span_context_is_valid(const otel_span_context_t *sc) {
  return sc && !otel__is_zero(sc->trace_id, OTEL_TRACE_ID_SIZE) &&
         !otel__is_zero(sc->span_id, OTEL_SPAN_ID_SIZE);
}
