/* OTEL_* environment parsing: defaults, every supported value, and warnings for the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/diag.h"
#include "test.h"
#include "test_env.h"

TEST(defaults_are_the_specifications) {
  otel__config_t c;
  CHECK_INT(TEST_CONFIG_LOAD(&c, "UNRELATED=1"), 0);
  CHECK(!c.disabled);
  CHECK(c.service_name == NULL);
  CHECK_INT(c.traces_exporters, OTEL__EXPORT_OTLP);
  CHECK_STR(c.traces_otlp.url, "http://localhost:4318/v1/traces");
  CHECK_INT(c.traces_otlp.protocol, OTEL__PROTOCOL_PROTOBUF);
  CHECK(!c.traces_otlp.gzip);
  CHECK_INT(c.traces_otlp.timeout_ms, 10000);
  CHECK_INT(c.traces_otlp.n_headers, 0);
  CHECK_INT(c.bsp.schedule_delay_ms, 5000);
  CHECK_INT(c.bsp.export_timeout_ms, 30000);
  CHECK_INT(c.bsp.max_queue_size, 2048);
  CHECK_INT(c.bsp.max_export_batch_size, 512);
  CHECK_INT(c.sampler, OTEL__SAMPLER_PARENT_ALWAYS_ON);
  CHECK_INT(c.propagators, OTEL__PROPAGATE_TRACECONTEXT | OTEL__PROPAGATE_BAGGAGE);
  CHECK_INT(c.span_limits.attr_count, 128);
  CHECK_INT(c.span_limits.attr_value_length, 0);
  CHECK_INT(c.span_limits.event_count, 128);
  CHECK_INT(c.span_limits.link_count, 128);
  CHECK_INT(c.metrics_temporality, OTEL__TEMPORALITY_CUMULATIVE);
  CHECK_INT(c.metric_interval_ms, 60000);
  CHECK_INT(c.metric_timeout_ms, 30000);
  CHECK_INT(c.exemplar_filter, OTEL__EXEMPLARS_TRACE_BASED);
  CHECK_INT(c.blrp.schedule_delay_ms, 1000);
  CHECK_INT(c.blrp.max_queue_size, 2048);
  otel__config_free(&c);
}

TEST(disabled_is_case_insensitive_true_only) {
  otel__config_t c;
  TEST_CONFIG_LOAD(&c, "OTEL_SDK_DISABLED=TRUE");
  CHECK(c.disabled);
  otel__config_free(&c);
  test_diag_capture();
  TEST_CONFIG_LOAD(&c, "OTEL_SDK_DISABLED=yes");
  CHECK(!c.disabled);
  CHECK(strstr(test_diag_text(), "OTEL_SDK_DISABLED=yes is not a boolean"));
  otel__config_free(&c);
}

TEST(log_level_filters_the_sdks_diagnostics) {
  otel__config_t c;
  test_diag_capture(); /* the default, info: warnings and errors, no debug */
  TEST_CONFIG_LOAD(&c, "OTEL_SDK_DISABLED=yes");
  otel__debug("debug line");
  CHECK(strstr(test_diag_text(), "OTEL_SDK_DISABLED=yes is not a boolean"));
  CHECK(!strstr(test_diag_text(), "debug line"));
  otel__config_free(&c);

  test_diag_capture(); /* error: a warning about a later variable is not written */
  TEST_CONFIG_LOAD(&c, "OTEL_LOG_LEVEL=error", "OTEL_SDK_DISABLED=yes");
  otel__error("error line");
  CHECK(!strstr(test_diag_text(), "not a boolean"));
  CHECK(strstr(test_diag_text(), "error line"));
  otel__config_free(&c);

  test_diag_capture(); /* none: nothing at all */
  TEST_CONFIG_LOAD(&c, "OTEL_LOG_LEVEL=none");
  otel__error("error line");
  CHECK_STR(test_diag_text(), "");
  otel__config_free(&c);

  test_diag_capture(); /* any case; debug lets everything through */
  TEST_CONFIG_LOAD(&c, "OTEL_LOG_LEVEL=DEBUG");
  otel__debug("debug line");
  CHECK(strstr(test_diag_text(), "debug line"));
  otel__config_free(&c);

  test_diag_capture(); /* an unknown level: a warning, then info */
  TEST_CONFIG_LOAD(&c, "OTEL_LOG_LEVEL=loud");
  otel__debug("debug line");
  CHECK(strstr(test_diag_text(), "OTEL_LOG_LEVEL=loud is not supported; using info"));
  CHECK(!strstr(test_diag_text(), "debug line"));
  otel__config_free(&c);
  TEST_CONFIG_LOAD(&c, "X=1"); /* info again for the tests that follow */
  otel__config_free(&c);
}

TEST(tls_files_are_read_per_signal_and_unreadable_ones_warn_once) {
  char ca[] = "/tmp/config-ca.XXXXXX", other[] = "/tmp/config-other.XXXXXX";
  int fa = mkstemp(ca), fo = mkstemp(other);
  CHECK(fa >= 0 && fo >= 0);
  close(fa);
  close(fo);
  char general[64], traces[64];
  snprintf(general, sizeof(general), "OTEL_EXPORTER_OTLP_CERTIFICATE=%s", ca);
  snprintf(traces, sizeof(traces), "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE=%s", other);
  otel__config_t c;
  CHECK_INT(TEST_CONFIG_LOAD(&c, general, traces), 0);
  CHECK_STR(c.traces_otlp.ca_file, other); /* the signal's own wins */
  CHECK_STR(c.metrics_otlp.ca_file, ca);
  CHECK_STR(c.logs_otlp.ca_file, ca);
  CHECK(c.traces_otlp.client_cert == NULL && c.traces_otlp.client_key == NULL);
  otel__config_free(&c);

  test_diag_capture(); /* read by three signals, warned about once */
  CHECK_INT(TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_CLIENT_KEY=/no/such/key.pem"), 0);
  const char *text = test_diag_text();
  const char *first = strstr(text, "OTEL_EXPORTER_OTLP_CLIENT_KEY=/no/such/key.pem cannot be read");
  CHECK(first != NULL);
  CHECK(first && !strstr(first + 1, "OTEL_EXPORTER_OTLP_CLIENT_KEY"));
  CHECK(c.traces_otlp.client_key == NULL && c.logs_otlp.client_key == NULL);
  otel__config_free(&c);
  unlink(ca);
  unlink(other);
}

TEST(endpoint_base_gets_the_signal_path) {
  otel__config_t c;
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318/");
  CHECK_STR(c.traces_otlp.url, "http://collector:4318/v1/traces");
  otel__config_free(&c);
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_ENDPOINT=https://c.example/otlp");
  CHECK_STR(c.traces_otlp.url, "https://c.example/otlp/v1/traces");
  otel__config_free(&c);
}

TEST(signal_endpoint_is_used_as_is) {
  otel__config_t c;
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_ENDPOINT=http://a:4318",
                   "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://b:9999/custom");
  CHECK_STR(c.traces_otlp.url, "http://b:9999/custom");
  otel__config_free(&c);
}

TEST(endpoint_credentials_are_not_shown) {
  otel__config_t c;
  CHECK_INT(TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_ENDPOINT=https://u:pw@collector:4318",
                             "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://c/v1/logs?sig=pw"),
            0);
  CHECK_STR(c.traces_otlp.url, "https://u:pw@collector:4318/v1/traces");
  CHECK_STR(c.traces_otlp.shown_url, "https://REDACTED:REDACTED@collector:4318/v1/traces");
  CHECK_STR(c.logs_otlp.shown_url, "http://c/v1/logs?sig=REDACTED");
  otel__config_free(&c);
}

TEST(protocol_compression_timeout) {
  otel__config_t c;
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_PROTOCOL=http/json",
                   "OTEL_EXPORTER_OTLP_COMPRESSION=gzip", "OTEL_EXPORTER_OTLP_TIMEOUT=2500");
  CHECK_INT(c.traces_otlp.protocol, OTEL__PROTOCOL_JSON);
  CHECK(c.traces_otlp.gzip);
  CHECK_INT(c.traces_otlp.timeout_ms, 2500);
  otel__config_free(&c);
  /* the signal's own variables win */
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_PROTOCOL=http/json",
                   "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf",
                   "OTEL_EXPORTER_OTLP_TIMEOUT=2500", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=700");
  CHECK_INT(c.traces_otlp.protocol, OTEL__PROTOCOL_PROTOBUF);
  CHECK_INT(c.traces_otlp.timeout_ms, 700);
  otel__config_free(&c);
}

/* The gRPC calls' paths: each collector service's Export method. */
#define TRACE_EXPORT "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
#define METRICS_EXPORT "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"
#define LOGS_EXPORT "/opentelemetry.proto.collector.logs.v1.LogsService/Export"

TEST(grpc_endpoints) {
  otel__config_t c;
  /* the default is 4317, and each signal calls its service's Export */
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_PROTOCOL=grpc");
  CHECK_INT(c.traces_otlp.protocol, OTEL__PROTOCOL_GRPC);
  CHECK_STR(c.traces_otlp.url, "http://localhost:4317" TRACE_EXPORT);
  CHECK_STR(c.metrics_otlp.url, "http://localhost:4317" METRICS_EXPORT);
  CHECK_STR(c.logs_otlp.url, "http://localhost:4317" LOGS_EXPORT);
  otel__config_free(&c);
  /* a path is not the call's; the signal's endpoint wins; https stays */
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
                   "OTEL_EXPORTER_OTLP_ENDPOINT=https://collector:4317/some/path/",
                   "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://logs:4317");
  CHECK_STR(c.traces_otlp.url, "https://collector:4317" TRACE_EXPORT);
  CHECK_STR(c.logs_otlp.url, "http://logs:4317" LOGS_EXPORT);
  otel__config_free(&c);
  /* without a scheme: TLS, unless _INSECURE is true (the signal's own wins) */
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
                   "OTEL_EXPORTER_OTLP_ENDPOINT=collector:4317", "OTEL_EXPORTER_OTLP_INSECURE=true",
                   "OTEL_EXPORTER_OTLP_METRICS_INSECURE=false");
  CHECK_STR(c.traces_otlp.url, "http://collector:4317" TRACE_EXPORT);
  CHECK_STR(c.metrics_otlp.url, "https://collector:4317" METRICS_EXPORT);
  otel__config_free(&c);
  /* _INSECURE does not apply to a scheme; one signal may use gRPC alone */
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc",
                   "OTEL_EXPORTER_OTLP_ENDPOINT=https://collector:4317",
                   "OTEL_EXPORTER_OTLP_INSECURE=true");
  CHECK_STR(c.traces_otlp.url, "https://collector:4317" TRACE_EXPORT);
  CHECK_INT(c.logs_otlp.protocol, OTEL__PROTOCOL_PROTOBUF);
  CHECK_STR(c.logs_otlp.url, "https://collector:4317/v1/logs");
  otel__config_free(&c);
  test_diag_capture();
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
                   "OTEL_EXPORTER_OTLP_ENDPOINT=collector:4317", "OTEL_EXPORTER_OTLP_INSECURE=yes");
  CHECK_STR(c.traces_otlp.url, "https://collector:4317" TRACE_EXPORT);
  CHECK(strstr(test_diag_text(), "OTEL_EXPORTER_OTLP_INSECURE=yes is not a boolean; using false"));
  otel__config_free(&c);
}

TEST(unsupported_values_warn_and_fall_back) {
  otel__config_t c;
  test_diag_capture();
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_PROTOCOL=thrift", "OTEL_EXPORTER_OTLP_COMPRESSION=zstd",
                   "OTEL_TRACES_SAMPLER=jaeger_remote", "OTEL_BSP_SCHEDULE_DELAY=soon",
                   "OTEL_TRACES_EXPORTER=zipkin,console", "OTEL_PROPAGATORS=b3,tracecontext",
                   "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=sometimes",
                   "OTEL_METRICS_EXEMPLAR_FILTER=sometimes");
  CHECK_INT(c.metrics_temporality, OTEL__TEMPORALITY_CUMULATIVE);
  CHECK(strstr(test_diag_text(),
               "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=sometimes is not supported"));
  CHECK_INT(c.traces_otlp.protocol, OTEL__PROTOCOL_PROTOBUF);
  CHECK(!c.traces_otlp.gzip);
  CHECK_INT(c.sampler, OTEL__SAMPLER_PARENT_ALWAYS_ON);
  CHECK_INT(c.bsp.schedule_delay_ms, 5000);
  CHECK_INT(c.traces_exporters, OTEL__EXPORT_CONSOLE);
  CHECK_INT(c.propagators, OTEL__PROPAGATE_TRACECONTEXT);
  const char *d = test_diag_text();
  CHECK(strstr(d, "OTEL_EXPORTER_OTLP_PROTOCOL=thrift is not supported; using http/protobuf"));
  CHECK(strstr(d, "OTEL_EXPORTER_OTLP_COMPRESSION=zstd is not supported; using none"));
  CHECK(strstr(d, "OTEL_METRICS_EXEMPLAR_FILTER=sometimes is not supported; using trace_based"));
  CHECK_INT(c.exemplar_filter, OTEL__EXEMPLARS_TRACE_BASED);
  CHECK(strstr(d, "OTEL_TRACES_SAMPLER=jaeger_remote is not supported"));
  CHECK(strstr(d, "OTEL_BSP_SCHEDULE_DELAY=soon is not a non-negative integer; using 5000"));
  CHECK(strstr(d, "OTEL_TRACES_EXPORTER: 'zipkin' is not supported"));
  CHECK(strstr(d, "OTEL_PROPAGATORS: 'b3' is not supported"));
  otel__config_free(&c);
}

TEST(exporter_and_propagator_lists) {
  otel__config_t c;
  TEST_CONFIG_LOAD(&c, "OTEL_TRACES_EXPORTER= OTLP , console", "OTEL_PROPAGATORS=none");
  CHECK_INT(c.traces_exporters, OTEL__EXPORT_OTLP | OTEL__EXPORT_CONSOLE);
  CHECK_INT(c.propagators, 0);
  otel__config_free(&c);
  TEST_CONFIG_LOAD(&c, "OTEL_TRACES_EXPORTER=none");
  CHECK_INT(c.traces_exporters, 0);
  otel__config_free(&c);
}

TEST(headers_are_percent_decoded_and_signal_ones_win) {
  otel__config_t c;
  TEST_CONFIG_LOAD(&c, "OTEL_EXPORTER_OTLP_HEADERS=api-key=secret%20one, tenant = a",
                   "OTEL_EXPORTER_OTLP_TRACES_HEADERS=Tenant=b,bad");
  CHECK_INT(c.traces_otlp.n_headers, 2);
  CHECK_STR(c.traces_otlp.headers[0].name, "api-key");
  CHECK_STR(c.traces_otlp.headers[0].value, "secret one");
  CHECK_STR(c.traces_otlp.headers[1].name, "tenant");
  CHECK_STR(c.traces_otlp.headers[1].value, "b");
  otel__config_free(&c);
}

TEST(sampler_and_ratio) {
  otel__config_t c;
  TEST_CONFIG_LOAD(&c, "OTEL_TRACES_SAMPLER=traceidratio", "OTEL_TRACES_SAMPLER_ARG=0.25");
  CHECK_INT(c.sampler, OTEL__SAMPLER_RATIO);
  CHECK(c.sampler_ratio == 0.25);
  otel__config_free(&c);
  test_diag_capture();
  TEST_CONFIG_LOAD(&c, "OTEL_TRACES_SAMPLER=parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG=2");
  CHECK_INT(c.sampler, OTEL__SAMPLER_PARENT_RATIO);
  CHECK(c.sampler_ratio == 1.0);
  CHECK(strstr(test_diag_text(), "OTEL_TRACES_SAMPLER_ARG=2 is not a ratio"));
  otel__config_free(&c);
  TEST_CONFIG_LOAD(&c, "OTEL_TRACES_SAMPLER=always_off");
  CHECK_INT(c.sampler, OTEL__SAMPLER_ALWAYS_OFF);
  otel__config_free(&c);
}

TEST(batch_sizes_are_checked) {
  otel__config_t c;
  test_diag_capture();
  TEST_CONFIG_LOAD(&c, "OTEL_BSP_MAX_QUEUE_SIZE=100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=500");
  CHECK_INT(c.bsp.max_queue_size, 100);
  CHECK_INT(c.bsp.max_export_batch_size, 100);
  CHECK(strstr(test_diag_text(), "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=500"));
  otel__config_free(&c);
  TEST_CONFIG_LOAD(&c, "OTEL_BSP_MAX_QUEUE_SIZE=99999999999");
  CHECK_INT(c.bsp.max_queue_size, 1u << 20); /* hard cap */
  otel__config_free(&c);
  /* log records' own, and the metric reader's */
  TEST_CONFIG_LOAD(&c, "OTEL_BLRP_SCHEDULE_DELAY=250", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE=64",
                   "OTEL_METRIC_EXPORT_INTERVAL=1500", "OTEL_METRIC_EXPORT_TIMEOUT=700");
  CHECK_INT(c.blrp.schedule_delay_ms, 250);
  CHECK_INT(c.blrp.max_export_batch_size, 64);
  CHECK_INT(c.bsp.schedule_delay_ms, 5000);
  CHECK_INT(c.metric_interval_ms, 1500);
  CHECK_INT(c.metric_timeout_ms, 700);
  otel__config_free(&c);
}

TEST(limits_general_and_span_specific) {
  otel__config_t c;
  TEST_CONFIG_LOAD(&c, "OTEL_ATTRIBUTE_COUNT_LIMIT=10", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=32",
                   "OTEL_SPAN_EVENT_COUNT_LIMIT=3", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT=2");
  CHECK_INT(c.span_limits.attr_count, 10);
  CHECK_INT(c.span_limits.attr_value_length, 32);
  CHECK_INT(c.span_limits.event_count, 3);
  CHECK_INT(c.span_limits.link_attr_count, 2);
  CHECK_INT(c.log_attr_count, 10); /* a log record's, from the general ones */
  CHECK_INT(c.log_attr_value_length, 32);
  otel__config_free(&c);
  TEST_CONFIG_LOAD(&c, "OTEL_ATTRIBUTE_COUNT_LIMIT=10", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=20",
                   "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=32",
                   "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT=64", "OTEL_SPAN_LINK_COUNT_LIMIT=4",
                   "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT=5");
  CHECK_INT(c.span_limits.attr_count, 20);
  CHECK_INT(c.span_limits.attr_value_length, 64);
  CHECK_INT(c.span_limits.link_count, 4);
  CHECK_INT(c.span_limits.event_attr_count, 5);
  CHECK_INT(c.log_attr_count, 10); /* the span's own are not a log record's */
  CHECK_INT(c.log_attr_value_length, 32);
  otel__config_free(&c);
  TEST_CONFIG_LOAD(&c, "OTEL_ATTRIBUTE_COUNT_LIMIT=10", "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT=3",
                   "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT=7");
  CHECK_INT(c.log_attr_count, 3);
  CHECK_INT(c.log_attr_value_length, 7);
  CHECK_INT(c.span_limits.attr_count, 10);
  CHECK_INT(c.span_limits.attr_value_length, 0);
  otel__config_free(&c);
}

TEST(service_name_and_resource_attributes_are_kept) {
  otel__config_t c;
  TEST_CONFIG_LOAD(&c, "OTEL_SERVICE_NAME= billing ", "OTEL_RESOURCE_ATTRIBUTES=a=b");
  CHECK_STR(c.service_name, "billing");
  CHECK_STR(c.resource_attributes, "a=b");
  otel__config_free(&c);
}

TEST_MAIN("config", TEST_CASE(defaults_are_the_specifications),
          TEST_CASE(endpoint_credentials_are_not_shown),
          TEST_CASE(disabled_is_case_insensitive_true_only),
          TEST_CASE(log_level_filters_the_sdks_diagnostics),
          TEST_CASE(tls_files_are_read_per_signal_and_unreadable_ones_warn_once),
          TEST_CASE(endpoint_base_gets_the_signal_path), TEST_CASE(signal_endpoint_is_used_as_is),
          TEST_CASE(protocol_compression_timeout), TEST_CASE(grpc_endpoints),
          TEST_CASE(unsupported_values_warn_and_fall_back),
          TEST_CASE(exporter_and_propagator_lists),
          TEST_CASE(headers_are_percent_decoded_and_signal_ones_win), TEST_CASE(sampler_and_ratio),
          TEST_CASE(batch_sizes_are_checked), TEST_CASE(limits_general_and_span_specific),
          TEST_CASE(service_name_and_resource_attributes_are_kept))
