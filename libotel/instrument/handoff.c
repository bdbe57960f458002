/*
 * The functions behind <otel/instrument.h>: a program's queue handing work
 * to another thread carries the preloaded SDK's context with them.
 */
#include "otel/instrument.h"

#include "instrument.h"

OTEL_INSTRUMENT_API void otel_instrument_capture(otel_context_t *out) { otel_context_capture(out); }

OTEL_INSTRUMENT_API otel_scope_t otel_instrument_attach(const otel_context_t *ctx) {
  return otel_context_attach(ctx);
}

OTEL_INSTRUMENT_API void otel_instrument_detach(otel_scope_t *scope, otel_context_t *ctx) {
  if (scope)
    otel_scope_end(scope);
  otel_context_release(ctx);
}
