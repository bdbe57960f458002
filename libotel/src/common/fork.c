/*
 * fork() after otel_init(): a pre-fork server's children go on exporting,
 * and the parent is unaffected.
 *
 * Protocol. otel_init() registers three pthread_atfork handlers, once.
 *
 *  - prepare, on the forking thread just before the fork, takes every lock
 *    of the SDK that another thread may hold, in the order in which the code
 *    nests them: the metrics registry, then each instrument (the reader
 *    holds them while it collects, and an observable callback may log from
 *    there), then stdout's two locks, each export queue's, the tracers' and
 *    last the span pool's (a queue's items go back to it). So every
 *    structure the child inherits is whole. No transfer is waited for: the
 *    export threads and the reader hold none of these locks while they send.
 *  - parent releases them, in reverse order; nothing else changes.
 *  - child: only the forking thread goes on, and the SDK's threads are not
 *    there. Ids are reseeded first. Then each module puts its state right
 *    and releases its lock: the span pool takes back the caches of the
 *    threads that are gone; each queue frees the items it held, which the
 *    parent exports, so that none is sent twice; stdout drops the parent's
 *    queued lines and starts a writer of its own; metric points start again
 *    from zero, for the child is a process of its own. The parent's
 *    pipelines are abandoned: their threads may have stopped in the middle
 *    of a transfer, so their libcurl handles are never used or cleaned up
 *    here (a TLS close would write into the parent's connection). Only the
 *    child's copies of their sockets are closed. They stay on a list, so
 *    that their memory is still reachable. The resource takes the child's
 *    process.pid and a service.instance.id of its own, and new pipelines
 *    start from the same configuration.
 *
 * Not covered: a fork while another thread is in otel_init() or
 * otel_shutdown(). A span started before the fork is in both processes, and
 * is exported by each that ends it.
 */
#include "common/fork.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "common/ids.h"
#include "common/state.h"
#include "export/batch.h"
#include "export/trace_exporter.h"
#include "logs/log_record.h"
#include "logs/stdout_writer.h"
#include "metrics/metric_reader.h"
#include "metrics/metrics.h"
#include "export/driver.h"
#include "trace/span.h"
#include "trace/span_pool.h"

/* The pipelines of the processes this one was forked from. */
typedef struct left_behind {
  otel__batch_t *spans, *logs;
  otel__reader_t *metrics;
  struct left_behind *older;
} left_behind_t;

static left_behind_t *left;
/* prepare found the SDK on, and took its queues' locks. */
static bool pipelines;

static void each_queue(void (*fn)(otel__batch_t *b, bool child), bool child) {
  if (otel__sdk.logs)
    fn(otel__sdk.logs, child);
  if (otel__sdk.spans)
    fn(otel__sdk.spans, child);
}

static void prepare(void) {
  otel__metrics_fork_prepare();
  otel__stdout_fork_prepare();
  pipelines = otel__sdk_enabled();
  if (pipelines) {
    if (otel__sdk.spans)
      otel__batch_fork_prepare(otel__sdk.spans);
    if (otel__sdk.logs)
      otel__batch_fork_prepare(otel__sdk.logs);
    otel__drivers_fork_prepare();
  }
  otel__tracers_fork_prepare();
  otel__span_pool_fork_prepare();
}

static void in_parent(void) {
  otel__span_pool_fork_after(false);
  otel__tracers_fork_after();
  if (pipelines) {
    otel__drivers_fork_after(false);
    each_queue(otel__batch_fork_after, false);
  }
  otel__stdout_fork_after(false);
  otel__metrics_fork_after(false);
}

/* The child's own pipelines, as otel_init() started the parent's. */
static void restart_pipelines(void) {
  otel__sdk_t *s = &otel__sdk;
  if (s->metrics)
    otel__reader_abandon(s->metrics);
  left_behind_t *l = malloc(sizeof(*l));
  if (l) {
    *l = (left_behind_t){s->spans, s->logs, s->metrics, left};
    left = l;
  }
  otel__resource_fork_child(&s->resource);
  if (s->spans)
    s->spans = otel__trace_pipeline_start(s);
  otel__drivers_restart(s);
  if (s->logs)
    s->logs = otel__logs_pipeline_start(s);
  if (s->metrics)
    s->metrics = otel__reader_start(s);
}

static void in_child(void) {
  otel__ids_reseed();
  otel__span_pool_fork_after(true);
  otel__tracers_fork_after();
  if (pipelines) {
    otel__drivers_fork_after(true);
    each_queue(otel__batch_fork_after, true);
  }
  otel__stdout_fork_after(true);
  otel__metrics_fork_after(true);
  if (pipelines) {
    /* The SDK's own work, though on the program's thread: an instrumented
     * libcurl (otel-instrument) passes it through, and records nothing
     * here, where other fork handlers may not have run yet. */
    otel__sdk_thread = true;
    restart_pipelines();
    otel__sdk_thread = false;
  }
}

static void register_handlers(void) { pthread_atfork(prepare, in_parent, in_child); }

void otel__fork_register(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, register_handlers);
}
