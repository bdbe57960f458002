/* The composite propagator: trace context and baggage, as OTEL_PROPAGATORS selects. */
#include <string.h>

#include <otel/context.h>

#include "trace/context_internal.h"
#include "propagation/propagation.h"
#include "common/state.h"

/* More lines than a tracestate may have members: such a header is refused
 * whole, and a baggage header keeps what came in its first lines. */
#define LINES_MAX 64

static int active_propagators(void) {
  return otel__sdk_enabled() ? otel__sdk.config.propagators : 0;
}

/* The field lines of name, in order, up to LINES_MAX (a count past it says more came). */
static size_t field_lines(otel_carrier_get_fn get, void *carrier, const char *name,
                          const char *lines[LINES_MAX + 1]) {
  size_t n = 0;
  while (n <= LINES_MAX && (lines[n] = get(carrier, name, n)))
    n++;
  return n;
}

void otel_propagation_extract(otel_context_t *out, otel_carrier_get_fn get, void *carrier) {
  memset(out, 0, sizeof(*out));
  int which = active_propagators();
  const char *lines[LINES_MAX + 1];
  if (which & OTEL__PROPAGATE_TRACECONTEXT) {
    otel_span_context_t *sc = &out->span_context; /* left as it is on failure */
    /* A traceparent sent twice is invalid: the trace starts anew. */
    if (field_lines(get, carrier, "traceparent", lines) == 1 &&
        otel_traceparent_parse(lines[0], sc) == 0) {
      size_t n = field_lines(get, carrier, "tracestate", lines);
      /* An invalid tracestate is dropped; the parent stays. */
      if (n > LINES_MAX || (n && otel__tracestate_parse_lines(lines, n, sc->trace_state) != 0))
        sc->trace_state[0] = '\0';
    }
  }
  if (which & OTEL__PROPAGATE_BAGGAGE) {
    size_t n = field_lines(get, carrier, "baggage", lines);
    out->baggage = n ? otel__baggage_parse_lines(lines, n > LINES_MAX ? LINES_MAX : n) : NULL;
  }
}

void otel_propagation_inject(const otel_context_t *ctx, otel_carrier_set_fn set, void *carrier) {
  int which = active_propagators();
  const otel_span_context_t *sc = ctx ? &ctx->span_context : otel__current_span_context();
  otel_baggage_t *baggage = ctx ? ctx->baggage : otel__current_baggage();
  if ((which & OTEL__PROPAGATE_TRACECONTEXT) && otel_span_context_is_valid(sc)) {
    char tp[OTEL_TRACEPARENT_SIZE];
    otel_traceparent_format(sc, tp);
    set(carrier, "traceparent", tp);
    if (sc->trace_state[0])
      set(carrier, "tracestate", sc->trace_state);
  }
  if ((which & OTEL__PROPAGATE_BAGGAGE) && otel_baggage_count(baggage)) {
    char value[8193];
    if (otel_baggage_format(baggage, value, sizeof(value)))
      set(carrier, "baggage", value);
  }
}
