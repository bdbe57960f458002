/*
 * The instrumentation scopes of meters and loggers, described by name
 * (otel_scope_describe(), <otel/otel.h>): what the metric and log encoders
 * export beside a scope's name.
 */
#ifndef OTEL_SCOPES_H
#define OTEL_SCOPES_H

#include "common/arena.h"
#include "common/attrs.h"

typedef struct otel__scope {
  const char *name, *version, *schema_url; /* version and schema_url NULL when none */
  otel__attrs_t attrs;
  otel__arena_t arena;
} otel__scope_t;

/* The scope described under name, or NULL. Lock-free: a scope, once
 * described, never changes. Thread-safe. */
const otel__scope_t *otel__scope_find(const char *name);

#endif
