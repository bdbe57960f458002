/*
 * What the collector's filter/noise processor (config/otel-config.yaml)
 * drops, dropped here too, so that `make run` shows what a backend would
 * get: SERVER spans of the health checks (http.route /api/health or
 * /health), and spans named BEGIN, COMMIT or ROLLBACK.
 */
#ifndef RX_FILTER_H
#define RX_FILTER_H

#include <stddef.h>

#include "otlp/trace_service.pb-c.h"

/* Removes (and frees) those spans from req, a message unpacked by
 * protobuf-c, and the scopes and resources they leave empty, as the
 * collector does; returns how many spans. */
size_t rx_filter_noise(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *req);

#endif
