/* Spans as a signal of the export pipeline (exporter.h). */
#ifndef OTEL_TRACE_EXPORTER_H
#define OTEL_TRACE_EXPORTER_H

#include "export/exporter.h"
#include "otlp_codec.h"
#include "trace/span.h"

/* Starts the span pipeline per OTEL_TRACES_EXPORTER; NULL when there is none. */
otel__batch_t *otel__trace_pipeline_start(const otel__sdk_t *sdk);

/* Encodes spans as one OTLP request body: protobuf in w, and for JSON the
 * same request converted into json. Sets *body and *len to the one to send
 * (borrowed from w or json). 0 or -ENOMEM. */
int otel__trace_encode(otel__pbw_t *w, otlp_buf_t *json, const otel__resource_t *resource,
                       otel_span_t *const *spans, size_t n, otel__protocol_t protocol,
                       const void **body, size_t *len);

#endif
