/* What the integrations share (support.h). */
#include "support.h"

#include <otel/otel.h>
#include <stdatomic.h>

const otel_tracer_t *otel__integration_tracer(_Atomic(const otel_tracer_t *) *slot,
                                              const char *name) {
  const otel_tracer_t *t = atomic_load_explicit(slot, memory_order_acquire);
  if (!t) { /* racing first calls get the same tracer */
    t = otel_tracer_get(name, OTEL_SDK_VERSION);
    atomic_store_explicit(slot, t, memory_order_release);
  }
  return t;
}
