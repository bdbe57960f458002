/* Log records as the SDK keeps them between otel_log() and their export. */
#ifndef OTEL_LOG_RECORD_H
#define OTEL_LOG_RECORD_H

#include <otel/context.h>
#include <otel/log.h>

#include "arena.h"
#include "attrs.h"
#include "pbw.h"
#include "sdk.h"

typedef struct otel__log_record {
  uint64_t time_unix_ns;
  otel_severity_t severity;
  const char *severity_text;
  const char *scope; /* the logger's name */
  const char *body;
  otel__attrs_t attrs;
  uint8_t trace_id[OTEL_TRACE_ID_SIZE];
  uint8_t span_id[OTEL_SPAN_ID_SIZE];
  uint8_t flags;
  bool has_trace;
  otel__arena_t arena;
} otel__log_record_t;

/* A record with copies of everything; NULL when memory ran out. */
otel__log_record_t *otel__log_record_new(uint64_t time_unix_ns, otel_severity_t severity,
                                         const char *severity_text, const char *logger,
                                         const char *message, const otel_attr_t *attrs, size_t n,
                                         const otel_span_context_t *sc);
void otel__log_record_free(otel__log_record_t *r);

/* Encodes n records as an ExportLogsServiceRequest into w (after a reset),
 * grouped by logger. 0 or -ENOMEM. */
int otel__otlp_logs_encode(otel__pbw_t *w, const otel__resource_t *resource,
                           otel__log_record_t *const *records, size_t n);

/* Starts the log record pipeline per OTEL_LOGS_EXPORTER; NULL when there is none. */
otel__batch_t *otel__logs_pipeline_start(const otel__sdk_t *sdk);

#endif
