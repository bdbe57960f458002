/*
 * A log record as processors and exporters see it: what otel_log() or
 * otel_log_event() was given, with the attribute limits applied, and the
 * span it was written under. Every accessor takes the view a processor or
 * exporter was handed and returns what it holds, borrowed for the call it
 * was passed to. Reading a view is thread-safe.
 */
#ifndef OTEL_LOG_DATA_H
#define OTEL_LOG_DATA_H

#include <otel/context.h>
#include <otel/log.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_log_data otel_log_data_t;

/* When it was written, and observed (the same here), Unix epoch, ns. */
OTEL_API uint64_t otel_log_data_time(const otel_log_data_t *d);
OTEL_API uint64_t otel_log_data_observed_time(const otel_log_data_t *d);
OTEL_API otel_severity_t otel_log_data_severity(const otel_log_data_t *d);
OTEL_API const char *otel_log_data_severity_text(const otel_log_data_t *d); /* "INFO" */
/* The message, the record's body. */
OTEL_API const char *otel_log_data_body(const otel_log_data_t *d);
/* The event name (otel_log_event()), or NULL. */
OTEL_API const char *otel_log_data_event_name(const otel_log_data_t *d);
/* The logger's name: the record's instrumentation scope. */
OTEL_API const char *otel_log_data_logger(const otel_log_data_t *d);
OTEL_API const otel_attr_list_t *otel_log_data_attrs(const otel_log_data_t *d);
/* The span it was written under: its trace id (OTEL_TRACE_ID_SIZE bytes)
 * and span id (OTEL_SPAN_ID_SIZE), each NULL outside a span, and its flags. */
OTEL_API const uint8_t *otel_log_data_trace_id(const otel_log_data_t *d);
OTEL_API const uint8_t *otel_log_data_span_id(const otel_log_data_t *d);
OTEL_API uint8_t otel_log_data_trace_flags(const otel_log_data_t *d);
/* The resource the SDK was started with. */
OTEL_API const otel_attr_list_t *otel_log_data_resource(const otel_log_data_t *d);

/* A log record processor's on_emit may still write the record, for the
 * processors and exporters after it (the JSON line on stdout is written
 * already): set an attribute (replacing one of the same key, within the
 * limits), or replace the body. Everything is copied. */
OTEL_API void otel_log_data_set_attr(otel_log_data_t *d, const otel_attr_t *attr);
OTEL_API void otel_log_data_set_body(otel_log_data_t *d, const char *body);

#ifdef __cplusplus
}
#endif

#endif
