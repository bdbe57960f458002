/* The composite propagator: trace context and baggage, as OTEL_PROPAGATORS selects. */
#include <string.h>

#include <otel/context.h>

#include "context_internal.h"
#include "sdk.h"

static int active_propagators(void) {
  return otel__sdk_enabled() ? otel__sdk.config.propagators : 0;
}

void otel_propagation_extract(otel_context_t *out, otel_carrier_get_fn get, void *carrier) {
  memset(out, 0, sizeof(*out));
  int which = active_propagators();
  if (which & OTEL__PROPAGATE_TRACECONTEXT) {
    otel_span_context_t sc;
    if (otel_traceparent_parse(get(carrier, "traceparent"), &sc) == 0) {
      const char *ts = get(carrier, "tracestate");
      /* An invalid tracestate is dropped; the parent stays. */
      if (ts && otel_tracestate_parse(ts, sc.trace_state) != 0)
        sc.trace_state[0] = '\0';
      out->span_context = sc;
    }
  }
  if (which & OTEL__PROPAGATE_BAGGAGE)
    out->baggage = otel_baggage_parse(get(carrier, "baggage"));
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
