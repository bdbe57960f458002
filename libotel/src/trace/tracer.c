/*
 * Tracers: one per instrumentation scope, interned so that the same name and
 * version give the same pointer, which the exporter uses to group spans.
 * They live as long as the process.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "trace/span.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static otel_tracer_t tracers[OTEL__MAX_TRACERS];
static int n_tracers;
const otel_tracer_t otel__default_tracer = {.name = (char *)"libotel",
                                            .version = (char *)OTEL_SDK_VERSION};

static bool same(const char *a, const char *b) { return !strcmp(a ? a : "", b ? b : ""); }

/* Whether t has exactly the attributes attrs[0, n) (those without a key are
 * dropped, and counted, when a tracer is made). */
static bool same_attrs(const otel_tracer_t *t, const otel_attr_t *attrs, size_t n) {
  size_t keyed = 0;
  for (size_t i = 0; i < n; i++) {
    if (!attrs[i].key || !*attrs[i].key)
      continue;
    keyed++;
    const otel_attr_t *kept = otel__attrs_find(&t->attrs, attrs[i].key);
    if (!kept || !otel__attr_value_equal(kept, &attrs[i]))
      return false;
  }
  return t->attrs.n == keyed;
}

static bool is_scope(const otel_tracer_t *t, const otel_scope_info_t *s) {
  return same(t->name, s->name) && same(t->version, s->version) &&
         same(t->schema_url, s->schema_url) && same_attrs(t, s->attrs, s->n_attrs);
}

/* Copies s into t; false when out of memory (t is then left empty). */
static bool make(otel_tracer_t *t, const otel_scope_info_t *s) {
  *t =
      (otel_tracer_t){.name = strdup(s->name ? s->name : ""),
                      .version = strdup(s->version ? s->version : ""),
                      .schema_url = s->schema_url && *s->schema_url ? strdup(s->schema_url) : NULL};
  otel__arena_init(&t->arena, NULL, 0);
  /* A scope's attributes are few: no limit but the attributes' own. */
  otel__attr_limits_t limits = {128, 0};
  for (size_t i = 0; i < s->n_attrs; i++)
    otel__attrs_set(&t->attrs, &t->arena, &s->attrs[i], limits);
  bool ok = t->name && t->version && (t->schema_url || !s->schema_url || !*s->schema_url);
  if (!ok) {
    free(t->name);
    free(t->version);
    free(t->schema_url);
    otel__arena_reset(&t->arena);
    *t = (otel_tracer_t){0};
  }
  return ok;
}

const otel_tracer_t *otel_tracer_get_scope(const otel_scope_info_t *scope) {
  const otel_scope_info_t none = {0};
  const otel_scope_info_t *s = scope ? scope : &none;
  const otel_tracer_t *found = &otel__default_tracer;
  pthread_mutex_lock(&lock);
  int i = 0;
  while (i < n_tracers && !is_scope(&tracers[i], s))
    i++;
  if (i < n_tracers)
    found = &tracers[i];
  else if (n_tracers < OTEL__MAX_TRACERS && make(&tracers[n_tracers], s))
    found = &tracers[n_tracers++];
  pthread_mutex_unlock(&lock);
  return found;
}

const otel_tracer_t *otel_tracer_get(const char *name, const char *version) {
  return otel_tracer_get_scope(&(otel_scope_info_t){.name = name, .version = version});
}

void otel__tracers_fork_prepare(void) { pthread_mutex_lock(&lock); }

void otel__tracers_fork_after(void) { pthread_mutex_unlock(&lock); }
