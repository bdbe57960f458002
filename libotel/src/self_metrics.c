/*
 * The SDK's own health as metrics, named as the semantic conventions for SDK
 * metrics name them: for spans and log records, how many each batch processor
 * passed on or dropped (error.type=queue_full) and how many each exporter
 * exported or failed to (error.type says why); for metrics, how many data
 * points were exported or failed. Observable counters read the counts the
 * pipelines keep anyway, so recording costs nothing more.
 */
#include "self_metrics.h"

#include <otel/metrics.h>

#include "batch.h"
#include "metric_reader.h"

#define SCOPE "libotel"

typedef struct signal_names {
  const char *processor_type, *processor_name; /* otel.component.* of the batch processor */
  const char *exporter_json, *exporter_protobuf, *exporter_console, *exporter_name;
} signal_names_t;

static const signal_names_t SPANS = {"batching_span_processor",      "batching_span_processor/0",
                                     "otlp_http_json_span_exporter", "otlp_http_span_exporter",
                                     "console_span_exporter",        "span_exporter/0"};
static const signal_names_t LOGS = {"batching_log_processor",      "batching_log_processor/0",
                                    "otlp_http_json_log_exporter", "otlp_http_log_exporter",
                                    "console_log_exporter",        "log_exporter/0"};

static const char *exporter_type(const signal_names_t *names, int kinds,
                                 const otel__otlp_config_t *otlp) {
  if (!(kinds & OTEL__EXPORT_OTLP))
    return names->exporter_console;
  return otlp->protocol == OTEL__PROTOCOL_JSON ? names->exporter_json : names->exporter_protobuf;
}

/* One point per outcome: no error.type for success, else the cause. */
static void observe_outcomes(otel_observer_t *o, const char *type, const char *name, uint64_t ok,
                             const uint64_t *failed_by) {
  otel_attr_t attrs[3] = {OTEL_ATTR_STR("otel.component.type", type),
                          OTEL_ATTR_STR("otel.component.name", name)};
  otel_observe_int(o, (int64_t)ok, attrs, 2);
  for (int f = 0; f < OTEL__FAILURES; f++) {
    if (!failed_by[f])
      continue;
    attrs[2] = OTEL_ATTR_STR("error.type", otel__failure_name((otel__failure_t)f));
    otel_observe_int(o, (int64_t)failed_by[f], attrs, 3);
  }
}

static void observe_processed(otel_observer_t *o, otel__batch_t *b, const signal_names_t *names) {
  if (!b)
    return;
  otel__batch_stats_t s = otel__batch_stats(b);
  otel_attr_t attrs[3] = {OTEL_ATTR_STR("otel.component.type", names->processor_type),
                          OTEL_ATTR_STR("otel.component.name", names->processor_name),
                          OTEL_ATTR_STR("error.type", "queue_full")};
  otel_observe_int(o, (int64_t)(s.exported + s.failed), attrs, 2); /* passed to the exporter */
  if (s.dropped)
    otel_observe_int(o, (int64_t)s.dropped, attrs, 3);
}

static void observe_exported(otel_observer_t *o, otel__batch_t *b, const signal_names_t *names,
                             int kinds, const otel__otlp_config_t *otlp) {
  if (!b)
    return;
  otel__batch_stats_t s = otel__batch_stats(b);
  observe_outcomes(o, exporter_type(names, kinds, otlp), names->exporter_name, s.exported,
                   s.failed_by);
}

static void spans_processed(otel_observer_t *o, void *ud) {
  const otel__sdk_t *sdk = ud;
  observe_processed(o, sdk->spans, &SPANS);
}

static void spans_exported(otel_observer_t *o, void *ud) {
  const otel__sdk_t *sdk = ud;
  observe_exported(o, sdk->spans, &SPANS, sdk->config.traces_exporters, &sdk->config.traces_otlp);
}

static void logs_processed(otel_observer_t *o, void *ud) {
  const otel__sdk_t *sdk = ud;
  observe_processed(o, sdk->logs, &LOGS);
}

static void logs_exported(otel_observer_t *o, void *ud) {
  const otel__sdk_t *sdk = ud;
  observe_exported(o, sdk->logs, &LOGS, sdk->config.logs_exporters, &sdk->config.logs_otlp);
}

static void points_exported(otel_observer_t *o, void *ud) {
  const otel__sdk_t *sdk = ud;
  if (!sdk->metrics)
    return;
  otel__reader_stats_t s = otel__reader_stats(sdk->metrics);
  const char *type = sdk->config.metrics_exporters & OTEL__EXPORT_OTLP
                         ? (sdk->config.metrics_otlp.protocol == OTEL__PROTOCOL_JSON
                                ? "otlp_http_json_metric_exporter"
                                : "otlp_http_metric_exporter")
                         : "console_metric_exporter";
  observe_outcomes(o, type, "metric_exporter/0", s.exported, s.failed_by);
}

void otel__self_metrics_register(otel__sdk_t *sdk) {
  otel_observable_counter(SCOPE, "otel.sdk.processor.span.processed", "{span}",
                          "The number of spans for which the processing has finished, either "
                          "successful or failed.",
                          spans_processed, sdk);
  otel_observable_counter(SCOPE, "otel.sdk.exporter.span.exported", "{span}",
                          "The number of spans for which the export has finished, either "
                          "successful or failed.",
                          spans_exported, sdk);
  otel_observable_counter(SCOPE, "otel.sdk.processor.log.processed", "{log_record}",
                          "The number of log records for which the processing has finished, "
                          "either successful or failed.",
                          logs_processed, sdk);
  otel_observable_counter(SCOPE, "otel.sdk.exporter.log.exported", "{log_record}",
                          "The number of log records for which the export has finished, either "
                          "successful or failed.",
                          logs_exported, sdk);
  otel_observable_counter(SCOPE, "otel.sdk.exporter.metric_data_point.exported", "{data_point}",
                          "The number of metric data points for which the export has finished, "
                          "either successful or failed.",
                          points_exported, sdk);
}
