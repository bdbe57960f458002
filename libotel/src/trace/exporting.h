/*
 * The processors that drive a program's span exporters
 * (otel_add_span_exporter(), exporting.c): their batch threads, started
 * with the SDK, and fork(), as common/fork.c does it for the built-in queues.
 */
#ifndef OTEL_EXPORTING_H
#define OTEL_EXPORTING_H

#include <stdbool.h>

#include "common/state.h"

/* Starts the batch threads of the exporters registered with
 * OTEL_PROCESSING_BATCH, with sdk's OTEL_BSP_* settings. */
void otel__span_exporters_start(const otel__sdk_t *sdk);

/* prepare takes each driver's locks; after releases them, and in the child
 * leaves each batch stopped, its queued spans freed (the parent exports
 * them); restart then starts the child's own batches. */
void otel__span_exporters_fork_prepare(void);
void otel__span_exporters_fork_after(bool child);
void otel__span_exporters_restart(const otel__sdk_t *sdk);

#endif
