/*
 * The SDK's own health as metrics, named as the semantic conventions for SDK
 * metrics name them: for spans and log records, how many each batch processor
 * passed on or dropped (error.type=queue_full) and how many each exporter
 * exported or failed to (error.type says why), and how full each queue is;
 * for metrics, how many data points were exported or failed. Observable counters read the counts
 * the pipelines keep anyway, so recording costs nothing more.
 */
#include "metrics/self_metrics.h"

#include <otel/metrics.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "export/batch.h"
#include "metrics/metric_reader.h"
#include "metrics/metrics.h"
#include "trace/span_pool.h"

#define SCOPE "libotel"

/* One signal's pipeline as its metrics name it, and where its counts are (not
 * const: observable callbacks take a void *). */
typedef struct pipeline {
  const char *signal, *unit, *items;           /* in the metrics' names, units and descriptions */
  const char *processor_type, *processor_name; /* otel.component.* of the batch processor */
  const char *exporter_json, *exporter_protobuf, *exporter_console, *exporter_name;
  otel__batch_t *const *batch; /* NULL for metrics: the reader keeps their counts */
  const int *kinds;            /* OTEL__EXPORT_* bits */
  const otel__otlp_config_t *otlp;
} pipeline_t;

static pipeline_t SPANS = {"span",
                           "{span}",
                           "spans",
                           "batching_span_processor",
                           "batching_span_processor/0",
                           "otlp_http_json_span_exporter",
                           "otlp_http_span_exporter",
                           "console_span_exporter",
                           "span_exporter/0",
                           &otel__sdk.spans,
                           &otel__sdk.config.traces_exporters,
                           &otel__sdk.config.traces_otlp};
static pipeline_t LOGS = {"log",
                          "{log_record}",
                          "log records",
                          "batching_log_processor",
                          "batching_log_processor/0",
                          "otlp_http_json_log_exporter",
                          "otlp_http_log_exporter",
                          "console_log_exporter",
                          "log_exporter/0",
                          &otel__sdk.logs,
                          &otel__sdk.config.logs_exporters,
                          &otel__sdk.config.logs_otlp};
static pipeline_t METRICS = {"metric_data_point",
                             "{data_point}",
                             "metric data points",
                             NULL,
                             NULL,
                             "otlp_http_json_metric_exporter",
                             "otlp_http_metric_exporter",
                             "console_metric_exporter",
                             "metric_exporter/0",
                             NULL,
                             &otel__sdk.config.metrics_exporters,
                             &otel__sdk.config.metrics_otlp};

/* otel.sdk.processor.*.processed: passed to the exporter, or dropped. */
static void processed(otel_observer_t *o, void *ud) {
  const pipeline_t *p = ud;
  if (!*p->batch)
    return;
  otel__batch_stats_t s = otel__batch_stats(*p->batch);
  otel_attr_t attrs[3] = {OTEL_ATTR_STR("otel.component.type", p->processor_type),
                          OTEL_ATTR_STR("otel.component.name", p->processor_name),
                          OTEL_ATTR_STR("error.type", "queue_full")};
  otel_observe_int(o, (int64_t)(s.exported + s.failed), attrs, 2);
  if (s.dropped)
    otel_observe_int(o, (int64_t)s.dropped, attrs, 3);
}

/* otel.sdk.processor.*.queue.size and .capacity. */
static void queue_observed(otel_observer_t *o, const pipeline_t *p, bool capacity) {
  if (!*p->batch)
    return;
  otel__batch_stats_t s = otel__batch_stats(*p->batch);
  otel_attr_t attrs[2] = {OTEL_ATTR_STR("otel.component.type", p->processor_type),
                          OTEL_ATTR_STR("otel.component.name", p->processor_name)};
  otel_observe_int(o, capacity ? s.capacity : s.size, attrs, 2);
}
static void queue_size(otel_observer_t *o, void *ud) { queue_observed(o, ud, false); }
static void queue_capacity(otel_observer_t *o, void *ud) { queue_observed(o, ud, true); }

/* otel.sdk.span.started: by the parent's origin and the sampler's result. */
static void spans_started(otel_observer_t *o, void *ud) {
  (void)ud;
  static const char *const origin[OTEL__ORIGINS] = {"none", "local", "remote"};
  static const char *const result[2] = {"DROP", "RECORD_AND_SAMPLE"};
  otel__span_counts_t c = otel__span_counts();
  for (int p = 0; p < OTEL__ORIGINS; p++)
    for (int s = 0; s < 2; s++)
      if (c.started[p][s]) {
        otel_attr_t attrs[2] = {OTEL_ATTR_STR("otel.span.parent.origin", origin[p]),
                                OTEL_ATTR_STR("otel.span.sampling_result", result[s])};
        otel_observe_int(o, (int64_t)c.started[p][s], attrs, 2);
      }
}

/* otel.sdk.span.live: the sampled spans started and not yet ended (the
 * others never record). */
static void spans_live(otel_observer_t *o, void *ud) {
  (void)ud;
  otel__span_counts_t c = otel__span_counts();
  uint64_t started = 0;
  for (int p = 0; p < OTEL__ORIGINS; p++)
    started += c.started[p][1];
  otel_observe_int(o, (int64_t)(started - c.ended),
                   &OTEL_ATTR_STR("otel.span.sampling_result", "RECORD_AND_SAMPLE"), 1);
}

/* The exporter's otel.component.type, as the registry spells it. */
static const char *exporter_type(const pipeline_t *p) {
  return !(*p->kinds & OTEL__EXPORT_OTLP)           ? p->exporter_console
         : p->otlp->protocol == OTEL__PROTOCOL_JSON ? p->exporter_json
                                                    : p->exporter_protobuf;
}

/* otel.sdk.exporter.*.inflight: what an export under way carries. */
static void inflight(otel_observer_t *o, void *ud) {
  const pipeline_t *p = ud;
  uint64_t n;
  if (p->batch) {
    if (!*p->batch)
      return;
    n = otel__batch_stats(*p->batch).inflight;
  } else {
    if (!otel__sdk.metrics)
      return;
    n = otel__reader_stats(otel__sdk.metrics).inflight;
  }
  otel_attr_t attrs[2] = {OTEL_ATTR_STR("otel.component.type", exporter_type(p)),
                          OTEL_ATTR_STR("otel.component.name", p->exporter_name)};
  otel_observe_int(o, (int64_t)n, attrs, 2);
}

/* otel.sdk.exporter.*.exported: one point for success (no error.type), one
 * per cause of failure. */
static void exported(otel_observer_t *o, void *ud) {
  const pipeline_t *p = ud;
  uint64_t ok, failed_by[OTEL__FAILURES];
  if (p->batch) {
    if (!*p->batch)
      return;
    otel__batch_stats_t s = otel__batch_stats(*p->batch);
    ok = s.exported;
    memcpy(failed_by, s.failed_by, sizeof(failed_by));
  } else {
    if (!otel__sdk.metrics)
      return;
    otel__reader_stats_t s = otel__reader_stats(otel__sdk.metrics);
    ok = s.exported;
    memcpy(failed_by, s.failed_by, sizeof(failed_by));
  }
  otel_attr_t attrs[3] = {OTEL_ATTR_STR("otel.component.type", exporter_type(p)),
                          OTEL_ATTR_STR("otel.component.name", p->exporter_name)};
  otel_observe_int(o, (int64_t)ok, attrs, 2);
  for (int f = 0; f < OTEL__FAILURES; f++) {
    if (!failed_by[f])
      continue;
    attrs[2] = OTEL_ATTR_STR("error.type", otel__failure_name((otel__failure_t)f));
    otel_observe_int(o, (int64_t)failed_by[f], attrs, 3);
  }
}

/* Seconds, as the conventions give them for HTTP durations. */
static const double SECONDS[] = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                 0.5,   0.75, 1,     2.5,  5,     7.5, 10};
#define N_SECONDS (sizeof(SECONDS) / sizeof(SECONDS[0]))
static otel_histogram_t *operation_duration, *collection_duration;

/* otel.sdk.exporter.operation.duration and
 * otel.sdk.metric_reader.collection.duration, as the pipelines tell them. */
static void told(const char *what, size_t n, int rc, uint64_t ns) {
  (void)n;
  otel_attr_t attrs[3];
  const pipeline_t *p = !strcmp(what, "spans")                ? &SPANS
                        : !strcmp(what, "log records")        ? &LOGS
                        : !strcmp(what, "metric data points") ? &METRICS
                                                              : NULL;
  bool collection = !strcmp(what, "collection");
  if (!p && !collection)
    return;
  attrs[0] = OTEL_ATTR_STR("otel.component.type",
                           collection ? "periodic_metric_reader" : exporter_type(p));
  attrs[1] = OTEL_ATTR_STR("otel.component.name",
                           collection ? "periodic_metric_reader/0" : p->exporter_name);
  if (rc)
    attrs[2] = OTEL_ATTR_STR("error.type", otel__failure_name(otel__failure_of(rc)));
  otel__histogram_record_always(collection ? collection_duration : operation_duration,
                                (double)ns / 1e9, attrs, rc ? 3 : 2);
}

/* A pipeline's metrics: its batch processor's (none for metrics) and its
 * exporter's. */
static void register_pipeline(pipeline_t *p) {
  char name[96], desc[192];
#define NAMED(...) (snprintf(name, sizeof(name), __VA_ARGS__), name)
#define DESCRIBED(...) (snprintf(desc, sizeof(desc), __VA_ARGS__), desc)
  if (p->batch) {
    otel_observable_counter(
        SCOPE, NAMED("otel.sdk.processor.%s.processed", p->signal), p->unit,
        DESCRIBED("The number of %s for which the processing has finished, either successful "
                  "or failed.",
                  p->items),
        processed, p);
    otel_observable_updown_counter(
        SCOPE, NAMED("otel.sdk.processor.%s.queue.size", p->signal), p->unit,
        DESCRIBED("The number of %s in the queue of a given instance of an SDK %s processor.",
                  p->items, p->signal),
        queue_size, p);
    otel_observable_updown_counter(
        SCOPE, NAMED("otel.sdk.processor.%s.queue.capacity", p->signal), p->unit,
        DESCRIBED("The maximum number of %s the queue of a given instance of an SDK %s "
                  "processor can hold.",
                  p->items, p->signal),
        queue_capacity, p);
  }
  otel_observable_counter(
      SCOPE, NAMED("otel.sdk.exporter.%s.exported", p->signal), p->unit,
      DESCRIBED("The number of %s for which the export has finished, either successful or "
                "failed.",
                p->items),
      exported, p);
  otel_observable_updown_counter(
      SCOPE, NAMED("otel.sdk.exporter.%s.inflight", p->signal), p->unit,
      DESCRIBED("The number of %s which were passed to the exporter, but that have not been "
                "exported yet (neither successful, nor failed).",
                p->items),
      inflight, p);
#undef NAMED
#undef DESCRIBED
}

void otel__self_metrics_register(void) {
  operation_duration =
      otel_histogram(SCOPE, "otel.sdk.exporter.operation.duration", "s",
                     "The duration of exporting a batch of telemetry records.", SECONDS, N_SECONDS);
  collection_duration = otel_histogram(
      SCOPE, "otel.sdk.metric_reader.collection.duration", "s",
      "The duration of the collect operation of the metric reader.", SECONDS, N_SECONDS);
  atomic_store_explicit(&otel__export_hook, told, memory_order_release);
  otel_observable_counter(SCOPE, "otel.sdk.span.started", "{span}", "The number of created spans.",
                          spans_started, NULL);
  otel_observable_updown_counter(SCOPE, "otel.sdk.span.live", "{span}",
                                 "The number of created spans with recording=true for which the "
                                 "end operation has not been called yet.",
                                 spans_live, NULL);
  register_pipeline(&SPANS);
  register_pipeline(&LOGS);
  register_pipeline(&METRICS);
}
