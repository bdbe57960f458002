/* Propagation through a carrier: inject and extract, the configured propagators,
 * and headers sent as several field lines (RFC 9110 section 5.3). */
#include <otel/context.h>
#include <otel/trace.h>
#include <stdio.h>

#include "test.h"
#include "test_sdk.h"

#define TP "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
#define TP2 "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

static const otel_tracer_t *tracer(void) { return otel_tracer_get("test.scope", "1.2.3"); }

/* Header lines in the order they came; a name may repeat. */
typedef struct {
  const char *names[72];
  char values[72][8200];
  int n;
} carrier_t;

static void carrier_set(void *ud, const char *name, const char *value) {
  carrier_t *c = ud;
  c->names[c->n] = name;
  snprintf(c->values[c->n], sizeof(c->values[0]), "%s", value);
  c->n++;
}

static const char *carrier_get(void *ud, const char *name, size_t index) {
  carrier_t *c = ud;
  for (int i = 0; i < c->n; i++)
    if (!strcmp(c->names[i], name) && index-- == 0)
      return c->values[i];
  return NULL;
}

/* The carrier, emptied: one at a time, and off the stack (it is large). */
static carrier_t *fresh(void) {
  static carrier_t c;
  memset(&c, 0, sizeof(c));
  return &c;
}

/* Extracts c into a fresh context (released by the caller). */
static otel_context_t extracted(carrier_t *c) {
  otel_context_t out;
  otel_propagation_extract(&out, carrier_get, c);
  return out;
}

TEST(inject_then_extract_round_trips) {
  TEST_SDK_START("X=1");
  otel_context_t in;
  memset(&in, 0, sizeof(in));
  otel_traceparent_parse(TP, &in.span_context);
  strcpy(in.span_context.trace_state, "rojo=00f067aa0ba902b7");
  in.baggage = otel_baggage_set(NULL, "tenant", "a b");
  carrier_t *c = fresh();
  otel_propagation_inject(&in, carrier_set, c);
  CHECK_INT(c->n, 3);
  CHECK_STR(carrier_get(c, "traceparent", 0), TP);
  CHECK_STR(carrier_get(c, "tracestate", 0), "rojo=00f067aa0ba902b7");
  CHECK_STR(carrier_get(c, "baggage", 0), "tenant=a%20b");
  otel_context_t out = extracted(c);
  CHECK(!memcmp(&out.span_context.trace_id, in.span_context.trace_id, 16));
  CHECK(out.span_context.is_remote);
  CHECK_STR(out.span_context.trace_state, "rojo=00f067aa0ba902b7");
  CHECK_STR(otel_baggage_get(out.baggage, "tenant"), "a b");
  otel_context_release(&in);
  otel_context_release(&out);
  test_sdk_stop();
}

TEST(extract_ignores_invalid_headers) {
  TEST_SDK_START("X=1");
  carrier_t *c = fresh();
  carrier_set(c, "traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01");
  carrier_set(c, "tracestate", "a=1");
  otel_context_t out = extracted(c);
  CHECK(!otel_span_context_is_valid(&out.span_context));
  CHECK_STR(out.span_context.trace_state, "");
  otel_context_release(&out);
  /* a valid parent with an invalid tracestate keeps the parent only */
  carrier_t *d = fresh();
  carrier_set(d, "traceparent", TP);
  carrier_set(d, "tracestate", "BAD=1");
  out = extracted(d);
  CHECK(otel_span_context_is_valid(&out.span_context));
  CHECK_STR(out.span_context.trace_state, "");
  test_sdk_stop();
}

TEST(a_traceparent_sent_twice_starts_a_new_trace) {
  TEST_SDK_START("X=1");
  carrier_t *c = fresh();
  carrier_set(c, "traceparent", TP);
  carrier_set(c, "traceparent", TP2);
  carrier_set(c, "tracestate", "a=1");
  otel_context_t out = extracted(c);
  CHECK(!otel_span_context_is_valid(&out.span_context));
  otel_context_release(&out);
  /* even the same value twice */
  c = fresh();
  carrier_set(c, "traceparent", TP);
  carrier_set(c, "traceparent", TP);
  out = extracted(c);
  CHECK(!otel_span_context_is_valid(&out.span_context));
  otel_context_release(&out);
  test_sdk_stop();
}

TEST(tracestate_lines_are_one_list_in_order) {
  TEST_SDK_START("X=1");
  carrier_t *c = fresh();
  carrier_set(c, "traceparent", TP);
  carrier_set(c, "tracestate", "foo=1");
  carrier_set(c, "tracestate", "bar=2, baz=3");
  otel_context_t out = extracted(c);
  CHECK(otel_span_context_is_valid(&out.span_context));
  CHECK_STR(out.span_context.trace_state, "foo=1,bar=2,baz=3");
  otel_context_release(&out);
  /* one key on two lines keeps the first */
  c = fresh();
  carrier_set(c, "traceparent", TP);
  carrier_set(c, "tracestate", "foo=1");
  carrier_set(c, "tracestate", "foo=2,bar=3");
  out = extracted(c);
  CHECK_STR(out.span_context.trace_state, "foo=1,bar=3");
  otel_context_release(&out);
  /* an invalid member on any line drops the whole tracestate, not the parent */
  c = fresh();
  carrier_set(c, "traceparent", TP);
  carrier_set(c, "tracestate", "foo=1");
  carrier_set(c, "tracestate", "@bad=2");
  out = extracted(c);
  CHECK(otel_span_context_is_valid(&out.span_context));
  CHECK_STR(out.span_context.trace_state, "");
  otel_context_release(&out);
  test_sdk_stop();
}

/* Members k0..k(n-1) spread over lines of `per_line` members each. */
static void members_on_lines(carrier_t *c, int n, int per_line) {
  char line[512] = "";
  for (int i = 0; i < n; i++) {
    snprintf(line + strlen(line), sizeof(line) - strlen(line), "%sk%d=v", line[0] ? "," : "", i);
    if ((i + 1) % per_line == 0 || i == n - 1) {
      carrier_set(c, "tracestate", line);
      line[0] = '\0';
    }
  }
}

TEST(thirty_two_members_across_lines_are_kept_and_a_33rd_is_invalid) {
  TEST_SDK_START("X=1");
  carrier_t *c = fresh();
  carrier_set(c, "traceparent", TP);
  members_on_lines(c, 32, 16);
  otel_context_t out = extracted(c);
  CHECK(strncmp(out.span_context.trace_state, "k0=v,", 5) == 0);
  CHECK(strstr(out.span_context.trace_state, ",k31=v") != NULL);
  otel_context_release(&out);
  c = fresh();
  carrier_set(c, "traceparent", TP);
  members_on_lines(c, 33, 11);
  out = extracted(c);
  CHECK(otel_span_context_is_valid(&out.span_context));
  CHECK_STR(out.span_context.trace_state, "");
  otel_context_release(&out);
  /* one member per line: 33 lines */
  c = fresh();
  carrier_set(c, "traceparent", TP);
  members_on_lines(c, 33, 1);
  out = extracted(c);
  CHECK_STR(out.span_context.trace_state, "");
  otel_context_release(&out);
  test_sdk_stop();
}

TEST(baggage_lines_are_one_list) {
  TEST_SDK_START("X=1");
  carrier_t *c = fresh();
  carrier_set(c, "baggage", "tenant=a");
  carrier_set(c, "baggage", "user=b,region=c");
  otel_context_t out = extracted(c);
  CHECK_INT(otel_baggage_count(out.baggage), 3);
  CHECK_STR(otel_baggage_get(out.baggage, "tenant"), "a");
  CHECK_STR(otel_baggage_get(out.baggage, "region"), "c");
  const char *k, *v;
  CHECK(otel_baggage_entry(out.baggage, 1, &k, &v));
  CHECK_STR(k, "user");
  otel_context_release(&out);
  test_sdk_stop();
}

TEST(traceparent_white_space_is_trimmed) {
  TEST_SDK_START("X=1");
  carrier_t *c = fresh();
  carrier_set(c, "traceparent", " \t" TP "\t ");
  otel_context_t out = extracted(c);
  CHECK(otel_span_context_is_valid(&out.span_context));
  CHECK_INT(out.span_context.trace_id[0], 0x4b);
  otel_context_release(&out);
  test_sdk_stop();
}

TEST(propagators_follow_the_configuration) {
  TEST_SDK_START("OTEL_PROPAGATORS=baggage");
  otel_span_t *s = otel_span_start(tracer(), "s", OTEL_SPAN_KIND_CLIENT, NULL);
  otel_scope_t scope = otel_span_attach(s);
  carrier_t *c = fresh();
  otel_propagation_inject(NULL, carrier_set, c);
  CHECK_INT(c->n, 0); /* no baggage, and trace context is off */
  otel_scope_end(&scope);
  otel_span_end(s);
  test_sdk_stop();
  TEST_SDK_START("X=1");
  s = otel_span_start(tracer(), "s", OTEL_SPAN_KIND_CLIENT, NULL);
  scope = otel_span_attach(s);
  otel_propagation_inject(NULL, carrier_set, c);
  CHECK_INT(c->n, 1);
  char expect[OTEL_TRACEPARENT_SIZE];
  otel_traceparent_format(otel_span_context(s), expect);
  CHECK_STR(carrier_get(c, "traceparent", 0), expect);
  otel_scope_end(&scope);
  otel_span_end(s);
  test_sdk_stop();
}

TEST_MAIN("propagation", TEST_CASE(inject_then_extract_round_trips),
          TEST_CASE(extract_ignores_invalid_headers),
          TEST_CASE(a_traceparent_sent_twice_starts_a_new_trace),
          TEST_CASE(tracestate_lines_are_one_list_in_order),
          TEST_CASE(thirty_two_members_across_lines_are_kept_and_a_33rd_is_invalid),
          TEST_CASE(baggage_lines_are_one_list), TEST_CASE(traceparent_white_space_is_trimmed),
          TEST_CASE(propagators_follow_the_configuration))
