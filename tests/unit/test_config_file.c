/*
 * The configuration file (OTEL_CONFIG_FILE): each property libotel reads,
 * written here as the schema gives it, and what it becomes; substitution;
 * versions; the warnings and the one-line errors with line and column.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <otel/log.h>

#include "common/config.h"
#include "common/diag.h"
#include "test.h"
#include "test_env.h"

static char path[64];

/* Loads yaml as the configuration file, with the extra "NAME=value"
 * variables given (NULL-terminated) beside OTEL_CONFIG_FILE. */
static int load(otel__config_t *c, const char *yaml, const char *const *vars) {
  snprintf(path, sizeof(path), "/tmp/otel-config-test-%d.yaml", (int)getpid());
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fputs(yaml, f);
  fclose(f);
  const char *env[16];
  char file[96];
  snprintf(file, sizeof(file), "OTEL_CONFIG_FILE=%s", path);
  int n = 0;
  env[n++] = file;
  for (; vars && *vars && n < 15; vars++)
    env[n++] = *vars;
  env[n] = NULL;
  test_diag_capture();
  int rc = otel__config_load(c, test_env_get, (void *)env);
  unlink(path);
  return rc;
}

#define LOAD(c, yaml, ...) load((c), (yaml), (const char *const[]){__VA_ARGS__ NULL})

static bool said(const char *what) { return strstr(test_diag_text(), what) != NULL; }

static const char *header(const otel__otlp_config_t *o, const char *name) {
  for (int i = 0; i < o->n_headers; i++)
    if (!strcmp(o->headers[i].name, name))
      return o->headers[i].value;
  return NULL;
}

/* The smallest file: nothing is exported, nothing propagated, and the
 * other OTEL_* variables are not read. */
TEST(the_file_is_the_whole_configuration) {
  otel__config_t c;
  CHECK_INT(LOAD(&c, "file_format: \"1.0\"\n", "OTEL_TRACES_EXPORTER=console",
                 "OTEL_SERVICE_NAME=from-env", "OTEL_BSP_SCHEDULE_DELAY=7", ),
            0);
  CHECK(!c.disabled);
  CHECK_INT(c.traces_exporters, 0);
  CHECK_INT(c.metrics_exporters, 0);
  CHECK_INT(c.logs_exporters, 0);
  CHECK_INT(c.propagators, 0);
  CHECK(c.service_name == NULL);
  CHECK_INT(c.bsp.schedule_delay_ms, 5000);
  CHECK_INT(c.sampler, OTEL__SAMPLER_PARENT_ALWAYS_ON);
  CHECK_STR(test_diag_text(), "");
  otel__config_free(&c);
}

TEST(top_level_properties) {
  otel__config_t c;
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.1\"\n"
                 "disabled: true\n"
                 "log_level: warn\n"
                 "attribute_limits:\n"
                 "  attribute_value_length_limit: 100\n"
                 "  attribute_count_limit: 10\n"
                 "  attribute_value_depth_limit: 8\n", ),
            0);
  CHECK(c.disabled);
  CHECK(!otel__diag_enabled(OTEL__DIAG_INFO) && otel__diag_enabled(OTEL__DIAG_WARN));
  CHECK_INT(c.span_limits.attr_value_length, 100);
  CHECK_INT(c.span_limits.attr_count, 10);
  CHECK_INT(c.log_attr_count, 10);
  CHECK_INT(c.log_attr_value_length, 100);
  otel__config_free(&c);
  otel__diag_set_level(OTEL__DIAG_INFO);
}

TEST(resource_attributes_typed_listed_and_schema_url) {
  otel__config_t c;
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "resource:\n"
                 "  schema_url: https://opentelemetry.io/schemas/1.26.0\n"
                 "  attributes_list: service.name=from-list,team=a%20b\n"
                 "  attributes:\n"
                 "    - name: service.name\n"
                 "      value: checkout\n"
                 "    - name: replicas\n"
                 "      value: 3\n"
                 "      type: int\n"
                 "    - name: canary\n"
                 "      value: true\n"
                 "      type: bool\n"
                 "    - name: weight\n"
                 "      value: 0.5\n"
                 "      type: double\n"
                 "    - name: zones\n"
                 "      value: [a, b]\n"
                 "      type: string_array\n"
                 "    - name: ports\n"
                 "      value: [80, 443]\n"
                 "      type: int_array\n", ),
            0);
  CHECK_STR(c.resource_schema_url, "https://opentelemetry.io/schemas/1.26.0");
  CHECK_STR(c.resource_attributes, "service.name=from-list,team=a%20b");
  const otel__attrs_t *a = &c.resource_attrs;
  CHECK_STR(otel__attrs_find(a, "service.name")->v.s, "checkout");
  CHECK_INT(otel__attrs_find(a, "replicas")->v.i, 3);
  CHECK(otel__attrs_find(a, "canary")->v.b);
  CHECK(otel__attrs_find(a, "weight")->v.d == 0.5);
  const otel_attr_t *zones = otel__attrs_find(a, "zones");
  CHECK_INT(zones->type, OTEL_VALUE_STRING_ARRAY);
  CHECK_INT(zones->v.array.len, 2);
  CHECK_STR(((const char *const *)zones->v.array.items)[1], "b");
  const otel_attr_t *ports = otel__attrs_find(a, "ports");
  CHECK_INT(((const int64_t *)ports->v.array.items)[1], 443);
  otel__config_free(&c);
}

TEST(propagators_composite_and_list) {
  otel__config_t c;
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "propagator:\n"
                 "  composite:\n"
                 "    - tracecontext:\n"
                 "    - b3:\n", ),
            0);
  CHECK_INT(c.propagators, OTEL__PROPAGATE_TRACECONTEXT);
  CHECK(said("propagator.composite[1].b3 is not supported"));
  otel__config_free(&c);
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "propagator:\n"
                 "  composite_list: baggage,jaeger\n", ),
            0);
  CHECK_INT(c.propagators, OTEL__PROPAGATE_BAGGAGE);
  CHECK(said("'jaeger' is not supported"));
  otel__config_free(&c);
}

TEST(tracer_provider_batch_otlp_http_with_everything) {
  otel__config_t c;
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "tracer_provider:\n"
                 "  processors:\n"
                 "    - batch:\n"
                 "        schedule_delay: 200\n"
                 "        export_timeout: 3000\n"
                 "        max_queue_size: 100\n"
                 "        max_export_batch_size: 10\n"
                 "        exporter:\n"
                 "          otlp_http:\n"
                 "            endpoint: http://collector:4318/v1/traces\n"
                 "            compression: gzip\n"
                 "            timeout: 5000\n"
                 "            encoding: json\n"
                 "            headers_list: x-team=a,api-key=from-list\n"
                 "            headers:\n"
                 "              - name: api-key\n"
                 "                value: s3cr=t,\n"
                 "            tls:\n"
                 "              ca_file: /dev/null\n"
                 "              cert_file: /dev/null\n"
                 "              key_file: /dev/null\n"
                 "    - simple:\n"
                 "        exporter:\n"
                 "          console:\n"
                 "  limits:\n"
                 "    attribute_value_length_limit: 64\n"
                 "    attribute_count_limit: 32\n"
                 "    event_count_limit: 4\n"
                 "    link_count_limit: 5\n"
                 "    event_attribute_count_limit: 6\n"
                 "    link_attribute_count_limit: 7\n", ),
            0);
  CHECK_INT(c.traces_exporters, OTEL__EXPORT_OTLP | OTEL__EXPORT_CONSOLE);
  CHECK_STR(c.traces_otlp.url, "http://collector:4318/v1/traces");
  CHECK_INT(c.traces_otlp.protocol, OTEL__PROTOCOL_JSON);
  CHECK(c.traces_otlp.gzip);
  CHECK_INT(c.traces_otlp.timeout_ms, 5000);
  CHECK_STR(header(&c.traces_otlp, "x-team"), "a");
  CHECK_STR(header(&c.traces_otlp, "api-key"), "s3cr=t,"); /* headers win, their value whole */
  CHECK_STR(c.traces_otlp.ca_file, "/dev/null");
  CHECK_STR(c.traces_otlp.client_cert, "/dev/null");
  CHECK_STR(c.traces_otlp.client_key, "/dev/null");
  CHECK_INT(c.bsp.schedule_delay_ms, 200);
  CHECK_INT(c.bsp.export_timeout_ms, 3000);
  CHECK_INT(c.bsp.max_queue_size, 100);
  CHECK_INT(c.bsp.max_export_batch_size, 10);
  CHECK(said("one processor's settings are used for every exporter"));
  CHECK_INT(c.span_limits.attr_value_length, 64);
  CHECK_INT(c.span_limits.attr_count, 32);
  CHECK_INT(c.span_limits.event_count, 4);
  CHECK_INT(c.span_limits.link_count, 5);
  CHECK_INT(c.span_limits.event_attr_count, 6);
  CHECK_INT(c.span_limits.link_attr_count, 7);
  CHECK_INT(c.logs_exporters, 0);
  otel__config_free(&c);
}

TEST(simple_processor_and_otlp_grpc) {
  otel__config_t c;
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "logger_provider:\n"
                 "  processors:\n"
                 "    - simple:\n"
                 "        exporter:\n"
                 "          otlp_grpc:\n"
                 "            endpoint: collector:4317\n"
                 "            tls:\n"
                 "              insecure: true\n"
                 "  limits:\n"
                 "    attribute_count_limit: 3\n"
                 "    attribute_value_length_limit: 9\n", ),
            0);
  CHECK_INT(c.logs_exporters, OTEL__EXPORT_OTLP);
  CHECK_INT(c.logs_otlp.protocol, OTEL__PROTOCOL_GRPC);
  CHECK_STR(c.logs_otlp.url, "http://collector:4317/opentelemetry.proto.collector.logs.v1."
                             "LogsService/Export");
  /* each record as soon as it is written, from the pipeline's thread */
  CHECK_INT(c.blrp.schedule_delay_ms, 0);
  CHECK_INT(c.blrp.max_export_batch_size, 1);
  CHECK_INT(c.log_attr_count, 3);
  CHECK_INT(c.log_attr_value_length, 9);
  CHECK_INT(c.traces_exporters, 0);
  otel__config_free(&c);
}

TEST(samplers_with_all_five_parent_based_branches) {
  otel__config_t c;
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "tracer_provider:\n"
                 "  sampler:\n"
                 "    parent_based:\n"
                 "      root:\n"
                 "        trace_id_ratio_based:\n"
                 "          ratio: 0.25\n"
                 "      remote_parent_sampled:\n"
                 "        always_off:\n"
                 "      remote_parent_not_sampled:\n"
                 "        always_on:\n"
                 "      local_parent_sampled:\n"
                 "        trace_id_ratio_based:\n"
                 "          ratio: 0.5\n"
                 "      local_parent_not_sampled:\n"
                 "        always_on:\n", ),
            0);
  CHECK_INT(c.sampler, OTEL__SAMPLER_PARENT_RATIO);
  CHECK(c.sampler_ratio == 0.25);
  CHECK_INT(c.sampler_parent[OTEL__PARENT_REMOTE_SAMPLED].kind, OTEL__SAMPLER_ALWAYS_OFF);
  CHECK_INT(c.sampler_parent[OTEL__PARENT_REMOTE_NOT_SAMPLED].kind, OTEL__SAMPLER_ALWAYS_ON);
  CHECK_INT(c.sampler_parent[OTEL__PARENT_LOCAL_SAMPLED].kind, OTEL__SAMPLER_RATIO);
  CHECK(c.sampler_parent[OTEL__PARENT_LOCAL_SAMPLED].ratio == 0.5);
  CHECK_INT(c.sampler_parent[OTEL__PARENT_LOCAL_NOT_SAMPLED].kind, OTEL__SAMPLER_ALWAYS_ON);
  otel__config_free(&c);
  CHECK_INT(LOAD(&c, "file_format: \"1.0\"\ntracer_provider:\n  sampler:\n    always_off:\n", ), 0);
  CHECK_INT(c.sampler, OTEL__SAMPLER_ALWAYS_OFF);
  otel__config_free(&c);
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\ntracer_provider:\n  sampler:\n    "
                 "trace_id_ratio_based:\n      ratio: 0.1\n", ),
            0);
  CHECK_INT(c.sampler, OTEL__SAMPLER_RATIO);
  CHECK(c.sampler_ratio == 0.1);
  otel__config_free(&c);
  /* parent_based with no branches: the specification's defaults */
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\ntracer_provider:\n  sampler:\n    parent_based:\n      "
                 "root:\n        always_off:\n", ),
            0);
  CHECK_INT(c.sampler, OTEL__SAMPLER_PARENT_ALWAYS_OFF);
  CHECK_INT(c.sampler_parent[OTEL__PARENT_REMOTE_SAMPLED].kind, OTEL__SAMPLER_ALWAYS_ON);
  CHECK_INT(c.sampler_parent[OTEL__PARENT_REMOTE_NOT_SAMPLED].kind, OTEL__SAMPLER_ALWAYS_OFF);
  otel__config_free(&c);
}

TEST(meter_provider_periodic_reader) {
  otel__config_t c;
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "meter_provider:\n"
                 "  exemplar_filter: always_off\n"
                 "  readers:\n"
                 "    - periodic:\n"
                 "        interval: 1000\n"
                 "        timeout: 500\n"
                 "        cardinality_limits:\n"
                 "          default: 50\n"
                 "          histogram: 10\n"
                 "        exporter:\n"
                 "          otlp_http:\n"
                 "            endpoint: http://collector:4318/v1/metrics\n"
                 "            temporality_preference: low_memory\n"
                 "            default_histogram_aggregation: explicit_bucket_histogram\n"
                 "    - periodic:\n"
                 "        exporter:\n"
                 "          console:\n"
                 "            temporality_preference: delta\n", ),
            0);
  CHECK_INT(c.metrics_exporters, OTEL__EXPORT_OTLP | OTEL__EXPORT_CONSOLE);
  CHECK_STR(c.metrics_otlp.url, "http://collector:4318/v1/metrics");
  CHECK_INT(c.metric_interval_ms, 1000);
  CHECK_INT(c.metric_timeout_ms, 500);
  /* one temporality for every exporter: the last one named */
  CHECK_INT(c.metrics_temporality, OTEL__TEMPORALITY_DELTA);
  CHECK_INT(c.exemplar_filter, OTEL__EXEMPLARS_ALWAYS_OFF);
  CHECK_INT(c.cardinality_limit, 50);
  CHECK_INT(c.cardinality_by_kind[2], 10); /* histograms */
  CHECK_INT(c.cardinality_by_kind[0], 0);  /* counters: the default's */
  otel__config_free(&c);
}

TEST(substitution_of_scalars) {
  otel__config_t c;
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "resource:\n"
                 "  attributes:\n"
                 "    - name: service.name\n"
                 "      value: ${SERVICE}\n"
                 "    - name: env\n"
                 "      value: ${env:UNSET:-staging}\n"
                 "    - name: price\n"
                 "      value: $$5 and $${SERVICE}\n"
                 "    - name: empty\n"
                 "      value: \"${UNSET}\"\n"
                 "    - name: nested\n"
                 "      value: ${REF}\n"
                 "tracer_provider:\n"
                 "  processors:\n"
                 "    - batch:\n"
                 "        schedule_delay: ${DELAY}\n"
                 "        exporter:\n"
                 "          otlp_http:\n"
                 "            endpoint: ${ENDPOINT:-http://default:4318/v1/traces}\n",
                 "SERVICE=checkout", "DELAY=250", "REF=${SERVICE}", ),
            0);
  const otel__attrs_t *a = &c.resource_attrs;
  CHECK_STR(otel__attrs_find(a, "service.name")->v.s, "checkout");
  CHECK_STR(otel__attrs_find(a, "env")->v.s, "staging");
  CHECK_STR(otel__attrs_find(a, "price")->v.s, "$5 and ${SERVICE}");
  CHECK_STR(otel__attrs_find(a, "empty")->v.s, "");
  CHECK_STR(otel__attrs_find(a, "nested")->v.s, "${SERVICE}"); /* not substituted again */
  CHECK_INT(c.bsp.schedule_delay_ms, 250);                     /* typed after substitution */
  CHECK_STR(c.traces_otlp.url, "http://default:4318/v1/traces");
  otel__config_free(&c);
}

TEST(logger_configurator_minimum_severity) {
  otel__config_t c;
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "logger_provider:\n"
                 "  logger_configurator/development:\n"
                 "    default_config:\n"
                 "      minimum_severity: warn2\n"
                 "    loggers:\n"
                 "      - name: noisy\n", ),
            0);
  CHECK_INT(c.log_min_severity, 14);
  CHECK(said("logger_configurator/development.loggers is not supported"));
  otel__config_free(&c);
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\nlogger_provider:\n  logger_configurator/development:\n"
                 "    default_config:\n      enabled: false\n", ),
            0);
  CHECK(c.log_min_severity > OTEL_SEVERITY_FATAL + 3);
  otel__config_free(&c);
  CHECK_INT(LOAD(&c, "file_format: \"1.0\"\n", ), 0);
  CHECK_INT(c.log_min_severity, 0);
  otel__config_free(&c);
}

TEST(versions) {
  otel__config_t c;
  CHECK_INT(LOAD(&c, "file_format: \"1.7\"\n", ), 0);
  CHECK(said("file_format 1.7 is newer than libotel knows"));
  otel__config_free(&c);
  CHECK_INT(LOAD(&c, "file_format: \"2.0\"\ndisabled: false\n", ), -EINVAL);
  CHECK(said(":1:14: file_format '2.0' is not supported"));
  otel__config_free(&c);
  CHECK_INT(LOAD(&c, "disabled: false\n", ), -EINVAL);
  CHECK(said("file_format is required"));
  otel__config_free(&c);
}

/* One line with the line and column; nothing of the file is used. */
TEST(a_malformed_file_is_one_error_with_its_place) {
  otel__config_t c;
  CHECK_INT(LOAD(&c, "file_format: \"1.0\"\ntracer_provider:\n  processors: [\n", ), -EINVAL);
  CHECK(said(".yaml:4:1: "));
  CHECK(said("telemetry is off"));
  CHECK(!strchr(strchr(test_diag_text(), '\n') + 1, '\n')); /* one line */
  otel__config_free(&c);
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "tracer_provider:\n"
                 "  processors:\n"
                 "    - batch:\n"
                 "        schedule_delay: soon\n"
                 "        exporter:\n"
                 "          console:\n", ),
            -EINVAL);
  CHECK(said(":5:25: schedule_delay must be an integer of at least 0, not 'soon'"));
  otel__config_free(&c);
  CHECK_INT(LOAD(&c, "file_format: \"1.0\"\nresource:\n  schema_url: ${BAD:?x}\n", ), -EINVAL);
  CHECK(said(":3:15: '${BAD:?x}' holds a malformed ${...} reference"));
  otel__config_free(&c);
  CHECK_INT(LOAD(&c, "- a\n- b\n", ), -EINVAL);
  CHECK(said("the file is not a map of properties"));
  otel__config_free(&c);
  const char *missing[] = {"OTEL_CONFIG_FILE=/nonexistent/otel.yaml", NULL};
  test_diag_capture();
  CHECK_INT(otel__config_load(&c, test_env_get, missing), -EINVAL);
  CHECK(said("/nonexistent/otel.yaml: cannot be read"));
  otel__config_free(&c);
}

/* A property libotel does not support: one warning naming it, and the rest is used. */
TEST(unsupported_properties_are_warned_about_by_name) {
  otel__config_t c;
  CHECK_INT(LOAD(&c,
                 "file_format: \"1.0\"\n"
                 "instrumentation/development:\n"
                 "  general: {}\n"
                 "meter_provider:\n"
                 "  views:\n"
                 "    - selector: {instrument_name: x}\n"
                 "  readers:\n"
                 "    - pull:\n"
                 "        exporter:\n"
                 "          prometheus/development: {}\n"
                 "tracer_provider:\n"
                 "  processors:\n"
                 "    - batch:\n"
                 "        exporter:\n"
                 "          otlp_http:\n"
                 "            max_request_size: 10\n"
                 "            surprise: 1\n", ),
            0);
  CHECK(said(":2: instrumentation/development is not supported by libotel; ignored"));
  CHECK(said(":5: meter_provider.views is not supported"));
  CHECK(said(":8: meter_provider.readers[0].pull is not supported"));
  CHECK(said(
      ":17: tracer_provider.processors[0].batch.exporter.otlp_http.surprise is not supported"));
  CHECK(said("otlp_http.max_request_size is not supported"));
  CHECK_INT(c.traces_exporters, OTEL__EXPORT_OTLP);
  CHECK_INT(c.metrics_exporters, 0);
  otel__config_free(&c);
}

TEST_MAIN("config_file", TEST_CASE(the_file_is_the_whole_configuration),
          TEST_CASE(top_level_properties),
          TEST_CASE(resource_attributes_typed_listed_and_schema_url),
          TEST_CASE(propagators_composite_and_list),
          TEST_CASE(tracer_provider_batch_otlp_http_with_everything),
          TEST_CASE(simple_processor_and_otlp_grpc),
          TEST_CASE(samplers_with_all_five_parent_based_branches),
          TEST_CASE(meter_provider_periodic_reader), TEST_CASE(substitution_of_scalars),
          TEST_CASE(logger_configurator_minimum_severity), TEST_CASE(versions),
          TEST_CASE(a_malformed_file_is_one_error_with_its_place),
          TEST_CASE(unsupported_properties_are_warned_about_by_name))
