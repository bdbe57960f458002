/*
 * libFuzzer target: the W3C traceparent, tracestate and baggage parsers,
 * alone and through extraction. The input is header lines "name: value",
 * one a line; a name may come on several lines, and the parsers see each
 * line alone as well as every line of a name through extraction. A
 * traceparent that parses must format and parse back to the same context;
 * baggage that parses must format into text that parses again.
 */
#include <otel/context.h>
#include <otel/otel.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input.h"

#define LINES_MAX 128

typedef struct {
  const char *name[LINES_MAX], *value[LINES_MAX];
  size_t n;
} headers_t;

static const char *get(void *carrier, const char *name, size_t index) {
  const headers_t *h = carrier;
  for (size_t i = 0; i < h->n; i++)
    if (!strcasecmp(h->name[i], name) && index-- == 0)
      return h->value[i];
  return NULL;
}

/* Splits text in place into "name: value" lines; a line without ": " is skipped. */
static void split_lines(char *text, headers_t *h) {
  h->n = 0;
  for (char *line = text; line && h->n < LINES_MAX;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    char *sep = strstr(line, ": ");
    if (sep) {
      *sep = '\0';
      h->name[h->n] = line;
      h->value[h->n++] = sep + 2;
    }
    line = nl ? nl + 1 : NULL;
  }
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

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Extraction runs only in a started SDK; nothing is exported. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  setenv("OTEL_TRACES_EXPORTER", "none", 1);
  setenv("OTEL_METRICS_EXPORTER", "none", 1);
  setenv("OTEL_LOGS_EXPORTER", "none", 1);
  otel_init("fuzz");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fuzz_text(data, size);
  if (!text)
    return 0;
  headers_t h;
  split_lines(text, &h);
  for (size_t i = 0; i < h.n; i++) {
    traceparent_round_trip(h.value[i]);
    char state[OTEL_TRACESTATE_MAX + 1];
    otel_tracestate_parse(h.value[i], state);
    baggage_round_trip(h.value[i]);
  }
  otel_context_t ctx;
  otel_propagation_extract(&ctx, get, &h);
  otel_context_release(&ctx);
  free(text);
  return 0;
}
