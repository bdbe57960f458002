/*
 * The instruments the integrations record: duration histograms in seconds
 * with the bucket boundaries the semantic conventions advise (the SDK's
 * defaults are for milliseconds), and the server's in-flight requests. Each
 * is created on first use and cached.
 */
#ifndef OTEL_DURATIONS_H
#define OTEL_DURATIONS_H

#include <otel/metrics.h>

otel_histogram_t *otel__http_server_duration(void);
otel_histogram_t *otel__http_client_duration(void);
otel_histogram_t *otel__db_client_duration(void);
otel_counter_t *otel__http_server_active_requests(void);

/* A duration histogram's attribute set for one measurement, and the
 * instrument: what otel__bind_duration() binds (a keyed cache's make). */
typedef struct otel__duration_set {
  otel_histogram_t *histogram;
  otel_attr_t attrs[4];
  size_t n;
} otel__duration_set_t;

void *otel__bind_duration(void *set);

/* Seconds between two monotonic readings. */
static inline double otel__seconds(uint64_t from_ns, uint64_t to_ns) {
  return (double)(to_ns - from_ns) / 1e9;
}

#endif
