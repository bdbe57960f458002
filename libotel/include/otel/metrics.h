/*
 * Metrics: counters, up-down counters and histograms, aggregated per
 * attribute set, and observable counters and gauges whose callbacks are
 * asked at each collection; exported periodically (OTEL_METRIC_EXPORT_INTERVAL)
 * by a background thread, with cumulative temporality or, as
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE asks, delta. Recording
 * takes no lock, returns void and never fails the caller.
 */
#ifndef OTEL_METRICS_H
#define OTEL_METRICS_H

#include <otel/otel.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_counter otel_counter_t;
typedef struct otel_histogram otel_histogram_t;
struct otel_span; /* otel_span_t, <otel/trace.h> */

/*
 * Creates an instrument of the instrumentation scope `scope`. Strings are
 * copied. Creating the same name again returns the same instrument. Never
 * NULL: an instrument that cannot be created records nothing. The instrument
 * lives as long as the process. Thread-safe.
 */
OTEL_API otel_counter_t *otel_counter(const char *scope, const char *name, const char *unit,
                                      const char *description);
OTEL_API otel_counter_t *otel_updown_counter(const char *scope, const char *name, const char *unit,
                                             const char *description);

/* bounds: explicit bucket boundaries, ascending (copied); NULL uses the
 * specification's defaults, which suit milliseconds: an instrument in
 * seconds must give its own. */
OTEL_API otel_histogram_t *otel_histogram(const char *scope, const char *name, const char *unit,
                                          const char *description, const double *bounds,
                                          size_t n_bounds);

/* Records a measurement for the attribute set attrs (borrowed; their order
 * does not matter). A counter ignores negative values. Thread-safe. */
OTEL_API void otel_counter_add(otel_counter_t *c, int64_t value, const otel_attr_t *attrs,
                               size_t n);
OTEL_API void otel_histogram_record(otel_histogram_t *h, double value, const otel_attr_t *attrs,
                                    size_t n);

/* The same for a measurement made within span, which need not be this
 * thread's current span (NULL: the current one) and must not have ended:
 * the span an exemplar of it would point to (OTEL_METRICS_EXEMPLAR_FILTER).
 * For instrumentation that records a duration as its span ends. */
OTEL_API void otel_histogram_record_in(otel_histogram_t *h, double value, const otel_attr_t *attrs,
                                       size_t n, const struct otel_span *span);

/*
 * Bound instruments: an attribute set resolved to its data point once, so
 * that each measurement is only an add into this thread's cell: no hashing,
 * no lookup. For the sets a program records again and again. A measurement
 * through a handle counts exactly as one with the same set through the
 * instrument. Binding the same set again returns the same handle, which
 * lives as long as the process (a set past the cardinality limit binds to
 * the overflow point). A NULL instrument, one of another kind, or no memory
 * gives a handle that records nothing. attrs are borrowed. Thread-safe.
 */
typedef struct otel_bound_counter otel_bound_counter_t;
typedef struct otel_bound_histogram otel_bound_histogram_t;

OTEL_API otel_bound_counter_t *otel_counter_bind(otel_counter_t *c, const otel_attr_t *attrs,
                                                 size_t n);
OTEL_API void otel_bound_counter_add(otel_bound_counter_t *c, int64_t value);
OTEL_API otel_bound_histogram_t *otel_histogram_bind(otel_histogram_t *h, const otel_attr_t *attrs,
                                                     size_t n);
OTEL_API void otel_bound_histogram_record(otel_bound_histogram_t *h, double value);
/* As otel_histogram_record_in(): the measurement was made within span. */
OTEL_API void otel_bound_histogram_record_in(otel_bound_histogram_t *h, double value,
                                             const struct otel_span *span);

/*
 * Observable instruments. At each collection, on the export thread, fn(o, ud)
 * reports the current values with otel_observe_*: for a counter the running
 * total (monotonic, cumulative since the instrument was created), for a
 * gauge the value now. Each attribute set once per call; a set not observed
 * in a collection is not reported in it. fn must be quick and must not call
 * otel_force_flush or otel_shutdown. Strings are copied; ud is borrowed for
 * the life of the process. Creating the same name again keeps the first.
 */
typedef struct otel_observer otel_observer_t;
typedef void (*otel_observe_fn)(otel_observer_t *o, void *ud);

OTEL_API void otel_observable_counter(const char *scope, const char *name, const char *unit,
                                      const char *description, otel_observe_fn fn, void *ud);
OTEL_API void otel_observable_gauge(const char *scope, const char *name, const char *unit,
                                    const char *description, otel_observe_fn fn, void *ud);
/* A total that may go down (items in a queue, say), observed: exported as a
 * cumulative, non-monotonic sum under every temporality preference. */
OTEL_API void otel_observable_updown_counter(const char *scope, const char *name, const char *unit,
                                             const char *description, otel_observe_fn fn, void *ud);

OTEL_API void otel_observe_int(otel_observer_t *o, int64_t value, const otel_attr_t *attrs,
                               size_t n);
OTEL_API void otel_observe_double(otel_observer_t *o, double value, const otel_attr_t *attrs,
                                  size_t n);

#ifdef __cplusplus
}
#endif

#endif
