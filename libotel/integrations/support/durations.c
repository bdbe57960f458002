/* The integrations' duration histograms, created once with their advised buckets. */
#include "durations.h"

#include <stdatomic.h>

static const double HTTP_BOUNDS[] = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                     0.5,   0.75, 1,     2.5,  5,     7.5, 10};
static const double DB_BOUNDS[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static otel_histogram_t *cached(_Atomic(otel_histogram_t *) *slot, const char *scope,
                                const char *name, const char *description, const double *bounds,
                                size_t n) {
  otel_histogram_t *h = atomic_load_explicit(slot, memory_order_acquire);
  if (!h) { /* racing first calls get the same instrument */
    h = otel_histogram(scope, name, "s", description, bounds, n);
    atomic_store_explicit(slot, h, memory_order_release);
  }
  return h;
}

otel_histogram_t *otel__http_server_duration(void) {
  static _Atomic(otel_histogram_t *) h;
  return cached(&h, "libotel.mhd", "http.server.request.duration",
                "Duration of HTTP server requests.", HTTP_BOUNDS, N(HTTP_BOUNDS));
}

otel_histogram_t *otel__http_client_duration(void) {
  static _Atomic(otel_histogram_t *) h;
  return cached(&h, "libotel.curl", "http.client.request.duration",
                "Duration of HTTP client requests.", HTTP_BOUNDS, N(HTTP_BOUNDS));
}

otel_histogram_t *otel__db_client_duration(void) {
  static _Atomic(otel_histogram_t *) h;
  return cached(&h, "libotel.pq", "db.client.operation.duration",
                "Duration of database client operations.", DB_BOUNDS, N(DB_BOUNDS));
}

otel_counter_t *otel__http_server_active_requests(void) {
  static _Atomic(otel_counter_t *) c;
  otel_counter_t *p = atomic_load_explicit(&c, memory_order_acquire);
  if (!p) {
    p = otel_updown_counter("libotel.mhd", "http.server.active_requests", "{request}",
                            "Number of active HTTP server requests.");
    atomic_store_explicit(&c, p, memory_order_release);
  }
  return p;
}

void *otel__bind_duration(void *arg) {
  const otel__duration_set_t *set = arg;
  return otel_histogram_bind(set->histogram, set->attrs, set->n);
}
