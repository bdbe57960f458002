/*
 * The processors that drive a program's span exporters
 * (otel_add_span_exporter()): the batch one, on the batch queue and thread
 * the built-in pipeline uses (export/batch.c), with the OTEL_BSP_* settings;
 * and the simple one, which exports each sampled span as it ends.
 *
 * The simple one's protocol: an exporter is never called concurrently with
 * itself, and no lock is held while it runs (it may end spans of its own).
 * A thread that ends a span appends it to the driver's list; if no thread
 * is exporting, it becomes the one that does, and exports the list one span
 * at a time, the lock released around each call, until it is empty. So a
 * span ended while another thread exports is exported by that thread,
 * right after, in order.
 *
 * A span that goes to several queues (this one's and the built-in
 * pipeline's) is held by each, and freed by the last (span.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/table.h"
#include "export/batch.h"
#include "trace/exporting.h"
#include "trace/processors.h"
#include "trace/span.h"

typedef struct driver {
  otel_span_exporter_t e;
  otel_processing_t how;
  pthread_mutex_t lock;  /* simple: guards pending and exporting */
  otel_span_t **pending; /* simple: ended, held, not yet exported */
  size_t n_pending, cap_pending;
  bool exporting;             /* simple: a thread is draining pending */
  otel__batch_t *batch;       /* batch: NULL until otel_init(), or when it could not start */
  otel__batch_t *left_behind; /* batch: the parent's, in a child after fork() */
  otel__interrupt_t intr;
  uint64_t deadline; /* shutdown's, which the exporter's shutdown is given */
  bool shut;         /* the exporter's shutdown was called: once only */
} driver_t;

/* Drivers never move or go away: a thread that ends a span while the SDK
 * shuts down may still reach one. */
static driver_t drivers[OTEL__MAX_SPAN_PROCESSORS];
static size_t n_drivers;

static const otel_span_data_t *const *views(void *const *items) {
  return (const otel_span_data_t *const *)(const void *)items;
}

static int export_items(void *ud, void *const *items, size_t n, uint64_t deadline) {
  driver_t *d = ud;
  otel_export_result_t r =
      d->e.export_spans(d->e.ud, views(items), n, (uint32_t)otel__ms_until(deadline));
  return r == OTEL_EXPORT_SUCCESS ? 0 : -EIO;
}

static void release(void *item) { otel__span_release(item); }

static void exporter_shutdown(driver_t *d) {
  pthread_mutex_lock(&d->lock);
  bool first = !d->shut;
  d->shut = true;
  pthread_mutex_unlock(&d->lock);
  if (first && d->e.shutdown)
    d->e.shutdown(d->e.ud, (uint32_t)otel__ms_until(d->deadline));
}

static void destroy(void *ud) {
  driver_t *d = ud;
  exporter_shutdown(d);
  otel__interrupt_destroy(&d->intr);
}

/* (Named for messages; the SDK's own metrics count the built-in pipeline's spans only.) */
static const otel__batch_ops_t BATCH_OPS = {"spans for the program's exporter", export_items,
                                            release, destroy, NULL};

/* Appends span to the list; false (and nothing held) when out of memory. */
static bool pend_locked(driver_t *d, otel_span_t *span) {
  if (d->n_pending == d->cap_pending) {
    size_t cap = d->cap_pending ? d->cap_pending * 2 : 8;
    otel_span_t **grown = realloc(d->pending, cap * sizeof(*grown));
    if (!grown)
      return false;
    d->pending = grown;
    d->cap_pending = cap;
  }
  otel__span_hold(span);
  d->pending[d->n_pending++] = span;
  return true;
}

/* The simple processor: see the protocol at the top. */
static void export_simply(driver_t *d, otel_span_t *span) {
  pthread_mutex_lock(&d->lock);
  bool queued = !d->shut && pend_locked(d, span);
  if (!queued || d->exporting) {
    pthread_mutex_unlock(&d->lock);
    return;
  }
  d->exporting = true;
  while (d->n_pending) {
    otel_span_t *next = d->pending[0];
    memmove(d->pending, d->pending + 1, --d->n_pending * sizeof(*d->pending));
    pthread_mutex_unlock(&d->lock);
    const otel_span_data_t *view = otel_span_data(next);
    d->e.export_spans(d->e.ud, &view, 1, otel__sdk.config.bsp.export_timeout_ms);
    otel__span_release(next);
    pthread_mutex_lock(&d->lock);
  }
  d->exporting = false;
  pthread_mutex_unlock(&d->lock);
}

static bool on_end(void *ud, const otel_span_data_t *view) {
  driver_t *d = ud;
  otel_span_t *span = (otel_span_t *)(const void *)view; /* the SDK's own span */
  if (!(span->ctx.flags & OTEL_TRACE_FLAG_SAMPLED))
    return true;
  if (d->how == OTEL_PROCESSING_BATCH) {
    if (d->batch)
      otel__span_enqueue(span, d->batch);
    return true;
  }
  export_simply(d, span);
  return true;
}

static int force_flush(void *ud, uint32_t timeout_ms) {
  driver_t *d = ud;
  uint64_t deadline = otel__deadline_after_ms(timeout_ms);
  int rc = d->batch ? otel__batch_flush(d->batch, timeout_ms) : 0;
  int erc = d->e.force_flush ? d->e.force_flush(d->e.ud, (uint32_t)otel__ms_until(deadline)) : 0;
  return rc ? rc : erc;
}

static int shutdown(void *ud, uint32_t timeout_ms) {
  driver_t *d = ud;
  d->deadline = otel__deadline_after_ms(timeout_ms);
  if (d->how == OTEL_PROCESSING_SIMPLE || !d->batch) {
    /* (Called once request threads are done with the SDK: nothing is
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
  return otel__batch_shutdown(d->batch, timeout_ms); /* destroy() shuts the exporter down */
}

int otel_add_span_exporter(const otel_span_exporter_t *e, otel_processing_t how) {
  otel_span_exporter_t copy;
  if (!e || !otel__table_copy(&copy, sizeof(copy), e) || !copy.export_spans ||
      (how != OTEL_PROCESSING_BATCH && how != OTEL_PROCESSING_SIMPLE))
    return -EINVAL;
  if (n_drivers == OTEL__MAX_SPAN_PROCESSORS)
    return -ENOSPC;
  driver_t *d = &drivers[n_drivers];
  *d = (driver_t){.e = copy, .how = how};
  int rc = otel__span_processor_add(&OTEL_SPAN_PROCESSOR_INIT(.ud = d, .on_end = on_end,
                                                              .force_flush = force_flush,
                                                              .shutdown = shutdown));
  if (rc == 0) {
    pthread_mutex_init(&d->lock, NULL);
    n_drivers++;
  }
  return rc;
}

static void start(driver_t *d, const otel__sdk_t *sdk) {
  if (d->how != OTEL_PROCESSING_BATCH || otel__interrupt_init(&d->intr))
    return;
  d->batch = otel__batch_new(&sdk->config.bsp, &BATCH_OPS, d, &d->intr);
}

void otel__span_exporters_start(const otel__sdk_t *sdk) {
  for (size_t i = 0; i < n_drivers; i++)
    start(&drivers[i], sdk);
}

void otel__span_exporters_fork_prepare(void) {
  for (size_t i = 0; i < n_drivers; i++) {
    pthread_mutex_lock(&drivers[i].lock);
    if (drivers[i].batch)
      otel__batch_fork_prepare(drivers[i].batch);
  }
}

void otel__span_exporters_fork_after(bool child) {
  for (size_t i = n_drivers; i-- > 0;) {
    driver_t *d = &drivers[i];
    if (d->batch)
      otel__batch_fork_after(d->batch, child);
    if (child) { /* the parent exports what was pending; no thread of the child is exporting */
      for (size_t k = 0; k < d->n_pending; k++)
        otel__span_release(d->pending[k]);
      d->n_pending = 0;
      d->exporting = false;
    }
    pthread_mutex_unlock(&d->lock);
  }
}

void otel__span_exporters_restart(const otel__sdk_t *sdk) {
  for (size_t i = 0; i < n_drivers; i++) {
    driver_t *d = &drivers[i];
    if (!d->batch)
      continue;
    d->left_behind = d->batch; /* stopped, its thread gone: kept, never used */
    d->batch = NULL;
    start(d, sdk);
  }
}
