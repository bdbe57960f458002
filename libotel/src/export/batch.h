/*
 * Batch processor: a bounded queue between the threads that record telemetry
 * and one background thread that exports it. Generic over the item (spans
 * now, log records later); see batch.c for the protocol.
 */
#ifndef OTEL_BATCH_H
#define OTEL_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "common/config.h"
#include "export/failure.h"
#include "export/interrupt.h"

typedef struct otel__batch otel__batch_t;

typedef struct otel__batch_ops {
  const char *what; /* "spans", for messages */
  /* Exports n items by the monotonic deadline; returns 0 or a negative errno.
   * Runs on the export thread only. Does not free the items. */
  int (*export_items)(void *ud, void *const *items, size_t n, uint64_t deadline);
  void (*free_item)(void *item);
  /* Releases ud once the thread has stopped. */
  void (*destroy)(void *ud);
  /* In a child after fork(), where the thread is gone mid-way perhaps:
   * lets go of what the child must not keep (its copies of the exporter's
   * sockets) without using ud otherwise. */
  void (*abandon)(void *ud);
} otel__batch_ops_t;

/* Told after each export, on the exporting thread: what was exported (a
 * batch's ops->what, the metric reader's "metric data points"; "collection"
 * for the reader's collecting), how many, the result (0 or a negative errno)
 * and how long it took. The SDK's own metrics set it (self_metrics.c);
 * NULL tells nothing. */
typedef void (*otel__export_hook_t)(const char *what, size_t n, int rc, uint64_t duration_ns);
extern _Atomic(otel__export_hook_t) otel__export_hook;

/* Calls the hook, if one is set. */
void otel__export_told(const char *what, size_t n, int rc, uint64_t duration_ns);

typedef struct otel__batch_stats {
  uint64_t queued, exported, dropped, failed;
  uint32_t size, capacity;            /* items in the queue now, and how many it holds */
  uint32_t inflight;                  /* items in an export under way */
  uint64_t failed_by[OTEL__FAILURES]; /* failed, by cause */
} otel__batch_stats_t;

/* Starts the export thread. ops is borrowed (static); ud is taken, and
 * destroyed by otel__batch_shutdown (or here, on failure). The interrupt is
 * the one the exporter was built with. NULL on failure. */
otel__batch_t *otel__batch_new(const otel__batch_config_t *cfg, const otel__batch_ops_t *ops,
                               void *ud, otel__interrupt_t *intr);

/* Queues an item without waiting. Returns 0 (the batch owns it now), or
 * -EAGAIN when the queue is full or -ESHUTDOWN after shutdown: the caller
 * still owns it. A full queue counts a drop. Thread-safe. */
int otel__batch_push(otel__batch_t *b, void *item);

/* Exports everything queued before the call; waits at most timeout_ms.
 * Returns 0 or -ETIMEDOUT. Thread-safe. */
int otel__batch_flush(otel__batch_t *b, uint32_t timeout_ms);

/* Exports what is queued, stops the thread and frees the queue and ud, within
 * timeout_ms even when the receiver hangs; later pushes get -ESHUTDOWN. Returns 0 or -ETIMEDOUT
 * (items that did not make it are counted as failed). Not for concurrent calls. */
int otel__batch_shutdown(otel__batch_t *b, uint32_t timeout_ms);

otel__batch_stats_t otel__batch_stats(otel__batch_t *b);

/* fork() (common/fork.c): prepare takes the queue's lock; after releases it,
 * and in the child first frees what was queued (the parent exports it),
 * abandons the exporter and leaves the batch stopped: later pushes get
 * -ESHUTDOWN, and the child starts a pipeline of its own. */
void otel__batch_fork_prepare(otel__batch_t *b);
void otel__batch_fork_after(otel__batch_t *b, bool child);

#endif
