/* What the metrics encoder makes of every instrument now, decoded, for unit tests. */
#ifndef TEST_METRICS_REQUEST_H
#define TEST_METRICS_REQUEST_H

#include "otlp/metrics_service.pb-c.h"

typedef Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest
    test_metrics_request_t;
typedef Opentelemetry__Proto__Metrics__V1__Metric test_metric_t;

/* Encodes every instrument as the exporter would, and decodes it again: a
 * new request (free with test_metrics_request_free), or NULL. */
test_metrics_request_t *test_metrics_collect(void);
void test_metrics_request_free(test_metrics_request_t *r);

/* The metric named name in r, or NULL. Borrowed from r. */
const test_metric_t *test_metrics_find(const test_metrics_request_t *r, const char *name);

#endif
