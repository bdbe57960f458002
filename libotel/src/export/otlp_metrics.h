/* The SDK's instruments as an OTLP ExportMetricsServiceRequest, in protobuf. */
#ifndef OTEL_OTLP_METRICS_H
#define OTEL_OTLP_METRICS_H

#include "export/pbw.h"
#include "common/state.h"

/* Encodes every instrument's points as of now, cumulative or delta as
 * configured, into w (after a reset); *points gets how many data points it
 * holds. 0, or -ENOMEM. */
int otel__otlp_metrics_encode(otel__pbw_t *w, const otel__resource_t *resource, size_t *points);

#endif
