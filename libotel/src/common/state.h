/*
 * The SDK's process-wide state: configuration, resource, sampler and the
 * pipelines. Written once by otel_init() (sdk.c) before other threads use
 * the SDK; `enabled` is the only field that changes afterwards. Every module
 * that needs the state reads it here; this module depends on none of them,
 * so dependencies point one way: sdk.c starts the pipelines, and they read
 * the state, not sdk.c.
 */
#ifndef OTEL_STATE_H
#define OTEL_STATE_H

#include <otel/sampler.h>
#include <stdatomic.h>

#include "common/attrs.h"
#include "common/config.h"
#include "common/resource.h"
#include "trace/sampler.h"

typedef struct otel__batch otel__batch_t;
typedef struct otel__reader otel__reader_t;

/* What the program plugged into tracing, read on every span start and
 * end: NULL, spans take the built-in path. trace/processors.c sets them
 * when the SDK starts. */
typedef struct otel__span_hooks {
  /* A span that records has started under parent (NULL: this thread's
   * current context, which otel__parent_context() makes a value of). */
  void (*start)(otel_span_t *span, const otel_context_t *parent);
  /* A span that recorded has ended; takes the span. */
  void (*end)(otel_span_t *span);
  /* The program's sampler decides; *r was zeroed. */
  void (*sample)(const otel_sampling_params_t *params, otel_sampling_result_t *r);
  bool any; /* start or sample is set: spans take the hooked path */
} otel__span_hooks_t;

/* The same for log records (logs/log_processors.c). */
struct otel__log_entry;
typedef struct otel__log_hooks {
  /* A record was written: the processors, the exporters and the built-in
   * pipeline in turn. */
  void (*emit)(const struct otel__log_entry *e);
} otel__log_hooks_t;

typedef struct otel__sdk {
  atomic_bool enabled;
  bool sealed;     /* otel_init() was called: processors and samplers can no longer be registered */
  bool threadless; /* a test's SDK (<otel/testing.h>): the metric reader has no thread */
  otel__span_hooks_t span_hooks;
  otel__log_hooks_t log_hooks;
  char service_name[256];
  otel__config_t config;
  otel__resource_t resource;
  otel__sampler_t sampler;
  otel__batch_t *spans;    /* NULL when no trace exporter is configured */
  otel__reader_t *metrics; /* NULL when no metrics exporter is configured */
  otel__batch_t *logs;     /* NULL when no logs exporter is configured */
} otel__sdk_t;

extern otel__sdk_t otel__sdk;

/* Set on the threads the SDK starts to export (batch.c, metric_reader.c):
 * what they do is the SDK's own work, which instrumentation leaves alone. */
extern _Thread_local bool otel__sdk_thread;

/* service.name, also while the SDK is off (logs still carry it). Borrowed. */
const char *otel__sdk_service_name(void);

static inline bool otel__sdk_enabled(void) {
  return atomic_load_explicit(&otel__sdk.enabled, memory_order_acquire);
}

#endif
