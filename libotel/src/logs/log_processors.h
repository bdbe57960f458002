/*
 * The log record processors and exporters a program registers
 * (<otel/processor.h>), and how records reach them.
 */
#ifndef OTEL_LOG_PROCESSORS_H
#define OTEL_LOG_PROCESSORS_H

#include <stdint.h>

#include "common/state.h"

/* When the SDK starts: sets sdk->log_hooks for what was registered. */
void otel__log_hooks_start(otel__sdk_t *sdk);

/* otel_force_flush() and otel_shutdown(), for each processor in order, by
 * the monotonic deadline. 0 or the first error. */
int otel__log_processors_flush(uint64_t deadline);
int otel__log_processors_shutdown(uint64_t deadline);

#endif
