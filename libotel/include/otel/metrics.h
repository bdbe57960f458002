/*
 * Metrics: counters, up-down counters and histograms, aggregated per
 * attribute set with cumulative temporality and exported periodically
 * (OTEL_METRIC_EXPORT_INTERVAL) by a background thread. Recording calls
 * return void and never fail the caller.
 */
#ifndef OTEL_METRICS_H
#define OTEL_METRICS_H

#include <otel/otel.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_counter otel_counter_t;
typedef struct otel_histogram otel_histogram_t;

/*
 * Creates an instrument of the instrumentation scope `scope`. Strings are
 * copied. Creating the same name again returns the same instrument. Never
 * NULL: an instrument that cannot be created records nothing. The instrument
 * lives as long as the process. Thread-safe.
 */
otel_counter_t *otel_counter(const char *scope, const char *name, const char *unit,
                             const char *description);
otel_counter_t *otel_updown_counter(const char *scope, const char *name, const char *unit,
                                    const char *description);

/* bounds: explicit bucket boundaries, ascending (copied); NULL uses the
 * specification's defaults, which suit milliseconds: an instrument in
 * seconds must give its own. */
otel_histogram_t *otel_histogram(const char *scope, const char *name, const char *unit,
                                 const char *description, const double *bounds, size_t n_bounds);

/* Records a measurement for the attribute set attrs (borrowed; their order
 * does not matter). A counter ignores negative values. Thread-safe. */
void otel_counter_add(otel_counter_t *c, int64_t value, const otel_attr_t *attrs, size_t n);
void otel_histogram_record(otel_histogram_t *h, double value, const otel_attr_t *attrs, size_t n);

#ifdef __cplusplus
}
#endif

#endif
