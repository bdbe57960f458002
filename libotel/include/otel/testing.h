/*
 * Testing support: a program's unit tests start the SDK with exporters that
 * keep what they are given in memory, run the code under test, then read,
 * count and reset what was recorded. No thread, socket or receiver is
 * involved: spans and log records are kept as they end or are written, on
 * the thread that ends or writes them, and metrics are collected on the
 * thread that calls otel_force_flush().
 *
 *   otel_memory_t *memory = otel_memory_new();
 *   otel_testing_init("my-service", memory);
 *   handle_request(...);
 *   assert(otel_memory_span_count(memory) == 2);
 *   const otel_span_data_t *s = otel_memory_find_span(memory, "GET /items");
 *   otel_force_flush(1000);
 *   const otel_metric_data_t *m = otel_memory_find_metric(memory, "items.shown");
 *   otel_memory_reset(memory);
 */
#ifndef OTEL_TESTING_H
#define OTEL_TESTING_H

#include <otel/processor.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What in-memory exporters were given: spans and log records, each in the
 * order they came, and the last collection of metrics. Thread-safe. */
typedef struct otel_memory otel_memory_t;

/* A new, empty one; NULL when out of memory. Free with otel_memory_free(). */
OTEL_API otel_memory_t *otel_memory_new(void);

/* The exporters that fill m, for otel_add_span_exporter() and
 * otel_add_log_exporter() (with OTEL_PROCESSING_SIMPLE, each item is there
 * as soon as it ended or was written). otel_testing_init() adds both. */
OTEL_API otel_span_exporter_t otel_memory_span_exporter(otel_memory_t *m);
OTEL_API otel_log_exporter_t otel_memory_log_exporter(otel_memory_t *m);
OTEL_API otel_metric_exporter_t otel_memory_metric_exporter(otel_memory_t *m);

/* The spans kept, in the order they ended: how many, the i-th (NULL past
 * the end), and the first named name (or NULL). Borrowed until the next
 * otel_memory_reset() or otel_memory_free(). */
OTEL_API size_t otel_memory_span_count(const otel_memory_t *m);
OTEL_API const otel_span_data_t *otel_memory_span(const otel_memory_t *m, size_t i);
OTEL_API const otel_span_data_t *otel_memory_find_span(const otel_memory_t *m, const char *name);

/* The log records kept, in the order they were written, and the first
 * whose body is body; borrowed as spans are. */
OTEL_API size_t otel_memory_log_count(const otel_memory_t *m);
OTEL_API const otel_log_data_t *otel_memory_log(const otel_memory_t *m, size_t i);
OTEL_API const otel_log_data_t *otel_memory_find_log(const otel_memory_t *m, const char *body);

/* The last collection of metrics (otel_force_flush() makes one), or NULL,
 * and the stream named name in it, or NULL. Borrowed until the next
 * collection, otel_memory_reset() or otel_memory_free(). */
OTEL_API const otel_metrics_data_t *otel_memory_metrics(const otel_memory_t *m);
OTEL_API const otel_metric_data_t *otel_memory_find_metric(const otel_memory_t *m,
                                                           const char *name);

/* Forgets everything kept so far. */
OTEL_API void otel_memory_reset(otel_memory_t *m);

/* Frees m and what it kept; after otel_shutdown(). Accepts NULL. */
OTEL_API void otel_memory_free(otel_memory_t *m);

/*
 * Starts the SDK for a test, as otel_init(default_service_name) does, but
 * with no exporter of the OTEL_* environment and no thread: spans and log
 * records go to memory (when not NULL) as they end or are written, each
 * otel_force_flush() collects metrics into it, and log lines are written by
 * their callers. Processors and a sampler registered
 * before still apply, before memory's exporters. Returns as otel_init(),
 * or as otel_add_span_exporter() when there is no room for them.
 */
OTEL_API int otel_testing_init(const char *default_service_name, otel_memory_t *memory);

#ifdef __cplusplus
}
#endif

#endif
