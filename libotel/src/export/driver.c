/*
 * The processors that drive a program's exporters, for every signal.
 *
 * The batch one is export/batch.c's queue and thread with the signal's
 * settings: ending a span (or writing a log record) never waits on the
 * exporter.
 *
 * The simple one exports each item as it comes. Its protocol: an exporter
 * is never called concurrently with itself, and no lock is held while it
 * runs (it may record telemetry of its own). A thread that brings an item
 * appends it to the driver's list; if no thread is exporting, it becomes
 * the one that does, and exports the list one item at a time, the lock
 * released around each call, until it is empty. So an item that comes while
 * another thread exports is exported by that thread, right after, in order.
 *
 * An item that goes to several queues (a driver's and the built-in
 * pipeline's) is held by each, and freed by the last.
 */
#include "export/driver.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"

struct otel__driver {
  const otel__driver_ops_t *ops;
  otel__exporter_fns_t e;
  otel_processing_t how;
  pthread_mutex_t lock; /* guards what follows to `exporting`, and `shut` */
  void **pending;       /* simple: held, not yet exported */
  size_t n_pending, cap_pending;
  bool exporting;             /* simple: a thread is draining pending */
  otel__batch_t *batch;       /* batch: NULL until otel_init(), or when it could not start */
  otel__batch_t *left_behind; /* batch: the parent's, in a child after fork() */
  otel__batch_ops_t batch_ops;
  otel__interrupt_t intr;
  uint64_t deadline; /* shutdown's, which the exporter's shutdown is given */
  bool shut;         /* the exporter's shutdown was called: once only */
};

/* Drivers never move or go away: a thread that ends a span while the SDK
 * shuts down may still reach one. */
static otel__driver_t drivers[OTEL__MAX_DRIVERS];
static size_t n_drivers;

static otel_export_result_t call_export(otel__driver_t *d, void *const *items, size_t n,
                                        uint32_t timeout_ms) {
  return d->ops->call_export(d->e.export_fn, d->e.ud, items, n, timeout_ms);
}

static int export_items(void *ud, void *const *items, size_t n, uint64_t deadline) {
  otel__driver_t *d = ud;
  otel_export_result_t r = call_export(d, items, n, (uint32_t)otel__ms_until(deadline));
  return r == OTEL_EXPORT_SUCCESS ? 0 : -EIO;
}

static void exporter_shutdown(otel__driver_t *d) {
  pthread_mutex_lock(&d->lock);
  bool first = !d->shut;
  d->shut = true;
  pthread_mutex_unlock(&d->lock);
  if (first && d->e.shutdown)
    d->e.shutdown(d->e.ud, (uint32_t)otel__ms_until(d->deadline));
}

static void destroy(void *ud) {
  otel__driver_t *d = ud;
  exporter_shutdown(d);
  otel__interrupt_destroy(&d->intr);
}

/* Appends item to the list; false (and nothing held) when out of memory. */
static bool pend_locked(otel__driver_t *d, void *item) {
  if (d->n_pending == d->cap_pending) {
    size_t cap = d->cap_pending ? d->cap_pending * 2 : 8;
    void **grown = realloc(d->pending, cap * sizeof(*grown));
    if (!grown)
      return false;
    d->pending = grown;
    d->cap_pending = cap;
  }
  d->ops->hold(item);
  d->pending[d->n_pending++] = item;
  return true;
}

/* The simple driver: see the protocol at the top. */
static void export_simply(otel__driver_t *d, void *item) {
  pthread_mutex_lock(&d->lock);
  bool queued = !d->shut && pend_locked(d, item);
  if (!queued || d->exporting) {
    pthread_mutex_unlock(&d->lock);
    return;
  }
  d->exporting = true;
  while (d->n_pending) {
    void *next = d->pending[0];
    memmove(d->pending, d->pending + 1, --d->n_pending * sizeof(*d->pending));
    pthread_mutex_unlock(&d->lock);
    call_export(d, &next, 1, d->ops->batch_config(&otel__sdk)->export_timeout_ms);
    d->ops->release(next);
    pthread_mutex_lock(&d->lock);
  }
  d->exporting = false;
  pthread_mutex_unlock(&d->lock);
}

void otel__driver_take(otel__driver_t *d, void *item) {
  if (d->how == OTEL_PROCESSING_SIMPLE) {
    export_simply(d, item);
  } else if (d->batch) {
    d->ops->hold(item);
    if (otel__batch_push(d->batch, item) != 0)
      d->ops->release(item); /* not the last: the caller holds it too */
  }
}

int otel__driver_flush(void *ud, uint32_t timeout_ms) {
  otel__driver_t *d = ud;
  uint64_t deadline = otel__deadline_after_ms(timeout_ms);
  int rc = d->batch ? otel__batch_flush(d->batch, timeout_ms) : 0;
  int erc = d->e.force_flush ? d->e.force_flush(d->e.ud, (uint32_t)otel__ms_until(deadline)) : 0;
  return rc ? rc : erc;
}

int otel__driver_shutdown(void *ud, uint32_t timeout_ms) {
  otel__driver_t *d = ud;
  d->deadline = otel__deadline_after_ms(timeout_ms);
  if (d->batch)
    return otel__batch_shutdown(d->batch, timeout_ms); /* destroy() shuts the exporter down */
  /* (Called once the program's threads are done with the SDK: nothing is
   * exporting, and nothing pending, by then.) */
  pthread_mutex_lock(&d->lock);
  bool idle = !d->exporting;
  pthread_mutex_unlock(&d->lock);
  if (!idle)
    return -EBUSY;
  exporter_shutdown(d);
  free(d->pending);
  d->pending = NULL;
  d->cap_pending = 0;
  return 0;
}

int otel__driver_add(const otel__driver_ops_t *ops, const otel__exporter_fns_t *e,
                     otel_processing_t how, bool full, otel__driver_t **out) {
  if (how != OTEL_PROCESSING_BATCH && how != OTEL_PROCESSING_SIMPLE)
    return -EINVAL;
  if (otel__sdk.sealed)
    return -EBUSY;
  if (full || n_drivers == OTEL__MAX_DRIVERS)
    return -ENOSPC;
  otel__driver_t *d = &drivers[n_drivers++];
  *d = (otel__driver_t){.ops = ops, .e = *e, .how = how};
  d->batch_ops = (otel__batch_ops_t){ops->what, export_items, ops->release, destroy, NULL};
  pthread_mutex_init(&d->lock, NULL);
  *out = d;
  return 0;
}

static void start(otel__driver_t *d, const otel__sdk_t *sdk) {
  if (d->how != OTEL_PROCESSING_BATCH || otel__interrupt_init(&d->intr))
    return;
  d->batch = otel__batch_new(d->ops->batch_config(sdk), &d->batch_ops, d, &d->intr);
}

void otel__drivers_start(const otel__sdk_t *sdk) {
  for (size_t i = 0; i < n_drivers; i++)
    start(&drivers[i], sdk);
}

void otel__drivers_fork_prepare(void) {
  for (size_t i = 0; i < n_drivers; i++) {
    pthread_mutex_lock(&drivers[i].lock);
    if (drivers[i].batch)
      otel__batch_fork_prepare(drivers[i].batch);
  }
}

void otel__drivers_fork_after(bool child) {
  for (size_t i = n_drivers; i-- > 0;) {
    otel__driver_t *d = &drivers[i];
    if (d->batch)
      otel__batch_fork_after(d->batch, child);
    if (child) { /* the parent exports what was pending; no thread of the child is exporting */
      for (size_t k = 0; k < d->n_pending; k++)
        d->ops->release(d->pending[k]);
      d->n_pending = 0;
      d->exporting = false;
    }
    pthread_mutex_unlock(&d->lock);
  }
}

void otel__drivers_restart(const otel__sdk_t *sdk) {
  for (size_t i = 0; i < n_drivers; i++) {
    otel__driver_t *d = &drivers[i];
    if (!d->batch)
      continue;
    d->left_behind = d->batch; /* stopped, its thread gone: kept, never used */
    d->batch = NULL;
    start(d, sdk);
  }
}
