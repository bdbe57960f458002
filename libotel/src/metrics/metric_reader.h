/* The periodic exporting metric reader: collects every instrument and exports on a timer. */
#ifndef OTEL_METRIC_READER_H
#define OTEL_METRIC_READER_H

#include <stdint.h>

#include "export/failure.h"
#include "common/state.h"

typedef struct otel__reader otel__reader_t;

/* Starts the reader thread for sdk's configuration (borrowed). NULL when no
 * metrics exporter is configured or it could not start (reported). */
otel__reader_t *otel__reader_start(const otel__sdk_t *sdk);

/* Collects and exports now; waits at most timeout_ms. 0 or -ETIMEDOUT. Thread-safe. */
int otel__reader_flush(otel__reader_t *r, uint32_t timeout_ms);

/* Data points exported and failed (by cause) so far. Thread-safe. */
typedef struct otel__reader_stats {
  uint64_t exported, failed_by[OTEL__FAILURES];
  uint64_t inflight; /* points in an export under way */
} otel__reader_stats_t;

otel__reader_stats_t otel__reader_stats(const otel__reader_t *r);

/* A last collection and export, then stops the thread and frees the reader,
 * within timeout_ms. 0 or -ETIMEDOUT. */
int otel__reader_shutdown(otel__reader_t *r, uint32_t timeout_ms);

/* In a child after fork(), where the reader's thread is gone: closes the
 * child's copies of its sockets and leaves r otherwise as it was, never to
 * be used or freed (its thread may have been mid-export). */
void otel__reader_abandon(otel__reader_t *r);

#endif
