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

#endif
