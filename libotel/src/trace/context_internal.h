/* What the rest of the SDK needs from the per-thread context. */
#ifndef OTEL_CONTEXT_INTERNAL_H
#define OTEL_CONTEXT_INTERNAL_H

#include <otel/trace.h>

/* This thread's current span context, or NULL when there is none. Borrowed. */
const otel_span_context_t *otel__current_span_context(void);

/* Makes span (with its span context sc, or NULL for none) the current span
 * of this thread, keeping the baggage: otel_span_attach() (span.c). */
otel_scope_t otel__context_attach_span(otel_span_t *span, const otel_span_context_t *sc);

/* This thread's current baggage, or NULL. Borrowed. */
otel_baggage_t *otel__current_baggage(void);

/* parent, or when it is NULL this thread's current context written into
 * *current (its baggage borrowed): what a span starting now is started
 * under, as processors and samplers are given it. */
const otel_context_t *otel__parent_context(const otel_context_t *parent, otel_context_t *current);

#endif
