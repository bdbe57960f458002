/*
 * A signal's way out, the same for spans and log records: a batch processor
 * thread hands batches to an encoder, and the encoded request goes over
 * OTLP (HTTP or gRPC) and/or to stdout as JSON lines (console), as the
 * signal's OTEL_*_EXPORTER and protocol say.
 */
#ifndef OTEL_EXPORTER_H
#define OTEL_EXPORTER_H

#include <protobuf-c/protobuf-c.h>

#include "export/batch.h"
#include "otlp_codec.h"
#include "export/pbw.h"
#include "common/state.h"

typedef struct otel__signal {
  const char *what;                          /* "spans", "log records": for messages */
  const ProtobufCMessageDescriptor *request; /* the signal's Export...ServiceRequest */
  /* Encodes n items as one request into w (after a reset): 0 or -ENOMEM. */
  int (*encode)(otel__pbw_t *w, const otel__resource_t *resource, void *const *items, size_t n);
  /* Appends one JSON line per item of a decoded request, for the console. */
  void (*console_lines)(const ProtobufCMessage *request, otlp_buf_t *out);
  void (*free_item)(void *item);
} otel__signal_t;

/* Starts the pipeline for exporter kinds (OTEL__EXPORT_* bits) with otlp and
 * batch settings. sdk, sig, otlp and batch are borrowed and must outlive it.
 * NULL when kinds is empty or something could not be created (reported). */
otel__batch_t *otel__export_pipeline_start(const otel__sdk_t *sdk, const otel__signal_t *sig,
                                           int kinds, const otel__otlp_config_t *otlp,
                                           const otel__batch_config_t *batch);

#endif
