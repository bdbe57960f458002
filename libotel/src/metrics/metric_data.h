/*
 * A collection as metric exporters see it (<otel/metric_data.h>): the
 * request the metric reader encoded, decoded again, with the attribute
 * sets a view needs. Made once per collection, and only when the program
 * registered a metric exporter; reference-counted, so that an in-memory
 * exporter may keep it.
 */
#ifndef OTEL_METRIC_DATA_INTERNAL_H
#define OTEL_METRIC_DATA_INTERNAL_H

#include <otel/metric_data.h>
#include <stddef.h>

/* The collection encoded as an ExportMetricsServiceRequest in bytes[0..len),
 * with one reference; NULL when it cannot be decoded or memory ran out. */
otel_metrics_data_t *otel__metrics_data_new(const void *bytes, size_t len);

/* Each holder but the first takes a reference; the last release frees it. Thread-safe. */
void otel__metrics_data_hold(otel_metrics_data_t *d);
void otel__metrics_data_release(otel_metrics_data_t *d);

#endif
