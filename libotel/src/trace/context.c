/*
 * The current context of each thread: a borrowed span (or a remote span
 * context) and a borrowed baggage. Attaching saves the previous values in the
 * scope the caller keeps on its stack, so nothing is allocated or locked.
 */
#include <string.h>

#include "trace/context_internal.h"

static _Thread_local struct {
  otel_span_t *span;
  const otel_span_context_t *span_context;
  otel_baggage_t *baggage;
} current;

const otel_span_context_t *otel__current_span_context(void) { return current.span_context; }

otel_baggage_t *otel__current_baggage(void) { return current.baggage; }

otel_span_t *otel_span_current(void) { return current.span; }

const otel_context_t *otel__parent_context(const otel_context_t *parent, otel_context_t *out) {
  if (parent)
    return parent;
  out->baggage = current.baggage;
  if (current.span_context)
    out->span_context = *current.span_context;
  else
    memset(&out->span_context, 0, sizeof(out->span_context));
  return out;
}

static otel_scope_t save(void) {
  return (otel_scope_t){{current.span, current.span_context, current.baggage}};
}

otel_scope_t otel_context_attach(const otel_context_t *ctx) {
  otel_scope_t scope = save();
  current.span = NULL;
  current.span_context = ctx ? &ctx->span_context : NULL;
  current.baggage = ctx ? ctx->baggage : NULL;
  return scope;
}

otel_scope_t otel__context_attach_span(otel_span_t *span, const otel_span_context_t *sc) {
  otel_scope_t scope = save();
  current.span = span;
  current.span_context = sc;
  return scope;
}

void otel_scope_end(otel_scope_t *scope) {
  current.span = (otel_span_t *)scope->prev[0];
  current.span_context = scope->prev[1];
  current.baggage = (otel_baggage_t *)scope->prev[2];
}

void otel_context_capture(otel_context_t *out) {
  memset(out, 0, sizeof(*out));
  const otel_span_context_t *sc = current.span_context;
  if (sc) {
    memcpy(out->span_context.trace_id, sc->trace_id, OTEL_TRACE_ID_SIZE);
    memcpy(out->span_context.span_id, sc->span_id, OTEL_SPAN_ID_SIZE);
    out->span_context.flags = sc->flags;
    out->span_context.is_remote = sc->is_remote;
    memcpy(out->span_context.trace_state, sc->trace_state, strlen(sc->trace_state) + 1);
  }
  out->baggage = otel_baggage_retain(current.baggage);
}

void otel_context_release(otel_context_t *ctx) {
  if (!ctx)
    return;
  otel_baggage_release(ctx->baggage);
  memset(ctx, 0, sizeof(*ctx));
}
