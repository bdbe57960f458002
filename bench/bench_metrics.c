/*
 * What a request thread pays to record a measurement: a counter add with two
 * attributes, and a histogram record with the four attributes of
 * http.server.request.duration, on one thread and then on several threads at
 * once recording into the same points (the case where a shared lock or a
 * shared cache line would show); and a histogram record made within a
 * sampled span, each of which is offered as an exemplar; and both through
 * handles bound to their attribute set once. Prints the median
 * and p99 of the per-call cost over rounds of 1000 calls on each thread.
 */
#include <otel/metrics.h>
#include <otel/trace.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

#define ROUNDS 2000
#define PER_ROUND 1000

typedef struct {
  bool histogram;
  bool bound;   /* through a handle bound to the set once (otel_*_bind) */
  bool in_span; /* the calls are made within a sampled span */
  otel_counter_t *counter;
  uint64_t samples[ROUNDS];
  pthread_barrier_t *start;
} worker_t;

static otel_counter_t *shared_counter;
static otel_histogram_t *histogram;
static otel_bound_counter_t *bound_counter;
static otel_bound_histogram_t *bound_histogram;

static void one_call(const worker_t *w, int i) {
  if (w->bound && w->histogram) {
    otel_bound_histogram_record(bound_histogram, 0.0004 * (i & 63));
  } else if (w->bound) {
    otel_bound_counter_add(bound_counter, 1);
  } else if (w->histogram) {
    otel_attr_t attrs[] = {OTEL_ATTR_STR("http.request.method", "GET"),
                           OTEL_ATTR_STR("http.route", "/api/articles/{id}"),
                           OTEL_ATTR_INT("http.response.status_code", 200),
                           OTEL_ATTR_STR("url.scheme", "http")};
    otel_histogram_record(histogram, 0.0004 * (i & 63), attrs, 4);
  } else {
    otel_attr_t attrs[] = {OTEL_ATTR_STR("outcome", "created"), OTEL_ATTR_STR("mode", "sync")};
    otel_counter_add(w->counter, 1, attrs, 2);
  }
}

static void *work(void *arg) {
  worker_t *w = arg;
  for (int i = 0; i < 20000; i++) /* warm up caches and make the points */
    one_call(w, i);
  otel_span_t *span =
      w->in_span ? otel_span_start(NULL, "bench", OTEL_SPAN_KIND_SERVER, NULL) : NULL;
  otel_scope_t scope = otel_span_attach(span);
  pthread_barrier_wait(w->start);
  for (int r = 0; r < ROUNDS; r++) {
    uint64_t t0 = otel__now_mono_ns();
    for (int i = 0; i < PER_ROUND; i++)
      one_call(w, i);
    w->samples[r] = (otel__now_mono_ns() - t0) / PER_ROUND;
  }
  otel_scope_end(&scope);
  otel_span_end(span);
  return NULL;
}

/* separate: each thread records into an instrument of its own, a control
 * that shows what the machine does with that many threads when nothing at
 * all is shared. */
static void run(const char *what, bool histogram_call, int threads, bool separate, bool in_span,
                bool bound) {
  worker_t *w = calloc((size_t)threads, sizeof(*w));
  pthread_t *t = calloc((size_t)threads, sizeof(*t));
  pthread_barrier_t start;
  if (!w || !t) {
    perror("calloc");
    exit(1);
  }
  pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
  for (int i = 0; i < threads; i++) {
    w[i].histogram = histogram_call;
    w[i].in_span = in_span;
    w[i].bound = bound;
    w[i].counter = shared_counter;
    if (separate) {
      char name[32];
      snprintf(name, sizeof(name), "bench.counter.%d", i);
      w[i].counter = otel_counter("bench", name, "1", "");
    }
    w[i].start = &start;
    pthread_create(&t[i], NULL, work, &w[i]);
  }
  uint64_t *all = calloc((size_t)threads * ROUNDS, sizeof(*all));
  pthread_barrier_wait(&start);
  uint64_t t0 = otel__now_mono_ns();
  for (int i = 0; i < threads; i++)
    pthread_join(t[i], NULL);
  double seconds = (double)(otel__now_mono_ns() - t0) / 1e9;
  for (int i = 0; i < threads; i++) {
    for (int r = 0; r < ROUNDS; r++)
      all[(size_t)i * ROUNDS + r] = w[i].samples[r];
  }
  size_t n = (size_t)threads * ROUNDS;
  printf("%-18s %2d thread%s  median %4llu ns  p99 %5llu ns  all threads %6.1fM calls/s\n", what,
         threads, threads == 1 ? " " : "s", (unsigned long long)bench_quantile(all, n, 0.5),
         (unsigned long long)bench_quantile(all, n, 0.99), (double)n * PER_ROUND / seconds / 1e6);
  pthread_barrier_destroy(&start);
  free(all);
  free(t);
  free(w);
}

int main(void) {
  setenv("OTEL_METRICS_EXPORTER", "none", 1);
  setenv("OTEL_TRACES_EXPORTER", "none", 1);
  setenv("OTEL_LOGS_EXPORTER", "none", 1);
  otel_init("bench");
  static const double seconds[] = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                   0.5,   0.75, 1,     2.5,  5,     7.5, 10};
  shared_counter = otel_counter("bench", "bench.counter", "1", "");
  histogram = otel_histogram("bench", "bench.duration", "s", "", seconds,
                             sizeof(seconds) / sizeof(seconds[0]));
  int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (cores < 1)
    cores = 1;
  printf("metrics recording, calling thread (%d x %d calls per thread; %d cores)\n", ROUNDS,
         PER_ROUND, cores);
  int counts[] = {1, cores, 6 * cores}; /* 6 x cores: the services' default WORKER_THREADS */
  for (int k = 0; k < 3; k++)
    run("counter add", false, counts[k], false, false, false);
  for (int k = 0; k < 3; k++)
    run("histogram record", true, counts[k], false, false, false);
  for (int k = 0; k < 2; k++) /* an exemplar offered at each call */
    run("histogram in span", true, counts[k], false, true, false);
  otel_attr_t counted[] = {OTEL_ATTR_STR("outcome", "created"), OTEL_ATTR_STR("mode", "sync")};
  otel_attr_t timed[] = {OTEL_ATTR_STR("http.request.method", "GET"),
                         OTEL_ATTR_STR("http.route", "/api/articles/{id}"),
                         OTEL_ATTR_INT("http.response.status_code", 200),
                         OTEL_ATTR_STR("url.scheme", "http")};
  bound_counter = otel_counter_bind(shared_counter, counted, 2);
  bound_histogram = otel_histogram_bind(histogram, timed, 4);
  for (int k = 0; k < 2; k++)
    run("bound counter add", false, counts[k], false, false, true);
  for (int k = 0; k < 2; k++)
    run("bound histogram", true, counts[k], false, false, true);
  printf("control: no data shared between the threads\n");
  run("counter add", false, cores, true, false, false);
  otel_shutdown(1000);
  return 0;
}
