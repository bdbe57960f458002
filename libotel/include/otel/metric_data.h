/*
 * One collection of metrics as a metric exporter sees it: each instrument
 * that has points, as a metric stream (a sum, a gauge or a histogram), and
 * its aggregated data points, as OTLP would carry them (the temporality
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE asks for included).
 * Every accessor returns what the collection holds, borrowed for the call
 * the collection was passed to. Reading it is thread-safe.
 */
#ifndef OTEL_METRIC_DATA_H
#define OTEL_METRIC_DATA_H

#include <otel/otel.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_metrics_data otel_metrics_data_t; /* a collection */
typedef struct otel_metric_data otel_metric_data_t;   /* one metric stream in it */
typedef struct otel_point_data otel_point_data_t;     /* one data point of a stream */

typedef enum otel_metric_type {
  OTEL_METRIC_SUM = 1,   /* counters, up-down counters and their observable kinds */
  OTEL_METRIC_GAUGE = 2, /* observable gauges */
  OTEL_METRIC_HISTOGRAM = 3,
} otel_metric_type_t;

typedef enum otel_temporality {
  OTEL_TEMPORALITY_NONE = 0, /* a gauge */
  OTEL_TEMPORALITY_DELTA = 1,
  OTEL_TEMPORALITY_CUMULATIVE = 2,
} otel_temporality_t;

OTEL_API size_t otel_metrics_data_count(const otel_metrics_data_t *d);
/* The i-th stream (i < count), or NULL; the first named name, or NULL. */
OTEL_API const otel_metric_data_t *otel_metrics_data_at(const otel_metrics_data_t *d, size_t i);
OTEL_API const otel_metric_data_t *otel_metrics_data_find(const otel_metrics_data_t *d,
                                                          const char *name);
/* The resource the SDK was started with. */
OTEL_API const otel_attr_list_t *otel_metrics_data_resource(const otel_metrics_data_t *d);

OTEL_API const char *otel_metric_data_name(const otel_metric_data_t *m);
OTEL_API const char *otel_metric_data_description(const otel_metric_data_t *m);
OTEL_API const char *otel_metric_data_unit(const otel_metric_data_t *m);
/* Its instrumentation scope's name. */
OTEL_API const char *otel_metric_data_scope_name(const otel_metric_data_t *m);
OTEL_API otel_metric_type_t otel_metric_data_type(const otel_metric_data_t *m);
OTEL_API otel_temporality_t otel_metric_data_temporality(const otel_metric_data_t *m);
/* For a sum: whether it only grows (a counter). */
OTEL_API bool otel_metric_data_monotonic(const otel_metric_data_t *m);
OTEL_API size_t otel_metric_data_point_count(const otel_metric_data_t *m);
/* The i-th point, or NULL. */
OTEL_API const otel_point_data_t *otel_metric_data_point(const otel_metric_data_t *m, size_t i);

OTEL_API const otel_attr_list_t *otel_point_data_attrs(const otel_point_data_t *p);
/* Unix epoch, ns: the start of what the point aggregates, and its time. */
OTEL_API uint64_t otel_point_data_start_time(const otel_point_data_t *p);
OTEL_API uint64_t otel_point_data_time(const otel_point_data_t *p);
/* A sum's or gauge's value: an integer (is_int) or a double; each reads
 * the other kind converted. */
OTEL_API bool otel_point_data_is_int(const otel_point_data_t *p);
OTEL_API int64_t otel_point_data_int(const otel_point_data_t *p);
OTEL_API double otel_point_data_double(const otel_point_data_t *p);
/* A histogram's count and sum; its min and max (false when the point has
 * none: a delta histogram's); its buckets: bucket i counts the values up to
 * bound i (the last one, those above the last bound). */
OTEL_API uint64_t otel_point_data_count(const otel_point_data_t *p);
OTEL_API double otel_point_data_sum(const otel_point_data_t *p);
OTEL_API bool otel_point_data_min_max(const otel_point_data_t *p, double *min, double *max);
OTEL_API size_t otel_point_data_bucket_count(const otel_point_data_t *p);
OTEL_API uint64_t otel_point_data_bucket(const otel_point_data_t *p, size_t i);
OTEL_API double otel_point_data_bound(const otel_point_data_t *p, size_t i);

#ifdef __cplusplus
}
#endif

#endif
