/* Interruptible sleeps and monotonic timed waits. */
#include "export/interrupt.h"

#include <errno.h>
#include <time.h>

#include "common/clock.h"

int otel__cond_init_monotonic(pthread_cond_t *c) {
  pthread_condattr_t attr;
  int rc = pthread_condattr_init(&attr);
  if (rc)
    return -rc;
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  rc = pthread_cond_init(c, &attr);
  pthread_condattr_destroy(&attr);
  return -rc;
}

int otel__cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline) {
  if (deadline == UINT64_MAX)
    return -pthread_cond_wait(c, m);
  struct timespec ts = {(time_t)(deadline / 1000000000u), (long)(deadline % 1000000000u)};
  return -pthread_cond_timedwait(c, m, &ts);
}

int otel__interrupt_init(otel__interrupt_t *i) {
  atomic_init(&i->deadline, UINT64_MAX);
  atomic_init(&i->stopping, false);
  int rc = pthread_mutex_init(&i->lock, NULL);
  if (rc)
    return -rc;
  rc = otel__cond_init_monotonic(&i->cond);
  if (rc)
    pthread_mutex_destroy(&i->lock);
  return rc;
}

void otel__interrupt_destroy(otel__interrupt_t *i) {
  pthread_cond_destroy(&i->cond);
  pthread_mutex_destroy(&i->lock);
}

void otel__interrupt_stop(otel__interrupt_t *i, uint64_t deadline) {
  pthread_mutex_lock(&i->lock);
  atomic_store(&i->deadline, deadline);
  atomic_store(&i->stopping, true);
  pthread_cond_broadcast(&i->cond);
  pthread_mutex_unlock(&i->lock);
}

bool otel__interrupt_sleep(otel__interrupt_t *i, uint64_t ms) {
  uint64_t until = otel__deadline_after_ms(ms);
  pthread_mutex_lock(&i->lock);
  int rc = 0;
  while (!otel__interrupt_stopping(i) && rc != -ETIMEDOUT)
    rc = otel__cond_wait_until(&i->cond, &i->lock, until);
  bool slept = !otel__interrupt_stopping(i);
  pthread_mutex_unlock(&i->lock);
  return slept;
}
