/* Log records as the SDK keeps them between otel_log() and their export. */
#ifndef OTEL_LOG_RECORD_H
#define OTEL_LOG_RECORD_H

#include <otel/context.h>
#include <otel/log.h>

#include "export/pbw.h"
#include "common/state.h"

/* A record as it will be exported: the fields of its OTLP LogRecord message,
 * encoded when it was written, and its logger's name, which the message does
 * not carry (records are grouped by it). One allocation. */
typedef struct otel__log_record {
  struct otel__record_slab *slab; /* where its memory came from (logs/record_slab.h) */
  const char *scope;              /* the logger's name, after the bytes */
  size_t len;
  uint8_t bytes[];
} otel__log_record_t;

/* A record of what otel_log() was given (sc NULL outside a span); NULL when
 * memory ran out. */
otel__log_record_t *otel__log_record_new(uint64_t time_unix_ns, otel_severity_t severity,
                                         const char *severity_text, const char *logger,
                                         const char *event_name, const char *message,
                                         const otel_attr_t *attrs, size_t n,
                                         const otel_span_context_t *sc);
void otel__log_record_free(otel__log_record_t *r);

/* The same record written in otel_log()'s pass over its attributes, as it
 * writes the JSON line: begin, then attr for each attribute (NULL keys too),
 * then, unless failed, end. It fails where the record needs what
 * otel__log_record_new() does: a key given twice, a limit that drops or
 * cuts, an array, more than the buffer holds; the caller then calls that. */
#define OTEL__LOG_WRITER_ATTRS 16
typedef struct otel__log_writer {
  bool failed;
  uint8_t *p, *end;
  size_t n;
  const char *keys[OTEL__LOG_WRITER_ATTRS];
  size_t key_len[OTEL__LOG_WRITER_ATTRS];
  uint8_t buf[1024];
} otel__log_writer_t;

/* body[0..body_len) is the message; n the number of attributes to come. */
void otel__log_writer_begin(otel__log_writer_t *w, uint64_t time_unix_ns, otel_severity_t severity,
                            const char *severity_text, const char *body, size_t body_len, size_t n);
/* a, its key klen bytes long (0 for NULL), a string value slen bytes long. */
void otel__log_writer_attr(otel__log_writer_t *w, const otel_attr_t *a, size_t klen, size_t slen);
/* The record, with event_name (NULL: none), NULL when out of memory. */
otel__log_record_t *otel__log_writer_end(otel__log_writer_t *w, uint64_t time_unix_ns,
                                         const char *logger, const char *event_name,
                                         const otel_span_context_t *sc);

/* A record for the OTLP pipeline alone, with no JSON line on stdout: a
 * message the host already wrote somewhere (syslog, under otel-instrument),
 * under the current span. Thread-safe; a no-op while the SDK is off. */
void otel__log_record_emit(otel_severity_t severity, const char *logger, const char *message,
                           const otel_attr_t *attrs, size_t n);

/* Encodes n records as an ExportLogsServiceRequest into w (after a reset),
 * grouped by logger. 0 or -ENOMEM. */
int otel__otlp_logs_encode(otel__pbw_t *w, const otel__resource_t *resource,
                           otel__log_record_t *const *records, size_t n);

/* Starts the log record pipeline per OTEL_LOGS_EXPORTER; NULL when there is none. */
otel__batch_t *otel__logs_pipeline_start(const otel__sdk_t *sdk);

#endif
