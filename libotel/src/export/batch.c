/*
 * Batch processor.
 *
 * Protocol. Producers (request threads ending spans) and one export thread
 * share a ring buffer of item pointers of fixed capacity
 * (OTEL_BSP_MAX_QUEUE_SIZE), guarded by one mutex held only to move pointers:
 * nothing is allocated, encoded or sent under it.
 *
 *  - push: append if there is room, else count a drop and return -EAGAIN so
 *    the producer frees the item. A producer signals the export thread only
 *    when the queue reaches a full batch while the thread sleeps, so most
 *    pushes make no syscall.
 *  - the export thread sleeps until a full batch is waiting, a flush is
 *    requested, shutdown begins, or the schedule delay since its last export
 *    passes. It then takes up to one batch, unlocks, exports it with the
 *    export timeout as deadline, frees the items and repeats while a full
 *    batch (or a requested flush) remains.
 *  - flush: a producer bumps flush_requested and waits (with a timeout) until
 *    flush_done catches up; the thread sets flush_done to the request it saw
 *    once the queue it saw is exported.
 *  - shutdown: sets stopping and the interrupt's hard deadline, so a transfer
 *    or backoff in progress ends by then; the thread drains the queue with
 *    that deadline, counts what it could not send as failed, and exits; then
 *    it is joined. A hung receiver therefore delays shutdown by at most the
 *    timeout given, plus libcurl's progress interval (about a second).
 *
 * Drops are reported in one warning per schedule delay (a second at least),
 * not per item, and once more at shutdown.
 *
 * fork() (common/fork.c): the queue's lock is held across it. In the child
 * the thread is gone; what was queued is the parent's to export, so the
 * child frees it, and the batch is left stopped: the child starts its own.
 */
#include "export/batch.h"

#include "common/state.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/diag.h"

struct otel__batch {
  otel__batch_config_t cfg;
  const otel__batch_ops_t *ops;
  void *ud;
  otel__interrupt_t *intr;
  pthread_t thread;

  pthread_mutex_t lock;
  pthread_cond_t wake; /* the export thread waits on it */
  pthread_cond_t done; /* flushers wait on it */
  void **ring;
  void **items;         /* the batch being exported: the export thread's */
  uint32_t head, count; /* under lock */
  uint64_t flush_requested, flush_done;
  bool stopping;
  bool stopped;  /* producers see it and stop queueing */
  bool sleeping; /* the export thread waits on `wake`: only then is a signal needed */

  atomic_uint_fast64_t queued, exported, dropped, failed;
  atomic_uint_fast32_t inflight;
  atomic_uint_fast64_t failed_by[OTEL__FAILURES];
  uint64_t dropped_reported; /* export thread only */
  uint64_t reported_at;      /* export thread only: monotonic ns of the last report */
};

/* Moves up to one batch out of the ring into out; returns how many. */
static size_t take_locked(otel__batch_t *b, void **out) {
  size_t n = b->count < b->cfg.max_export_batch_size ? b->count : b->cfg.max_export_batch_size;
  for (size_t i = 0; i < n; i++) {
    out[i] = b->ring[b->head];
    b->head = (b->head + 1) % b->cfg.max_queue_size;
  }
  b->count -= (uint32_t)n;
  return n;
}

_Atomic(otel__export_hook_t) otel__export_hook;

void otel__export_told(const char *what, size_t n, int rc, uint64_t duration_ns) {
  otel__export_hook_t hook = atomic_load_explicit(&otel__export_hook, memory_order_acquire);
  if (hook)
    hook(what, n, rc, duration_ns);
}

static void export_batch(otel__batch_t *b, void **items, size_t n, uint64_t deadline) {
  atomic_store(&b->inflight, n);
  uint64_t t0 = otel__now_mono_ns();
  int rc = b->ops->export_items(b->ud, items, n, deadline);
  otel__export_told(b->ops->what, n, rc, otel__now_mono_ns() - t0);
  atomic_fetch_add(rc == 0 ? &b->exported : &b->failed, n);
  atomic_store(&b->inflight, 0);
  if (rc)
    atomic_fetch_add(&b->failed_by[otel__failure_of(rc)], n);
  for (size_t i = 0; i < n; i++)
    b->ops->free_item(items[i]);
}

/* At most once per schedule delay (and at least a second apart), or when forced. */
static void report_drops(otel__batch_t *b, bool force) {
  uint64_t dropped = atomic_load(&b->dropped);
  uint64_t now = otel__now_mono_ns();
  uint64_t interval = (uint64_t)b->cfg.schedule_delay_ms * 1000000u;
  if (interval < 1000000000u)
    interval = 1000000000u;
  if (!force && b->reported_at && now - b->reported_at < interval)
    return;
  if (dropped != b->dropped_reported) {
    otel__warn("queue full: %llu %s dropped (%llu in all); raise the queue size or check the "
               "exporter",
               (unsigned long long)(dropped - b->dropped_reported), b->ops->what,
               (unsigned long long)dropped);
    b->dropped_reported = dropped;
    b->reported_at = now;
  }
}

static void *export_thread(void *arg) {
  otel__batch_t *b = arg;
  otel__sdk_thread = true;
  void **items = b->items;
  pthread_mutex_lock(&b->lock);
  for (;;) {
    /* A delay of 0 exports each item as it comes: no timer, a wake-up per push. */
    uint64_t next =
        b->cfg.schedule_delay_ms ? otel__deadline_after_ms(b->cfg.schedule_delay_ms) : UINT64_MAX;
    while (!b->stopping && b->count < b->cfg.max_export_batch_size &&
           !(b->count && !b->cfg.schedule_delay_ms) && b->flush_requested == b->flush_done) {
      b->sleeping = true;
      int rc = otel__cond_wait_until(&b->wake, &b->lock, next);
      b->sleeping = false;
      if (rc == -ETIMEDOUT)
        break;
    }
    bool stopping = b->stopping;
    uint64_t flush = b->flush_requested;
    /* Export the queue as it stands: whole batches always, the remainder on
     * the timer, a flush or shutdown. */
    while (b->count && items) {
      size_t n = take_locked(b, items);
      pthread_mutex_unlock(&b->lock);
      uint64_t deadline = otel__deadline_after_ms(b->cfg.export_timeout_ms);
      if (stopping) {
        uint64_t hard = otel__interrupt_deadline(b->intr);
        deadline = hard < deadline ? hard : deadline;
      }
      export_batch(b, items, n, deadline);
      report_drops(b, false); /* a queue that never empties still gets its reports */
      pthread_mutex_lock(&b->lock);
      if (!stopping && b->count < b->cfg.max_export_batch_size && flush == b->flush_done)
        break;
    }
    if (!items) { /* no memory for a batch: drop rather than grow */
      while (b->count) {
        b->ops->free_item(b->ring[b->head]);
        b->head = (b->head + 1) % b->cfg.max_queue_size;
        b->count--;
        atomic_fetch_add(&b->failed, 1);
        atomic_fetch_add(&b->failed_by[OTEL__FAILURE_OTHER], 1);
      }
    }
    if (flush != b->flush_done && b->count == 0) {
      b->flush_done = flush;
      pthread_cond_broadcast(&b->done);
    }
    pthread_mutex_unlock(&b->lock);
    report_drops(b, stopping);
    pthread_mutex_lock(&b->lock);
    if (stopping && b->count == 0)
      break;
  }
  b->stopped = true;
  pthread_cond_broadcast(&b->done);
  pthread_mutex_unlock(&b->lock);
  return NULL;
}

otel__batch_t *otel__batch_new(const otel__batch_config_t *cfg, const otel__batch_ops_t *ops,
                               void *ud, otel__interrupt_t *intr) {
  otel__batch_t *b = calloc(1, sizeof(*b));
  if (!b)
    goto fail_ud;
  b->cfg = *cfg;
  b->ops = ops;
  b->ud = ud;
  b->intr = intr;
  b->ring = calloc(cfg->max_queue_size, sizeof(*b->ring));
  if (!b->ring)
    goto fail_batch;
  /* (Without it the thread drops rather than exports; see export_thread.) */
  b->items = malloc(cfg->max_export_batch_size * sizeof(*b->items));
  if (pthread_mutex_init(&b->lock, NULL))
    goto fail_ring;
  if (otel__cond_init_monotonic(&b->wake))
    goto fail_lock;
  if (otel__cond_init_monotonic(&b->done))
    goto fail_wake;

  /* The thread takes no signals: they belong to the host's threads. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&b->thread, NULL, export_thread, b);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc) {
    otel__error("cannot start the %s export thread: %s", ops->what, strerror(rc));
    goto fail_done;
  }
  return b;

fail_done:
  pthread_cond_destroy(&b->done);
fail_wake:
  pthread_cond_destroy(&b->wake);
fail_lock:
  pthread_mutex_destroy(&b->lock);
fail_ring:
  free(b->items);
  free(b->ring);
fail_batch:
  free(b);
fail_ud:
  ops->destroy(ud);
  return NULL;
}

int otel__batch_push(otel__batch_t *b, void *item) {
  pthread_mutex_lock(&b->lock);
  if (b->stopping) {
    pthread_mutex_unlock(&b->lock);
    return -ESHUTDOWN;
  }
  if (b->count == b->cfg.max_queue_size) {
    pthread_mutex_unlock(&b->lock);
    atomic_fetch_add_explicit(&b->dropped, 1, memory_order_relaxed);
    return -EAGAIN;
  }
  b->ring[(b->head + b->count) % b->cfg.max_queue_size] = item;
  b->count++;
  bool wake =
      b->sleeping && (b->count == b->cfg.max_export_batch_size || !b->cfg.schedule_delay_ms);
  pthread_mutex_unlock(&b->lock);
  atomic_fetch_add_explicit(&b->queued, 1, memory_order_relaxed);
  if (wake)
    pthread_cond_signal(&b->wake);
  return 0;
}

int otel__batch_flush(otel__batch_t *b, uint32_t timeout_ms) {
  uint64_t deadline = otel__deadline_after_ms(timeout_ms);
  pthread_mutex_lock(&b->lock);
  uint64_t ticket = ++b->flush_requested;
  pthread_cond_signal(&b->wake);
  int rc = 0;
  while (b->flush_done < ticket && !b->stopped && rc != -ETIMEDOUT)
    rc = otel__cond_wait_until(&b->done, &b->lock, deadline);
  bool ok = b->flush_done >= ticket;
  pthread_mutex_unlock(&b->lock);
  return ok ? 0 : -ETIMEDOUT;
}

int otel__batch_shutdown(otel__batch_t *b, uint32_t timeout_ms) {
  uint64_t deadline = otel__deadline_after_ms(timeout_ms);
  otel__interrupt_stop(b->intr, deadline);
  pthread_mutex_lock(&b->lock);
  b->stopping = true;
  pthread_cond_signal(&b->wake);
  pthread_mutex_unlock(&b->lock);
  pthread_join(b->thread, NULL);

  /* The struct itself stays: a thread that saw the SDK enabled just before
   * shutdown may still push, and must find `stopping` rather than freed memory. */
  pthread_mutex_lock(&b->lock);
  free(b->ring);
  b->ring = NULL;
  free(b->items);
  b->items = NULL;
  pthread_mutex_unlock(&b->lock);
  b->ops->destroy(b->ud);
  b->ud = NULL;
  return otel__now_mono_ns() >= deadline ? -ETIMEDOUT : 0;
}

otel__batch_stats_t otel__batch_stats(otel__batch_t *b) {
  otel__batch_stats_t s = {atomic_load(&b->queued),
                           atomic_load(&b->exported),
                           atomic_load(&b->dropped),
                           atomic_load(&b->failed),
                           0,
                           b->cfg.max_queue_size,
                           (uint32_t)atomic_load(&b->inflight),
                           {0}};
  pthread_mutex_lock(&b->lock);
  s.size = b->count;
  pthread_mutex_unlock(&b->lock);
  for (int i = 0; i < OTEL__FAILURES; i++)
    s.failed_by[i] = atomic_load(&b->failed_by[i]);
  return s;
}

void otel__batch_fork_prepare(otel__batch_t *b) { pthread_mutex_lock(&b->lock); }

void otel__batch_fork_after(otel__batch_t *b, bool child) {
  if (child) {
    while (b->count) {
      b->ops->free_item(b->ring[b->head]);
      b->head = (b->head + 1) % b->cfg.max_queue_size;
      b->count--;
    }
    b->stopping = b->stopped = true;
    /* The batch in flight, if any, stays in b->items, untouched. */
    if (b->ops->abandon)
      b->ops->abandon(b->ud);
  }
  pthread_mutex_unlock(&b->lock);
}
