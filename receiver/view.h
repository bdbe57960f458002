/*
 * The receiver's live view of traces: a line per span as it arrives, and
 * once a trace is complete (its root has arrived and nothing more for a
 * second) a waterfall: the span tree with services, kinds, durations and a
 * bar for each span on the trace's time line. Not thread-safe: one caller
 * at a time.
 */
#ifndef RX_VIEW_H
#define RX_VIEW_H

#include <stdint.h>
#include <stdio.h>

#include "otlp/trace_service.pb-c.h"

typedef struct rx_view rx_view_t;

/* Writes to out (borrowed). NULL when out of memory. */
rx_view_t *rx_view_new(FILE *out);
void rx_view_free(rx_view_t *v);

/* Prints a line per span of req and keeps them for their trace's waterfall. */
void rx_view_spans(rx_view_t *v,
                   const Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *req,
                   uint64_t now_ms);

/* Prints the waterfall of every trace complete at now_ms (all of them when
 * flush is set) and forgets them. */
void rx_view_tick(rx_view_t *v, uint64_t now_ms, int flush);

/* s as a terminal may be shown it: control characters (an escape sequence,
 * a newline) written as \xNN. Cut to size bytes with the NUL; returns out. */
const char *rx_printable(const char *s, char *out, size_t size);

#endif
