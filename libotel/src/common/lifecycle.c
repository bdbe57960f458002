/* The force_flush and shutdown of a program's processors (lifecycle.h). */
#include "common/lifecycle.h"

#include <errno.h>

#include "common/clock.h"
#include "common/state.h"

int otel__registry_add(otel__registry_t *r, const otel__lifecycle_t *l) {
  if (otel__sdk.sealed)
    return -EBUSY;
  if (r->n == OTEL__MAX_PROCESSORS)
    return -ENOSPC;
  r->lifecycles[r->n] = *l;
  return (int)r->n++;
}

int otel__lifecycles_run(const otel__lifecycle_t *l, size_t n, bool shutdown, uint64_t deadline) {
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    int (*fn)(void *, uint32_t) = shutdown ? l[i].shutdown : l[i].force_flush;
    int r = fn ? fn(l[i].ud, (uint32_t)otel__ms_until(deadline)) : 0;
    rc = rc ? rc : r;
  }
  return rc;
}
