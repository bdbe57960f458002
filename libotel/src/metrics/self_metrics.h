/* The SDK's own metrics: spans, log records and data points exported, dropped and failed. */
#ifndef OTEL_SELF_METRICS_H
#define OTEL_SELF_METRICS_H

#include "common/state.h"

/* Registers the observable counters; otel__sdk is read at each collection. */
void otel__self_metrics_register(void);

#endif
