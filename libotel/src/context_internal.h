/* What the rest of the SDK needs from the per-thread context. */
#ifndef OTEL_CONTEXT_INTERNAL_H
#define OTEL_CONTEXT_INTERNAL_H

#include <otel/context.h>

/* This thread's current span context, or NULL when there is none. Borrowed. */
const otel_span_context_t *otel__current_span_context(void);

/* This thread's current baggage, or NULL. Borrowed. */
otel_baggage_t *otel__current_baggage(void);

#endif
