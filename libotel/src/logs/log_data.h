/*
 * Log records as a program's processors and exporters see them
 * (<otel/log_data.h>): a view made on the writing thread, in an arena on
 * its stack, and a copy of it on the heap for the exporters that keep a
 * record past the call (reference-counted, like a span in several queues).
 * Made only when the program registered a processor or exporter for logs.
 */
#ifndef OTEL_LOG_DATA_INTERNAL_H
#define OTEL_LOG_DATA_INTERNAL_H

#include <otel/log_data.h>
#include <stdatomic.h>

#include "common/arena.h"
#include "common/attrs.h"

/* What one otel_log() call writes, as a record. */
typedef struct otel__log_entry {
  uint64_t time_unix_ns;
  otel_severity_t severity;
  const char *severity_text, *logger, *event_name, *message;
  const otel_attr_t *attrs;
  size_t n;
  const otel_span_context_t *sc; /* NULL outside a span */
} otel__log_entry_t;

struct otel_log_data {
  uint64_t time_unix_ns;
  otel_severity_t severity;
  const char *severity_text, *body, *event_name, *logger;
  bool in_span;
  uint8_t trace_id[OTEL_TRACE_ID_SIZE], span_id[OTEL_SPAN_ID_SIZE], flags;
  otel__attrs_t attrs;
  otel__arena_t arena;
  struct otel_log_data *copy; /* a view's copy, once an exporter needed one */
  _Atomic uint32_t refs;      /* a copy's holders beside the first */
};

/* The view of e, in an arena starting on block[0..size) (the caller's
 * stack); strings not copied but for what processors write. Finish it with
 * otel__log_data_finish(). */
void otel__log_data_init(otel_log_data_t *d, const otel__log_entry_t *e, void *block, size_t size);
void otel__log_data_finish(otel_log_data_t *d);

/* The view's copy on the heap, made once, for an exporter to hold; NULL
 * when out of memory. Owned by the view (which releases it when finished). */
otel_log_data_t *otel__log_data_copy(otel_log_data_t *d);

/* A copy's references: each holder but the first takes one. Thread-safe. */
void otel__log_data_hold(otel_log_data_t *copy);
void otel__log_data_release(otel_log_data_t *copy);

#endif
