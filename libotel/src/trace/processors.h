/*
 * The span processors and the sampler a program registers
 * (<otel/processor.h>, <otel/sampler.h>), and how spans reach them.
 */
#ifndef OTEL_PROCESSORS_H
#define OTEL_PROCESSORS_H

#include <otel/processor.h>
#include <otel/sampler.h>

#include "common/state.h"

/* When the SDK starts: sets sdk->span_hooks for what was registered. */
void otel__span_hooks_start(otel__sdk_t *sdk);

/* otel_force_flush() and otel_shutdown(), for each processor in order,
 * by the monotonic deadline. 0 or the first error. */
int otel__span_processors_flush(uint64_t deadline);
int otel__span_processors_shutdown(uint64_t deadline);

#endif
