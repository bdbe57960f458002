/*
 * Processors and exporters of the program's own, for spans and log
 * records, and exporters for metrics: code that sees each span as it
 * starts and ends, or each log record as it is written (to enrich, filter
 * or redact it), and code that sends them, or each collection of metrics,
 * somewhere of its own.
 *
 * Both are tables of callbacks, registered before otel_init() and called
 * in the order they were registered, before the pipeline the OTEL_*
 * environment configures (OTEL_TRACES_EXPORTER), which comes last. A table
 * begins with its own size, which the OTEL_*_INIT macros set: a libotel.so
 * that has grown the table since the program was built sees the shorter
 * size and treats the callbacks the program does not know as absent
 * (docs/extending.md).
 */
#ifndef OTEL_PROCESSOR_H
#define OTEL_PROCESSOR_H

#include <otel/log_data.h>
#include <otel/metric_data.h>
#include <otel/span_data.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_span_processor {
  size_t size; /* sizeof(otel_span_processor_t): OTEL_SPAN_PROCESSOR_INIT sets it */
  void *ud;    /* passed to each callback */
  /* A recording span has started, on the thread that started it. The span
   * may still be written (otel_span_set_attr() and the rest); parent is the
   * context it was started under (its span context invalid for a root
   * span), borrowed for the call. NULL: none. */
  void (*on_start)(void *ud, otel_span_t *span, const otel_context_t *parent);
  /* A recording span has ended, on the thread that ended it; the view is
   * valid for the call. Returns true to pass the span on to the processors
   * registered after this one, false to drop it for them (and for the
   * exporters). NULL: passes every span on. */
  bool (*on_end)(void *ud, const otel_span_data_t *span);
  /* otel_force_flush(): finish what is pending. 0 or a negative errno. NULL: nothing to do. */
  int (*force_flush)(void *ud, uint32_t timeout_ms);
  /* otel_shutdown(): the last call; release ud. 0 or a negative errno. NULL: nothing to do. */
  int (*shutdown)(void *ud, uint32_t timeout_ms);
} otel_span_processor_t;

#define OTEL_SPAN_PROCESSOR_INIT(...)                                                              \
  ((otel_span_processor_t){.size = sizeof(otel_span_processor_t), __VA_ARGS__})

/* Registers p (the table is copied; ud is borrowed until its shutdown).
 * Returns 0; -EBUSY after otel_init(); -EINVAL for a table with no size;
 * -ENOSPC past 16 processors and exporters. Not thread-safe. */
OTEL_API int otel_add_span_processor(const otel_span_processor_t *p);

typedef enum otel_export_result {
  OTEL_EXPORT_SUCCESS = 0,
  OTEL_EXPORT_FAILURE = 1, /* the spans are lost; the exporter counts or reports them */
} otel_export_result_t;

typedef struct otel_span_exporter {
  size_t size; /* sizeof(otel_span_exporter_t): OTEL_SPAN_EXPORTER_INIT sets it */
  void *ud;
  /* Exports n sampled, ended spans. Never called concurrently with itself.
   * It must return within timeout_ms, giving up rather than blocking:
   * shutdown waits for it. The views are valid for the call. Required. */
  otel_export_result_t (*export_spans)(void *ud, const otel_span_data_t *const *spans, size_t n,
                                       uint32_t timeout_ms);
  /* After the spans queued before otel_force_flush() were exported. NULL: nothing to do. */
  int (*force_flush)(void *ud, uint32_t timeout_ms);
  /* After the last export; release ud. NULL: nothing to do. */
  void (*shutdown)(void *ud, uint32_t timeout_ms);
} otel_span_exporter_t;

#define OTEL_SPAN_EXPORTER_INIT(...)                                                               \
  ((otel_span_exporter_t){.size = sizeof(otel_span_exporter_t), __VA_ARGS__})

/* How an exporter is driven. */
typedef enum otel_processing {
  /* The batch span processor: a queue and a thread of their own, with the
   * OTEL_BSP_* settings; ending a span never waits on the exporter. */
  OTEL_PROCESSING_BATCH,
  /* The simple span processor: each span is exported as it ends, on the
   * thread that ends it. For tests, and for exporters that must see each
   * span at once. */
  OTEL_PROCESSING_SIMPLE,
} otel_processing_t;

/* Registers exporter e behind a processor of the kind how, in the order of
 * the processors. Only sampled spans reach it. The table is copied; ud is
 * borrowed until its shutdown. Returns as otel_add_span_processor(), and
 * -EINVAL without export_spans. Not thread-safe. */
OTEL_API int otel_add_span_exporter(const otel_span_exporter_t *e, otel_processing_t how);

/* --- log records --- */

typedef struct otel_log_processor {
  size_t size; /* sizeof(otel_log_processor_t): OTEL_LOG_PROCESSOR_INIT sets it */
  void *ud;
  /* A log record was written (otel_log(), otel_log_event()), on the thread
   * that wrote it, after its JSON line. The record may still be written
   * (otel_log_data_set_attr(), _set_body()); the view is valid for the
   * call. Returns true to pass the record on to the processors registered
   * after this one, false to drop it for them (and for the exporters).
   * NULL: passes every record on. */
  bool (*on_emit)(void *ud, otel_log_data_t *record);
  int (*force_flush)(void *ud, uint32_t timeout_ms);
  int (*shutdown)(void *ud, uint32_t timeout_ms);
} otel_log_processor_t;

#define OTEL_LOG_PROCESSOR_INIT(...)                                                               \
  ((otel_log_processor_t){.size = sizeof(otel_log_processor_t), __VA_ARGS__})

/* As otel_add_span_processor(), for log records (16 at most, exporters included). */
OTEL_API int otel_add_log_processor(const otel_log_processor_t *p);

typedef struct otel_log_exporter {
  size_t size; /* sizeof(otel_log_exporter_t): OTEL_LOG_EXPORTER_INIT sets it */
  void *ud;
  /* As export_spans, for log records. Required. */
  otel_export_result_t (*export_logs)(void *ud, const otel_log_data_t *const *records, size_t n,
                                      uint32_t timeout_ms);
  int (*force_flush)(void *ud, uint32_t timeout_ms);
  void (*shutdown)(void *ud, uint32_t timeout_ms);
} otel_log_exporter_t;

#define OTEL_LOG_EXPORTER_INIT(...)                                                                \
  ((otel_log_exporter_t){.size = sizeof(otel_log_exporter_t), __VA_ARGS__})

/* As otel_add_span_exporter(), for log records: the batch processor with
 * the OTEL_BLRP_* settings, or the simple one. */
OTEL_API int otel_add_log_exporter(const otel_log_exporter_t *e, otel_processing_t how);

/* --- metrics --- */

typedef struct otel_metric_exporter {
  size_t size; /* sizeof(otel_metric_exporter_t): OTEL_METRIC_EXPORTER_INIT sets it */
  void *ud;
  /* Exports one collection: the aggregated points of every instrument, made
   * by the periodic reader every OTEL_METRIC_EXPORT_INTERVAL, at
   * otel_force_flush() and at shutdown. Called on the reader's thread,
   * never concurrently; it must return within timeout_ms. Required. */
  otel_export_result_t (*export_metrics)(void *ud, const otel_metrics_data_t *data,
                                         uint32_t timeout_ms);
  int (*force_flush)(void *ud, uint32_t timeout_ms);
  void (*shutdown)(void *ud, uint32_t timeout_ms);
} otel_metric_exporter_t;

#define OTEL_METRIC_EXPORTER_INIT(...)                                                             \
  ((otel_metric_exporter_t){.size = sizeof(otel_metric_exporter_t), __VA_ARGS__})

/* Registers e beside the exporters OTEL_METRICS_EXPORTER names: each
 * collection goes to all of them. The table is copied; ud is borrowed
 * until its shutdown. Returns 0; -EINVAL without export_metrics; -EBUSY
 * after otel_init(); -ENOSPC past 16. Not thread-safe. */
OTEL_API int otel_add_metric_exporter(const otel_metric_exporter_t *e);

#ifdef __cplusplus
}
#endif

#endif
