/*
 * Scopes described by name: a fixed table, filled under a lock and read
 * without one (entries are whole before the count that publishes them).
 */
#include "common/scopes.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define MAX_SCOPES 64

static otel__scope_t scopes[MAX_SCOPES];
static _Atomic size_t n_scopes;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

const otel__scope_t *otel__scope_find(const char *name) {
  size_t n = atomic_load_explicit(&n_scopes, memory_order_acquire);
  for (size_t i = 0; name && i < n; i++)
    if (!strcmp(scopes[i].name, name))
      return &scopes[i];
  return NULL;
}

/* s, NULL for NULL or "", copied into the scope's arena. */
static const char *copy(otel__scope_t *d, const char *s, bool *ok) {
  if (!s || !*s)
    return NULL;
  const char *c = otel__arena_strdup(&d->arena, s);
  *ok = *ok && c;
  return c;
}

int otel_scope_describe(const otel_scope_info_t *scope) {
  if (!scope || !scope->name || !*scope->name)
    return -EINVAL;
  pthread_mutex_lock(&lock);
  size_t n = atomic_load_explicit(&n_scopes, memory_order_relaxed);
  int rc = otel__scope_find(scope->name) ? -EEXIST : n == MAX_SCOPES ? -ENOSPC : 0;
  if (!rc) {
    otel__scope_t *d = &scopes[n];
    *d = (otel__scope_t){0};
    otel__arena_init(&d->arena, NULL, 0);
    bool ok = true;
    d->name = copy(d, scope->name, &ok);
    d->version = copy(d, scope->version, &ok);
    d->schema_url = copy(d, scope->schema_url, &ok);
    otel__attr_limits_t limits = {128, 0}; /* a scope's attributes are few */
    for (size_t i = 0; scope->attrs && i < scope->n_attrs; i++)
      otel__attrs_set(&d->attrs, &d->arena, &scope->attrs[i], limits);
    if (ok)
      atomic_store_explicit(&n_scopes, n + 1, memory_order_release);
    else
      otel__arena_reset(&d->arena);
    rc = ok ? 0 : -ENOMEM;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}
