/*
 * libFuzzer target: the W3C traceparent, tracestate and baggage parsers,
 * alone and through extraction. The input holds the three header values,
 * separated by newlines. A traceparent that parses must format and parse
 * back to the same context; baggage that parses must format into text
 * that parses again.
 */
#include <otel/context.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *traceparent, *tracestate, *baggage;
} headers_t;

static const char *get(void *carrier, const char *name) {
  const headers_t *h = carrier;
  if (!strcmp(name, "traceparent"))
    return h->traceparent;
  if (!strcmp(name, "tracestate"))
    return h->tracestate;
  if (!strcmp(name, "baggage"))
    return h->baggage;
  return NULL;
}

/* The next newline-terminated part of *rest (NUL-terminated in place). */
static char *next_part(char **rest) {
  char *part = *rest, *nl = strchr(part, '\n');
  if (nl) {
    *nl = '\0';
    *rest = nl + 1;
  } else {
    *rest = part + strlen(part);
  }
  return part;
}

static void traceparent_round_trip(const char *value) {
  otel_span_context_t sc, again;
  if (otel_traceparent_parse(value, &sc) != 0)
    return;
  char text[OTEL_TRACEPARENT_SIZE];
  otel_traceparent_format(&sc, text);
  if (otel_traceparent_parse(text, &again) != 0 ||
      memcmp(sc.trace_id, again.trace_id, sizeof(sc.trace_id)) ||
      memcmp(sc.span_id, again.span_id, sizeof(sc.span_id)) || sc.flags != again.flags)
    abort();
}

static void baggage_round_trip(const char *value) {
  otel_baggage_t *b = otel_baggage_parse(value);
  if (!b)
    return;
  char text[16384];
  size_t n = otel_baggage_format(b, text, sizeof(text));
  if (n > 0 && n < sizeof(text)) {
    otel_baggage_t *again = otel_baggage_parse(text);
    if (!again)
      abort();
    otel_baggage_release(again);
  }
  otel_baggage_release(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  char *rest = text;
  headers_t h;
  h.traceparent = next_part(&rest);
  h.tracestate = next_part(&rest);
  h.baggage = next_part(&rest);

  traceparent_round_trip(h.traceparent);
  char state[OTEL_TRACESTATE_MAX + 1];
  otel_tracestate_parse(h.tracestate, state);
  baggage_round_trip(h.baggage);
  otel_context_t ctx;
  otel_propagation_extract(&ctx, get, &h);
  otel_context_release(&ctx);
  free(text);
  return 0;
}
