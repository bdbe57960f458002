/* The resource every signal carries: service, SDK, host and process identity. */
#ifndef OTEL_RESOURCE_H
#define OTEL_RESOURCE_H

#include "common/arena.h"
#include "common/attrs.h"

typedef struct otel__resource {
  otel__attrs_t attrs;
  otel__arena_t arena;
  char instance_id[37];     /* the service.instance.id made here (a UUID) */
  const char *service_name; /* service.name's value in attrs (every log line carries it), or NULL */
  const char *schema_url;   /* in arena, or NULL */
} otel__resource_t;

/*
 * Builds the resource. Precedence, lowest first: detected values, then
 * OTEL_RESOURCE_ATTRIBUTES (resource_attributes, percent-decoded, malformed
 * entries skipped with a warning), then OTEL_SERVICE_NAME (service_name).
 * default_service is the service.name when neither names one.
 * Free with otel__resource_free().
 */
void otel__resource_init(otel__resource_t *r, const char *default_service, const char *service_name,
                         const char *resource_attributes);
void otel__resource_free(otel__resource_t *r);

/* The configuration file's resource: typed attributes, over those
 * otel__resource_init() set, and a schema URL (NULL: none). Copied. */
void otel__resource_add(otel__resource_t *r, const otel__attrs_t *attrs, const char *schema_url);

/* Adds process.executable.name (copied) unless OTEL_RESOURCE_ATTRIBUTES
 * named one. */
void otel__resource_set_executable(otel__resource_t *r, const char *name);

/* In a child after fork(): the child's process.pid, and a service.instance.id
 * of its own unless OTEL_RESOURCE_ATTRIBUTES named one. Single-threaded. */
void otel__resource_fork_child(otel__resource_t *r);

#endif
