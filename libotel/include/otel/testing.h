/*
 * Testing support: a program's unit tests start the SDK with exporters that
 * keep what they are given in memory, run the code under test, then read,
 * count and reset what was recorded. No thread, socket or receiver is
 * involved: spans are exported as they end, on the thread that ends them.
 *
 *   otel_memory_spans_t *spans = otel_memory_spans_new();
 *   otel_testing_init("my-service", spans);
 *   handle_request(...);
 *   assert(otel_memory_spans_count(spans) == 2);
 *   const otel_span_data_t *s = otel_memory_spans_find(spans, "GET /items");
 *   otel_memory_spans_reset(spans);
 */
#ifndef OTEL_TESTING_H
#define OTEL_TESTING_H

#include <otel/processor.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The spans an in-memory exporter was given, in the order they ended. */
typedef struct otel_memory_spans otel_memory_spans_t;

/* A new, empty one; NULL when out of memory. */
OTEL_API otel_memory_spans_t *otel_memory_spans_new(void);

/* The exporter that fills m, for otel_add_span_exporter() (with
 * OTEL_PROCESSING_SIMPLE: each span is there as soon as it ended). */
OTEL_API otel_span_exporter_t otel_memory_spans_exporter(otel_memory_spans_t *m);

OTEL_API size_t otel_memory_spans_count(const otel_memory_spans_t *m);

/* The i-th span (i < count), or NULL. Valid until the next reset or free. */
OTEL_API const otel_span_data_t *otel_memory_spans_at(const otel_memory_spans_t *m, size_t i);

/* The first span named name, or NULL. Valid until the next reset or free. */
OTEL_API const otel_span_data_t *otel_memory_spans_find(const otel_memory_spans_t *m,
                                                        const char *name);

/* Forgets every span kept so far. */
OTEL_API void otel_memory_spans_reset(otel_memory_spans_t *m);

/* Frees m and the spans it kept; after otel_shutdown(). Accepts NULL. */
OTEL_API void otel_memory_spans_free(otel_memory_spans_t *m);

/*
 * Starts the SDK for a test, as otel_init(default_service_name) does, but
 * with no exporter of the OTEL_* environment and no thread: spans go to
 * spans (when not NULL) as they end, and log lines are written by their
 * callers. Processors and a sampler registered before still apply.
 * Returns as otel_init().
 */
OTEL_API int otel_testing_init(const char *default_service_name, otel_memory_spans_t *spans);

#ifdef __cplusplus
}
#endif

#endif
