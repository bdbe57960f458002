/*
 * The SDK's process-wide state: configuration, resource, sampler and the
 * span pipeline. Written once by otel_init() before other threads use the
 * SDK; `enabled` is the only field that changes afterwards.
 */
#ifndef OTEL_SDK_H
#define OTEL_SDK_H

#include <stdatomic.h>

#include "attrs.h"
#include "config.h"
#include "sampler.h"

typedef struct otel__batch otel__batch_t;
typedef struct otel__reader otel__reader_t;

typedef struct otel__resource {
  otel__attrs_t attrs;
  otel__arena_t arena;
} otel__resource_t;

typedef struct otel__sdk {
  atomic_bool enabled;
  char service_name[256];
  otel__config_t config;
  otel__resource_t resource;
  otel__sampler_t sampler;
  otel__batch_t *spans;    /* NULL when no trace exporter is configured */
  otel__reader_t *metrics; /* NULL when no metrics exporter is configured */
  otel__batch_t *logs;     /* NULL when no logs exporter is configured */
} otel__sdk_t;

extern otel__sdk_t otel__sdk;

/* service.name, also while the SDK is off (logs still carry it). Borrowed. */
const char *otel__sdk_service_name(void);

static inline bool otel__sdk_enabled(void) {
  return atomic_load_explicit(&otel__sdk.enabled, memory_order_acquire);
}

#endif
