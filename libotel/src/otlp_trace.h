/* Spans as an OTLP ExportTraceServiceRequest. */
#ifndef OTEL_OTLP_TRACE_H
#define OTEL_OTLP_TRACE_H

#include "otlp/trace_service.pb-c.h"
#include "sdk.h"
#include "span.h"

typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest otel__pb_traces_t;
typedef Opentelemetry__Proto__Trace__V1__Span otel__pb_span_t;

/* The request for n ended spans under resource, grouped by instrumentation
 * scope. All of it lives in arena and borrows from the spans and resource,
 * which must outlive it. NULL when memory ran out. */
otel__pb_traces_t *otel__otlp_traces_build(otel__arena_t *arena, const otel__resource_t *resource,
                                           otel_span_t *const *spans, size_t n);

/* One span as its OTLP message (for the console exporter). NULL when memory ran out. */
otel__pb_span_t *otel__otlp_span_build(otel__arena_t *arena, const otel_span_t *span);

#endif
