/*
 * What a request thread pays for a span: start, six attributes, end (which
 * queues it for the export thread). The export thread here discards spans,
 * so only the calling thread's cost is measured. Prints the median and p99 of
 * per-span cost over rounds of 1000 spans.
 */
#include <otel/trace.h>
#include <stdio.h>
#include <stdlib.h>

#include "export/batch.h"
#include "bench.h"
#include "common/state.h"
#include "trace/span.h"

#define ROUNDS 2000
#define PER_ROUND 1000

static int discard(void *ud, void *const *items, size_t n, uint64_t deadline) {
  (void)ud, (void)items, (void)n, (void)deadline;
  return 0;
}
static void free_span(void *item) { otel__span_free(item); }
static void destroy(void *ud) { (void)ud; }
static const otel__batch_ops_t DISCARD = {"spans", discard, free_span, destroy, NULL};

static void one_span(const otel_tracer_t *t) {
  otel_span_t *s = otel_span_start(t, "GET /api/articles/{id}", OTEL_SPAN_KIND_SERVER, NULL);
  otel_span_set_str(s, "http.request.method", "GET");
  otel_span_set_str(s, "url.path", "/api/articles/42");
  otel_span_set_str(s, "http.route", "/api/articles/{id}");
  otel_span_set_int(s, "http.response.status_code", 200);
  otel_span_set_str(s, "server.address", "127.0.0.1");
  otel_span_set_int(s, "server.port", 8080);
  otel_span_end(s);
}

/* The same span as instrumentation writes it with literal keys: the
 * macros make no call for a span that does not record. */
static void one_span_literal(const otel_tracer_t *t) {
  otel_span_t *s = otel_span_start(t, "GET /api/articles/{id}", OTEL_SPAN_KIND_SERVER, NULL);
  OTEL_SPAN_SET_STR(s, "http.request.method", "GET");
  OTEL_SPAN_SET_STR(s, "url.path", "/api/articles/42");
  OTEL_SPAN_SET_STR(s, "http.route", "/api/articles/{id}");
  OTEL_SPAN_SET_INT(s, "http.response.status_code", 200);
  OTEL_SPAN_SET_STR(s, "server.address", "127.0.0.1");
  OTEL_SPAN_SET_INT(s, "server.port", 8080);
  otel_span_end(s);
}

static void run(const char *label, const otel_tracer_t *t, void (*span)(const otel_tracer_t *)) {
  static uint64_t samples[ROUNDS];
  for (int i = 0; i < 20000; i++) /* warm up allocator and caches */
    span(t);
  for (int r = 0; r < ROUNDS; r++) {
    uint64_t t0 = otel__now_mono_ns();
    for (int i = 0; i < PER_ROUND; i++)
      span(t);
    samples[r] = (otel__now_mono_ns() - t0) / PER_ROUND;
  }
  uint64_t median = bench_quantile(samples, ROUNDS, 0.5);
  uint64_t p99 = bench_quantile(samples, ROUNDS, 0.99);
  printf("%-44s median %4llu ns   p99 %4llu ns\n", label, (unsigned long long)median,
         (unsigned long long)p99);
}

int main(void) {
  setenv("OTEL_TRACES_EXPORTER", "none", 1);
  setenv("OTEL_BSP_MAX_QUEUE_SIZE", "65536", 1);
  setenv("OTEL_BSP_SCHEDULE_DELAY", "1", 1);
  otel_init("bench");
  otel__interrupt_t intr;
  otel__interrupt_init(&intr);
  otel__sdk.config.bsp.max_export_batch_size = 512;
  otel__sdk.spans = otel__batch_new(&otel__sdk.config.bsp, &DISCARD, NULL, &intr);
  const otel_tracer_t *t = otel_tracer_get("bench", "1");

  printf("span start + 6 attributes + end, calling thread (%d x %d spans)\n", ROUNDS, PER_ROUND);
  run("sampled, queued for export", t, one_span);
  run("sampled, literal keys (OTEL_SPAN_SET_*)", t, one_span_literal);
  otel__batch_stats_t st = otel__batch_stats(otel__sdk.spans);
  if (st.dropped)
    printf("  (%llu of %llu spans dropped: the discarding thread fell behind)\n",
           (unsigned long long)st.dropped, (unsigned long long)(st.queued + st.dropped));
  otel__sampler_init(&otel__sdk.sampler, OTEL__SAMPLER_ALWAYS_OFF, 0);
  run("not sampled", t, one_span);
  run("not sampled, literal keys", t, one_span_literal);
  otel_shutdown(5000);
  run("SDK off (after shutdown)", t, one_span);
  run("SDK off, literal keys", t, one_span_literal);
  otel__interrupt_destroy(&intr);
  return 0;
}
