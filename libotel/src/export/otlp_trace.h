/* Spans as an OTLP ExportTraceServiceRequest, in protobuf. */
#ifndef OTEL_OTLP_TRACE_H
#define OTEL_OTLP_TRACE_H

#include "export/pbw.h"
#include "common/state.h"
#include "trace/span.h"

/* Encodes the request for n ended spans under resource into w (after a
 * reset), grouped by instrumentation scope in the order scopes first appear.
 * 0, or -ENOMEM. */
int otel__otlp_traces_encode(otel__pbw_t *w, const otel__resource_t *resource,
                             otel_span_t *const *spans, size_t n);

#endif
