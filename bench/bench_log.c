/*
 * What a request thread pays for a log record: otel_log() with two fields,
 * which queues the JSON line for the stdout writer and the OTLP record for
 * the export thread. Here the lines go to /dev/null and the export thread
 * discards the records, so only the calling thread's cost is measured.
 * Prints the median and p99 of per-record cost over rounds of records.
 */
#include <otel/log.h>
#include <otel/trace.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"
#include "common/state.h"
#include "export/batch.h"
#include "logs/log_record.h"

#define ROUNDS 2000
#define PER_ROUND 200

static int discard(void *ud, void *const *items, size_t n, uint64_t deadline) {
  (void)ud, (void)items, (void)n, (void)deadline;
  return 0;
}
static void free_record(void *item) { otel__log_record_free(item); }
static void destroy(void *ud) { (void)ud; }
static const otel__batch_ops_t DISCARD = {"log records", discard, free_record, destroy, NULL};

static void one_record(void) {
  otel_attr_t fields[] = {OTEL_ATTR_INT("article_id", 42), OTEL_ATTR_STR("title", "Hello")};
  otel_log(OTEL_SEVERITY_INFO, "articles", "article created", fields, 2);
}

/* Where the figures go: the real stdout, while fd 1 takes the lines. */
static FILE *out;

static void run(const char *label) {
  static uint64_t samples[ROUNDS];
  for (int i = 0; i < 20000; i++) /* warm up allocator and caches */
    one_record();
  for (int r = 0; r < ROUNDS; r++) {
    uint64_t t0 = otel__now_mono_ns();
    for (int i = 0; i < PER_ROUND; i++)
      one_record();
    samples[r] = (otel__now_mono_ns() - t0) / PER_ROUND;
  }
  uint64_t median = bench_quantile(samples, ROUNDS, 0.5);
  uint64_t p99 = bench_quantile(samples, ROUNDS, 0.99);
  fprintf(out, "%-44s median %4llu ns   p99 %4llu ns\n", label, (unsigned long long)median,
          (unsigned long long)p99);
}

int main(void) {
  fflush(stdout);
  out = fdopen(dup(1), "w");
  if (!out || !freopen("/dev/null", "w", stdout)) /* fd 1 now takes the JSON lines */
    return 1;
  setenv("OTEL_LOGS_EXPORTER", "none", 1);
  setenv("OTEL_TRACES_EXPORTER", "none", 1);
  setenv("OTEL_BLRP_MAX_QUEUE_SIZE", "65536", 1);
  setenv("OTEL_BLRP_SCHEDULE_DELAY", "1", 1);
  otel_init("bench");
  otel__interrupt_t intr;
  otel__interrupt_init(&intr);
  otel__sdk.logs = otel__batch_new(&otel__sdk.config.blrp, &DISCARD, NULL, &intr);
  fprintf(out, "log record with 2 fields, calling thread (%d x %d records)\n", ROUNDS, PER_ROUND);
  run("outside a span, line and OTLP record");
  otel_span_t *s = otel_span_start(NULL, "GET /api/articles", OTEL_SPAN_KIND_SERVER, NULL);
  otel_scope_t scope = otel_span_attach(s);
  run("inside a span, line and OTLP record");
  otel_scope_end(&scope);
  otel_span_end(s);
  otel_shutdown(5000);
  run("the line only, SDK off (after shutdown)");
  otel__interrupt_destroy(&intr);
  fclose(out);
  return 0;
}
