/*
 * How shutdown reaches an exporter thread that is waiting: a deadline by
 * which any transfer must stop, and a wake-up for backoff sleeps.
 */
#ifndef OTEL_INTERRUPT_H
#define OTEL_INTERRUPT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct otel__interrupt {
  pthread_mutex_t lock;
  pthread_cond_t cond;       /* monotonic clock */
  _Atomic uint64_t deadline; /* monotonic ns; UINT64_MAX when none */
  atomic_bool stopping;
} otel__interrupt_t;

int otel__interrupt_init(otel__interrupt_t *i);
void otel__interrupt_destroy(otel__interrupt_t *i);

/* Starts the stop: wakes sleepers and sets the hard deadline. Thread-safe. */
void otel__interrupt_stop(otel__interrupt_t *i, uint64_t deadline);

/* Sleeps ms milliseconds; false when a stop cut it short (or had begun). */
bool otel__interrupt_sleep(otel__interrupt_t *i, uint64_t ms);

static inline uint64_t otel__interrupt_deadline(otel__interrupt_t *i) {
  return atomic_load_explicit(&i->deadline, memory_order_acquire);
}

static inline bool otel__interrupt_stopping(otel__interrupt_t *i) {
  return atomic_load_explicit(&i->stopping, memory_order_acquire);
}

/* Timed waits on a monotonic condition variable until a monotonic ns deadline. */
int otel__cond_init_monotonic(pthread_cond_t *c);
int otel__cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline_mono_ns);

#endif
