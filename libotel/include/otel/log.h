/*
 * Logs: records with a severity, a logger name, a message and fields, written
 * to stdout as one JSON object per line carrying the current trace context,
 * and exported as OTLP log records as OTEL_LOGS_EXPORTER says:
 *   {"asctime":..., "levelname":..., "name":..., "message":...,
 *    "otelTraceID":..., "otelSpanID":..., "otelTraceSampled":...,
 *    "otelServiceName":..., <fields>}
 */
#ifndef OTEL_LOG_H
#define OTEL_LOG_H

#include <otel/otel.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Severities, numbered as OTLP's SeverityNumber. */
typedef enum otel_severity {
  OTEL_SEVERITY_DEBUG = 5,
  OTEL_SEVERITY_INFO = 9,
  OTEL_SEVERITY_WARN = 13,
  OTEL_SEVERITY_ERROR = 17,
  OTEL_SEVERITY_FATAL = 21,
} otel_severity_t;

/*
 * Emits one record under the current span of this thread. logger names the
 * component ("articles.http"); attrs become the record's own fields. Works
 * before otel_init and when the SDK is disabled (then without trace ids).
 * Between otel_init and otel_shutdown the line is queued for a writer
 * thread, not written by the caller, which waits only if stdout falls a
 * whole 256 KiB buffer behind. No line is dropped.
 * Every argument is borrowed. Thread-safe; lines never interleave.
 */
OTEL_API void otel_log(otel_severity_t severity, const char *logger, const char *message,
                       const otel_attr_t *attrs, size_t n);

/*
 * As otel_log(), for an event: event_name ("article.created") names the
 * class of event, which the attributes describe. The OTLP record carries it
 * as its event name; the JSON line is the same as otel_log()'s. NULL or ""
 * is no event name. Borrowed. Thread-safe.
 */
OTEL_API void otel_log_event(otel_severity_t severity, const char *logger, const char *event_name,
                             const char *message, const otel_attr_t *attrs, size_t n);

/*
 * Whether a record of severity from logger would be written at all: false
 * below the minimum severity the configuration file sets
 * (logger_provider.logger_configurator/development), where otel_log()
 * writes neither the JSON line nor the OTLP record. Lets a caller skip
 * building a costly record. A load and a compare. Thread-safe.
 */
OTEL_API bool otel_log_enabled(otel_severity_t severity, const char *logger);

#ifdef __cplusplus
}
#endif

#endif
