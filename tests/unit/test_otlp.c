/* OTLP encoding: spans to protobuf and to OTLP/JSON, decoded again and compared field by field. */
#include <errno.h>
#include <jansson.h>
#include <otel/trace.h>
#include <stdlib.h>

#include "otlp_codec.h"
#include "otlp/logs_service.pb-c.h"
#include "otlp/metrics_service.pb-c.h"
#include "otlp/trace_service.pb-c.h"
#include "export/otlp_fields.h"
#include "export/otlp_metrics.h"
#include "export/otlp_trace.h"
#include "logs/log_record.h"
#include <otel/metrics.h>
#include "test.h"
#include "test_sdk.h"
#include "export/trace_exporter.h"

typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest request_t;
typedef Opentelemetry__Proto__Common__V1__KeyValue kv_t;

/* Two spans in one trace, from two scopes, with everything a span can carry. */
static int make_spans(otel_span_t **out) {
  otel_context_t remote;
  memset(&remote, 0, sizeof(remote));
  otel_traceparent_parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                         &remote.span_context);
  strcpy(remote.span_context.trace_state, "congo=t61rcWkgMzE");
  otel_span_t *server = otel_span_start_at(otel_tracer_get("scope.a", "1.0"), "GET /items/{id}",
                                           OTEL_SPAN_KIND_SERVER, &remote, 1000000000000000000ull);
  otel_span_set_str(server, "url.path", "/items/7 \"quoted\"\n\xff");
  otel_span_set_int(server, "http.response.status_code", -42);
  otel_span_set_bool(server, "flag", true);
  otel_span_set_double(server, "ratio", 2.5);
  int64_t ints[] = {1, 2};
  const char *strs[] = {"a", "b"};
  otel_attr_t arrays[] = {OTEL_ATTR_ARRAY("ints", OTEL_VALUE_INT_ARRAY, ints, 2),
                          OTEL_ATTR_ARRAY("strs", OTEL_VALUE_STRING_ARRAY, strs, 2)};
  otel_span_set_attrs(server, arrays, 2);
  otel_span_record_exception(server, "Timeout", "took too long", NULL);
  otel_span_set_status(server, OTEL_STATUS_ERROR, "upstream failed");
  otel_scope_t scope = otel_span_attach(server);
  otel_span_t *client =
      otel_span_start(otel_tracer_get("scope.b", ""), "SELECT items", OTEL_SPAN_KIND_CLIENT, NULL);
  otel_scope_end(&scope);
  otel_span_add_link(client, &remote.span_context, &OTEL_ATTR_STR("why", "retry"), 1);
  server->end_unix_ns = server->start_unix_ns + 5000000;
  client->end_unix_ns = client->start_unix_ns + 1000;
  out[0] = server;
  out[1] = client;
  return 2;
}

static const kv_t *find_kv(kv_t **kvs, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(kvs[i]->key, key))
      return kvs[i];
  return NULL;
}

/* The spans of make_spans, encoded for one protocol. */
typedef struct {
  otel_span_t *spans[2];
  otel__pbw_t w;
  otlp_buf_t json;
  const void *body;
  size_t len;
  int rc;
} encoded_t;

static void encode_spans(encoded_t *e, otel__protocol_t protocol) {
  make_spans(e->spans);
  otel__pbw_init(&e->w);
  otlp_buf_init(&e->json, 0);
  e->rc = otel__trace_encode(&e->w, &e->json, &otel__sdk.resource, e->spans, 2, protocol, &e->body,
                             &e->len);
}

static void encoded_free(encoded_t *e) {
  otel__pbw_free(&e->w);
  otlp_buf_free(&e->json);
  otel__span_free(e->spans[0]);
  otel__span_free(e->spans[1]);
}

TEST(protobuf_carries_every_field) {
  TEST_SDK_START("OTEL_SERVICE_NAME=encoder-test");
  encoded_t e;
  encode_spans(&e, OTEL__PROTOCOL_PROTOBUF);
  otel_span_t **spans = e.spans;
  CHECK_INT(e.rc, 0);
  request_t *req = opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
      NULL, e.len, e.body);
  CHECK(req);
  CHECK_INT(req->n_resource_spans, 1);
  Opentelemetry__Proto__Trace__V1__ResourceSpans *rs = req->resource_spans[0];
  const kv_t *svc = find_kv(rs->resource->attributes, rs->resource->n_attributes, "service.name");
  CHECK(svc);
  CHECK_STR(svc->value->string_value, "encoder-test");
  CHECK_INT(rs->n_scope_spans, 2);
  CHECK_STR(rs->scope_spans[0]->scope->name, "scope.a");
  CHECK_STR(rs->scope_spans[0]->scope->version, "1.0");
  CHECK_STR(rs->scope_spans[1]->scope->name, "scope.b");

  Opentelemetry__Proto__Trace__V1__Span *s = rs->scope_spans[0]->spans[0];
  CHECK_INT(s->trace_id.len, 16);
  CHECK(!memcmp(s->trace_id.data, spans[0]->ctx.trace_id, 16));
  CHECK(!memcmp(s->span_id.data, spans[0]->ctx.span_id, 8));
  CHECK_INT(s->parent_span_id.len, 8);
  CHECK_INT(s->parent_span_id.data[7], 0xb7);
  CHECK_STR(s->trace_state, "congo=t61rcWkgMzE");
  CHECK_INT(s->flags, 0x301); /* sampled, has-is-remote, is-remote */
  CHECK_STR(s->name, "GET /items/{id}");
  CHECK_INT(s->kind, 2);
  CHECK(s->start_time_unix_nano == 1000000000000000000ull);
  CHECK(s->end_time_unix_nano == 1000000000005000000ull);
  CHECK_INT(s->n_attributes, 6);
  CHECK_STR(find_kv(s->attributes, 6, "url.path")->value->string_value,
            "/items/7 \"quoted\"\n\xff");
  CHECK_INT(find_kv(s->attributes, 6, "http.response.status_code")->value->int_value, -42);
  CHECK(find_kv(s->attributes, 6, "flag")->value->bool_value);
  CHECK(find_kv(s->attributes, 6, "ratio")->value->double_value == 2.5);
  const kv_t *ints = find_kv(s->attributes, 6, "ints");
  CHECK_INT(ints->value->value_case,
            OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE);
  CHECK_INT(ints->value->array_value->n_values, 2);
  CHECK_INT(ints->value->array_value->values[1]->int_value, 2);
  CHECK_STR(find_kv(s->attributes, 6, "strs")->value->array_value->values[0]->string_value, "a");
  CHECK_INT(s->n_events, 1);
  CHECK_STR(s->events[0]->name, "exception");
  CHECK_STR(find_kv(s->events[0]->attributes, s->events[0]->n_attributes, "exception.message")
                ->value->string_value,
            "took too long");
  CHECK_INT(s->status->code, 2);
  CHECK_STR(s->status->message, "upstream failed");

  Opentelemetry__Proto__Trace__V1__Span *c = rs->scope_spans[1]->spans[0];
  CHECK(!memcmp(c->parent_span_id.data, spans[0]->ctx.span_id, 8));
  CHECK_INT(c->flags, 0x101); /* local parent */
  CHECK_INT(c->kind, 3);
  CHECK(c->status == NULL);
  CHECK_INT(c->n_links, 1);
  CHECK_INT(c->links[0]->span_id.data[7], 0xb7);
  CHECK_STR(c->links[0]->trace_state, "congo=t61rcWkgMzE");
  CHECK_STR(c->links[0]->attributes[0]->value->string_value, "retry");

  opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req,
                                                                                          NULL);
  encoded_free(&e);
  test_sdk_stop();
}

static json_t *path(json_t *j, const char *p) {
  char buf[256];
  snprintf(buf, sizeof(buf), "%s", p);
  for (char *tok = strtok(buf, "."); tok && j; tok = strtok(NULL, ".")) {
    if (tok[0] >= '0' && tok[0] <= '9')
      j = json_array_get(j, (size_t)atoi(tok));
    else
      j = json_object_get(j, tok);
  }
  return j;
}

static json_t *attr(json_t *attrs, const char *key) {
  size_t i;
  json_t *kv;
  json_array_foreach(attrs, i, kv) {
    if (!strcmp(json_string_value(json_object_get(kv, "key")), key))
      return json_object_get(kv, "value");
  }
  return NULL;
}

TEST(json_follows_the_otlp_mapping) {
  TEST_SDK_START("X=1");
  encoded_t e;
  encode_spans(&e, OTEL__PROTOCOL_JSON);
  CHECK_INT(e.rc, 0);
  CHECK(e.body == e.json.data);
  json_error_t err;
  json_t *root = json_loadb(e.body, e.len, 0, &err);
  CHECK(root);
  json_t *s = path(root, "resourceSpans.0.scopeSpans.0.spans.0");
  CHECK(s);
  CHECK_STR(json_string_value(json_object_get(s, "traceId")), "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK_STR(json_string_value(json_object_get(s, "parentSpanId")), "00f067aa0ba902b7");
  CHECK_INT(strlen(json_string_value(json_object_get(s, "spanId"))), 16);
  CHECK_INT(json_integer_value(json_object_get(s, "kind")), 2);
  CHECK_INT(json_integer_value(json_object_get(s, "flags")), 0x301);
  CHECK_STR(json_string_value(json_object_get(s, "startTimeUnixNano")), "1000000000000000000");
  CHECK_STR(json_string_value(json_object_get(s, "traceState")), "congo=t61rcWkgMzE");
  json_t *attrs = json_object_get(s, "attributes");
  /* invalid UTF-8 becomes U+FFFD; quotes and newlines are escaped */
  CHECK_STR(json_string_value(json_object_get(attr(attrs, "url.path"), "stringValue")),
            "/items/7 \"quoted\"\n\xef\xbf\xbd");
  CHECK_STR(
      json_string_value(json_object_get(attr(attrs, "http.response.status_code"), "intValue")),
      "-42");
  CHECK(json_is_true(json_object_get(attr(attrs, "flag"), "boolValue")));
  CHECK(json_real_value(json_object_get(attr(attrs, "ratio"), "doubleValue")) == 2.5);
  CHECK_STR(json_string_value(path(attr(attrs, "ints"), "arrayValue.values.1.intValue")), "2");
  CHECK_INT(json_integer_value(path(s, "status.code")), 2);
  CHECK_STR(json_string_value(path(s, "events.0.name")), "exception");
  json_t *svc = attr(path(root, "resourceSpans.0.resource.attributes"), "service.name");
  CHECK_STR(json_string_value(json_object_get(svc, "stringValue")), "test");
  json_t *c = path(root, "resourceSpans.0.scopeSpans.1.spans.0");
  CHECK(json_object_get(c, "status") == NULL); /* defaults are left out */
  CHECK_STR(json_string_value(path(c, "links.0.spanId")), "00f067aa0ba902b7");
  json_decref(root);
  encoded_free(&e);
  test_sdk_stop();
}

/* Each field number the direct writer uses, against protoc-c's descriptor of the .proto. */
/* What a receiver does with http/json: the JSON of a request reads back into
 * a message whose JSON is the same, field for field. (Not byte for byte in
 * protobuf: invalid UTF-8 in a string became U+FFFD on the way out.) */
TEST(json_reads_back_into_the_same_message) {
  TEST_SDK_START("X=1");
  encoded_t e;
  encode_spans(&e, OTEL__PROTOCOL_PROTOBUF);
  CHECK_INT(e.rc, 0);
  const ProtobufCMessageDescriptor *d =
      &opentelemetry__proto__collector__trace__v1__export_trace_service_request__descriptor;
  ProtobufCMessage *original = protobuf_c_message_unpack(d, NULL, e.len, e.body);
  CHECK(original);
  otlp_buf_t json;
  otlp_buf_init(&json, 0);
  otlp_json_encode(original, &json);
  ProtobufCMessage *back = NULL;
  CHECK_INT(otlp_json_decode(d, json.data, json.len, &back), 0);
  CHECK(back);
  otlp_buf_t again;
  otlp_buf_init(&again, 0);
  otlp_json_encode(back, &again);
  CHECK(again.len == json.len && !memcmp(again.data, json.data, json.len));
  otlp_buf_free(&again);
  protobuf_c_message_free_unpacked(back, NULL);
  /* snake_case names are accepted too, and unknown fields skipped */
  const char *snake = "{\"resource_spans\":[{\"scope_spans\":[{\"spans\":[{\"trace_id\":"
                      "\"4bf92f3577b34da6a3ce929d0e0e4736\",\"name\":\"x\",\"kind\":2,"
                      "\"startTimeUnixNano\":\"1700000000000000000\",\"future\":1}]}]}]}";
  CHECK_INT(otlp_json_decode(d, snake, strlen(snake), &back), 0);
  request_t *r = (request_t *)back;
  Opentelemetry__Proto__Trace__V1__Span *span = r->resource_spans[0]->scope_spans[0]->spans[0];
  CHECK_STR(span->name, "x");
  CHECK_INT(span->kind, 2);
  CHECK_INT(span->trace_id.len, 16);
  CHECK_INT(span->trace_id.data[0], 0x4b);
  CHECK(span->start_time_unix_nano == 1700000000000000000ull);
  protobuf_c_message_free_unpacked(back, NULL);
  static const char *const bad[] = {
      "",
      "[]",
      "{\"resourceSpans\":5}",
      "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}",
      "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":7}]}]}]}",
      "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"a\",\"name\":\"b\"}]}]}]}",
      "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"00\",\"trace_id\":\"00\"}]}]"
      "}]}",
      "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":"
      "{\"stringValue\":\"a\",\"intValue\":\"1\"}}]}}]}",
      "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":\"4294967296\"}]}]}]}",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    back = NULL;
    int rc = otlp_json_decode(d, bad[i], strlen(bad[i]), &back);
    if (rc != -EINVAL)
      fprintf(stderr, "    accepted: %s\n", bad[i]);
    CHECK_INT(rc, -EINVAL);
    CHECK(back == NULL);
  }
  /* deeper than any OTLP message: refused, not a stack overflow */
  otlp_buf_clear(&json);
  otlp_buf_puts(&json,
                "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":");
  for (int i = 0; i < 100; i++)
    otlp_buf_puts(&json, "{\"arrayValue\":{\"values\":[");
  otlp_buf_puts(&json, "{}");
  for (int i = 0; i < 100; i++)
    otlp_buf_puts(&json, "]}}");
  otlp_buf_puts(&json, "}]}}]}");
  CHECK_INT(otlp_json_decode(d, json.data, json.len, &back), -EINVAL);
  otlp_buf_free(&json);
  protobuf_c_message_free_unpacked(original, NULL);
  encoded_free(&e);
  test_sdk_stop();
}

TEST(field_numbers_match_the_proto_files) {
  static const struct {
    const ProtobufCMessageDescriptor *d;
    const char *name;
    unsigned id;
  } fields[] = {
#define F(desc, field, id) {&opentelemetry__proto__##desc##__descriptor, field, id}
      F(common__v1__any_value, "string_value", OTLP_ANY_VALUE_STRING),
      F(common__v1__any_value, "bool_value", OTLP_ANY_VALUE_BOOL),
      F(common__v1__any_value, "int_value", OTLP_ANY_VALUE_INT),
      F(common__v1__any_value, "double_value", OTLP_ANY_VALUE_DOUBLE),
      F(common__v1__any_value, "array_value", OTLP_ANY_VALUE_ARRAY),
      F(common__v1__array_value, "values", OTLP_ARRAY_VALUE_VALUES),
      F(common__v1__key_value, "key", OTLP_KEY_VALUE_KEY),
      F(common__v1__key_value, "value", OTLP_KEY_VALUE_VALUE),
      F(common__v1__instrumentation_scope, "name", OTLP_SCOPE_NAME),
      F(common__v1__instrumentation_scope, "attributes", OTLP_SCOPE_ATTRIBUTES),
      F(common__v1__instrumentation_scope, "dropped_attributes_count",
        OTLP_SCOPE_DROPPED_ATTRIBUTES_COUNT),
      F(trace__v1__scope_spans, "schema_url", OTLP_SCOPE_SPANS_SCHEMA_URL),
      F(common__v1__instrumentation_scope, "version", OTLP_SCOPE_VERSION),
      F(resource__v1__resource, "attributes", OTLP_RESOURCE_ATTRIBUTES),
      F(resource__v1__resource, "dropped_attributes_count", OTLP_RESOURCE_DROPPED_ATTRIBUTES_COUNT),
      F(collector__trace__v1__export_trace_service_request, "resource_spans",
        OTLP_TRACES_RESOURCE_SPANS),
      F(trace__v1__resource_spans, "resource", OTLP_RESOURCE_SPANS_RESOURCE),
      F(trace__v1__resource_spans, "scope_spans", OTLP_RESOURCE_SPANS_SCOPE_SPANS),
      F(trace__v1__scope_spans, "scope", OTLP_SCOPE_SPANS_SCOPE),
      F(trace__v1__scope_spans, "spans", OTLP_SCOPE_SPANS_SPANS),
      F(trace__v1__span, "trace_id", OTLP_SPAN_TRACE_ID),
      F(trace__v1__span, "span_id", OTLP_SPAN_SPAN_ID),
      F(trace__v1__span, "trace_state", OTLP_SPAN_TRACE_STATE),
      F(trace__v1__span, "parent_span_id", OTLP_SPAN_PARENT_SPAN_ID),
      F(trace__v1__span, "name", OTLP_SPAN_NAME),
      F(trace__v1__span, "kind", OTLP_SPAN_KIND),
      F(trace__v1__span, "start_time_unix_nano", OTLP_SPAN_START_TIME_UNIX_NANO),
      F(trace__v1__span, "end_time_unix_nano", OTLP_SPAN_END_TIME_UNIX_NANO),
      F(trace__v1__span, "attributes", OTLP_SPAN_ATTRIBUTES),
      F(trace__v1__span, "dropped_attributes_count", OTLP_SPAN_DROPPED_ATTRIBUTES_COUNT),
      F(trace__v1__span, "events", OTLP_SPAN_EVENTS),
      F(trace__v1__span, "dropped_events_count", OTLP_SPAN_DROPPED_EVENTS_COUNT),
      F(trace__v1__span, "links", OTLP_SPAN_LINKS),
      F(trace__v1__span, "dropped_links_count", OTLP_SPAN_DROPPED_LINKS_COUNT),
      F(trace__v1__span, "status", OTLP_SPAN_STATUS),
      F(trace__v1__span, "flags", OTLP_SPAN_FLAGS),
      F(trace__v1__span__event, "time_unix_nano", OTLP_EVENT_TIME_UNIX_NANO),
      F(trace__v1__span__event, "name", OTLP_EVENT_NAME),
      F(trace__v1__span__event, "attributes", OTLP_EVENT_ATTRIBUTES),
      F(trace__v1__span__event, "dropped_attributes_count", OTLP_EVENT_DROPPED_ATTRIBUTES_COUNT),
      F(trace__v1__span__link, "trace_id", OTLP_LINK_TRACE_ID),
      F(trace__v1__span__link, "span_id", OTLP_LINK_SPAN_ID),
      F(trace__v1__span__link, "trace_state", OTLP_LINK_TRACE_STATE),
      F(trace__v1__span__link, "attributes", OTLP_LINK_ATTRIBUTES),
      F(trace__v1__span__link, "dropped_attributes_count", OTLP_LINK_DROPPED_ATTRIBUTES_COUNT),
      F(trace__v1__span__link, "flags", OTLP_LINK_FLAGS),
      F(trace__v1__status, "message", OTLP_STATUS_MESSAGE),
      F(trace__v1__status, "code", OTLP_STATUS_CODE),
      F(collector__metrics__v1__export_metrics_service_request, "resource_metrics",
        OTLP_METRICS_RESOURCE_METRICS),
      F(metrics__v1__resource_metrics, "resource", OTLP_RESOURCE_METRICS_RESOURCE),
      F(metrics__v1__resource_metrics, "scope_metrics", OTLP_RESOURCE_METRICS_SCOPE_METRICS),
      F(metrics__v1__scope_metrics, "scope", OTLP_SCOPE_METRICS_SCOPE),
      F(metrics__v1__scope_metrics, "metrics", OTLP_SCOPE_METRICS_METRICS),
      F(metrics__v1__metric, "name", OTLP_METRIC_NAME),
      F(metrics__v1__metric, "description", OTLP_METRIC_DESCRIPTION),
      F(metrics__v1__metric, "unit", OTLP_METRIC_UNIT),
      F(metrics__v1__metric, "gauge", OTLP_METRIC_GAUGE),
      F(metrics__v1__metric, "sum", OTLP_METRIC_SUM),
      F(metrics__v1__metric, "histogram", OTLP_METRIC_HISTOGRAM),
      F(metrics__v1__gauge, "data_points", OTLP_GAUGE_DATA_POINTS),
      F(metrics__v1__sum, "data_points", OTLP_SUM_DATA_POINTS),
      F(metrics__v1__sum, "aggregation_temporality", OTLP_SUM_AGGREGATION_TEMPORALITY),
      F(metrics__v1__sum, "is_monotonic", OTLP_SUM_IS_MONOTONIC),
      F(metrics__v1__histogram, "data_points", OTLP_HISTOGRAM_DATA_POINTS),
      F(metrics__v1__histogram, "aggregation_temporality", OTLP_HISTOGRAM_AGGREGATION_TEMPORALITY),
      F(metrics__v1__number_data_point, "attributes", OTLP_NUMBER_POINT_ATTRIBUTES),
      F(metrics__v1__number_data_point, "start_time_unix_nano",
        OTLP_NUMBER_POINT_START_TIME_UNIX_NANO),
      F(metrics__v1__number_data_point, "time_unix_nano", OTLP_NUMBER_POINT_TIME_UNIX_NANO),
      F(metrics__v1__number_data_point, "as_double", OTLP_NUMBER_POINT_AS_DOUBLE),
      F(metrics__v1__number_data_point, "as_int", OTLP_NUMBER_POINT_AS_INT),
      F(metrics__v1__histogram_data_point, "attributes", OTLP_HISTOGRAM_POINT_ATTRIBUTES),
      F(metrics__v1__histogram_data_point, "start_time_unix_nano",
        OTLP_HISTOGRAM_POINT_START_TIME_UNIX_NANO),
      F(metrics__v1__histogram_data_point, "time_unix_nano", OTLP_HISTOGRAM_POINT_TIME_UNIX_NANO),
      F(metrics__v1__histogram_data_point, "count", OTLP_HISTOGRAM_POINT_COUNT),
      F(metrics__v1__histogram_data_point, "sum", OTLP_HISTOGRAM_POINT_SUM),
      F(metrics__v1__histogram_data_point, "bucket_counts", OTLP_HISTOGRAM_POINT_BUCKET_COUNTS),
      F(metrics__v1__histogram_data_point, "explicit_bounds", OTLP_HISTOGRAM_POINT_EXPLICIT_BOUNDS),
      F(metrics__v1__histogram_data_point, "min", OTLP_HISTOGRAM_POINT_MIN),
      F(metrics__v1__histogram_data_point, "max", OTLP_HISTOGRAM_POINT_MAX),
      F(collector__logs__v1__export_logs_service_request, "resource_logs", OTLP_LOGS_RESOURCE_LOGS),
      F(logs__v1__resource_logs, "resource", OTLP_RESOURCE_LOGS_RESOURCE),
      F(logs__v1__resource_logs, "scope_logs", OTLP_RESOURCE_LOGS_SCOPE_LOGS),
      F(logs__v1__scope_logs, "scope", OTLP_SCOPE_LOGS_SCOPE),
      F(logs__v1__scope_logs, "log_records", OTLP_SCOPE_LOGS_LOG_RECORDS),
      F(logs__v1__log_record, "time_unix_nano", OTLP_LOG_TIME_UNIX_NANO),
      F(logs__v1__log_record, "severity_number", OTLP_LOG_SEVERITY_NUMBER),
      F(logs__v1__log_record, "severity_text", OTLP_LOG_SEVERITY_TEXT),
      F(logs__v1__log_record, "body", OTLP_LOG_BODY),
      F(logs__v1__log_record, "attributes", OTLP_LOG_ATTRIBUTES),
      F(logs__v1__log_record, "dropped_attributes_count", OTLP_LOG_DROPPED_ATTRIBUTES_COUNT),
      F(logs__v1__log_record, "flags", OTLP_LOG_FLAGS),
      F(logs__v1__log_record, "trace_id", OTLP_LOG_TRACE_ID),
      F(logs__v1__log_record, "span_id", OTLP_LOG_SPAN_ID),
      F(logs__v1__log_record, "observed_time_unix_nano", OTLP_LOG_OBSERVED_TIME_UNIX_NANO),
#undef F
  };
  for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(fields[i].d, fields[i].name);
    CHECK(f);
    if (f->id != fields[i].id)
      fprintf(stderr, "    %s.%s\n", fields[i].d->name, fields[i].name);
    CHECK_INT(f->id, fields[i].id);
  }
  CHECK_INT(OPENTELEMETRY__PROTO__TRACE__V1__SPAN_FLAGS__SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK,
            OTLP_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE);
  CHECK_INT(OPENTELEMETRY__PROTO__TRACE__V1__SPAN_FLAGS__SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK,
            OTLP_SPAN_FLAGS_CONTEXT_IS_REMOTE);
}

/* s, ended a nanosecond after it started, as a request of its own, read
 * back by protobuf-c; NULL when it could not be. */
static request_t *ended_and_encoded(otel_span_t *s) {
  s->end_unix_ns = s->start_unix_ns + 1;
  otel__pbw_t w;
  otel__pbw_init(&w);
  request_t *req =
      otel__otlp_traces_encode(&w, &otel__sdk.resource, &s, 1)
          ? NULL
          : opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
                NULL, otel__pbw_len(&w), otel__pbw_data(&w));
  otel__pbw_free(&w);
  return req;
}

/* Zero values inside a oneof are present, so they must be on the wire. */
TEST(zero_attribute_values_survive) {
  TEST_SDK_START("X=1");
  otel_span_t *s = otel_span_start(NULL, "zeros", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_span_set_int(s, "zero", 0);
  otel_span_set_bool(s, "false", false);
  otel_span_set_str(s, "empty", "");
  otel_span_set_double(s, "nought", 0.0);
  request_t *req = ended_and_encoded(s);
  CHECK(req);
  Opentelemetry__Proto__Trace__V1__Span *p = req->resource_spans[0]->scope_spans[0]->spans[0];
  CHECK_INT(p->n_attributes, 4);
  CHECK_INT(p->attributes[0]->value->value_case,
            OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE);
  CHECK_INT(p->attributes[1]->value->value_case,
            OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE);
  CHECK_INT(p->attributes[2]->value->value_case,
            OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE);
  CHECK_INT(p->attributes[3]->value->value_case,
            OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE);
  opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req,
                                                                                          NULL);
  otel__span_free(s);
  test_sdk_stop();
}

/* A tracer's whole scope goes out with its spans: name, version,
 * attributes, and the schema URL on the ScopeSpans. */
TEST(a_scope_in_full_is_exported) {
  TEST_SDK_START("X=1");
  otel_attr_t attrs[] = {OTEL_ATTR_STR("library.flavour", "plain"), OTEL_ATTR_INT("shard", 3)};
  const otel_tracer_t *t = otel_tracer_get_scope(&(otel_scope_info_t){
      "shop.checkout", "2.1.0", "https://opentelemetry.io/schemas/1.26.0", attrs, 2});
  otel_span_t *s = otel_span_start(t, "pay", OTEL_SPAN_KIND_INTERNAL, NULL);
  request_t *req = ended_and_encoded(s);
  CHECK(req);
  Opentelemetry__Proto__Trace__V1__ScopeSpans *ss = req->resource_spans[0]->scope_spans[0];
  CHECK_STR(ss->schema_url, "https://opentelemetry.io/schemas/1.26.0");
  CHECK_STR(ss->scope->name, "shop.checkout");
  CHECK_STR(ss->scope->version, "2.1.0");
  CHECK_INT(ss->scope->n_attributes, 2);
  CHECK_STR(ss->scope->attributes[0]->key, "library.flavour");
  CHECK_STR(ss->scope->attributes[0]->value->string_value, "plain");
  CHECK_INT(ss->scope->attributes[1]->value->int_value, 3);
  CHECK_INT(ss->n_spans, 1);
  opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req,
                                                                                          NULL);
  otel__span_free(s);
  test_sdk_stop();
}

/* A request bigger than the writer's first block moves it while writing. */
TEST(large_batches_encode_across_buffer_growth) {
  TEST_SDK_START("X=1");
  enum { N = 300 };
  otel_span_t *spans[N];
  for (int i = 0; i < N; i++) {
    spans[i] = otel_span_start(otel_tracer_get(i % 2 ? "odd" : "even", ""), "s",
                               OTEL_SPAN_KIND_INTERNAL, NULL);
    otel_span_set_int(spans[i], "i", i);
    spans[i]->end_unix_ns = spans[i]->start_unix_ns + 1;
  }
  otel__pbw_t w;
  otel__pbw_init(&w);
  CHECK_INT(otel__otlp_traces_encode(&w, &otel__sdk.resource, spans, N), 0);
  CHECK(otel__pbw_len(&w) > 4096);
  request_t *req = opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
      NULL, otel__pbw_len(&w), otel__pbw_data(&w));
  CHECK(req);
  Opentelemetry__Proto__Trace__V1__ResourceSpans *rs = req->resource_spans[0];
  CHECK_INT(rs->n_scope_spans, 2);
  CHECK_STR(rs->scope_spans[0]->scope->name, "even");
  CHECK_INT(rs->scope_spans[0]->n_spans, N / 2);
  CHECK_INT(rs->scope_spans[1]->n_spans, N / 2);
  for (int i = 0; i < N / 2; i++)
    CHECK_INT(rs->scope_spans[1]->spans[i]->attributes[0]->value->int_value, 2 * i + 1);
  opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req,
                                                                                          NULL);
  otel__pbw_free(&w);
  for (int i = 0; i < N; i++)
    otel__span_free(spans[i]);
  test_sdk_stop();
}

/* One span, encoded alone and read back: its attributes' keys, in order,
 * joined by spaces, and each value as text. */
static void encoded_attrs(otel_span_t *span, char *keys, char *values, size_t size) {
  otel__pbw_t w;
  otlp_buf_t json;
  const void *body;
  size_t len;
  otel__pbw_init(&w);
  otlp_buf_init(&json, 0);
  CHECK_INT(otel__trace_encode(&w, &json, &otel__sdk.resource, &span, 1, OTEL__PROTOCOL_PROTOBUF,
                               &body, &len),
            0);
  request_t *req = opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
      NULL, len, body);
  CHECK(req);
  keys[0] = values[0] = '\0';
  if (req) {
    const Opentelemetry__Proto__Trace__V1__Span *s =
        req->resource_spans[0]->scope_spans[0]->spans[0];
    for (size_t i = 0; i < s->n_attributes; i++) {
      const kv_t *kv = s->attributes[i];
      char value[64];
      if (kv->value->value_case == OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE)
        snprintf(value, sizeof(value), "%lld", (long long)kv->value->int_value);
      else
        snprintf(value, sizeof(value), "%s", kv->value->string_value);
      snprintf(keys + strlen(keys), size - strlen(keys), "%s%s", i ? " " : "", kv->key);
      snprintf(values + strlen(values), size - strlen(values), "%s%s", i ? " " : "", value);
    }
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req,
                                                                                            NULL);
  }
  otlp_buf_free(&json);
  otel__pbw_free(&w);
}

/* A block's attributes go out in their place among the span's own, copied
 * whole while none is replaced and one by one once one is. */
TEST(attribute_blocks_encode_in_place) {
  TEST_SDK_START("X=1");
  otel_attr_t constant[] = {OTEL_ATTR_STR("db.system.name", "postgresql"),
                            OTEL_ATTR_STR("server.address", "db.internal"),
                            OTEL_ATTR_INT("server.port", 5432)};
  otel_attr_block_t *block = otel_attr_block_new(constant, 3);
  CHECK(block);
  char keys[256], values[256];
  for (int replaced = 0; replaced < 2; replaced++) {
    otel_span_t *s = otel_span_start(NULL, "SELECT", OTEL_SPAN_KIND_CLIENT, NULL);
    otel_span_set_str(s, "first", "1");
    otel_span_set_block(s, block);
    otel_span_set_int(s, "last", 9);
    if (replaced)
      otel_span_set_int(s, "server.port", 6432);
    CHECK_INT(s->block != NULL, 1);
    encoded_attrs(s, keys, values, sizeof(keys));
    CHECK_STR(keys, "first db.system.name server.address server.port last");
    CHECK_STR(values,
              replaced ? "1 postgresql db.internal 6432 9" : "1 postgresql db.internal 5432 9");
    otel__span_free(s);
  }
  otel_attr_block_release(block);
  test_sdk_stop();
}

/* otel_scope_describe(): a meter's or a logger's scope is exported with
 * its version, schema URL and attributes; an undescribed one by name. And
 * the resource's schema URL beside the resource. */
TEST(described_scopes_and_the_resource_schema_url) {
  TEST_SDK_START("X=1");
  otel_attr_t team = OTEL_ATTR_STR("team", "payments");
  const char *schema = "https://opentelemetry.io/schemas/1.26.0";
  CHECK_INT(otel_scope_describe(&(otel_scope_info_t){"described", "2.1", schema, &team, 1}), 0);
  CHECK_INT(otel_scope_describe(&(otel_scope_info_t){"described", "9", NULL, NULL, 0}), -EEXIST);
  CHECK_INT(otel_scope_describe(&(otel_scope_info_t){NULL, "1", NULL, NULL, 0}), -EINVAL);
  otel__resource_add(&otel__sdk.resource, &(otel__attrs_t){0}, schema);
  otel_counter_add(otel_counter("described", "described.count", "1", ""), 1, NULL, 0);
  otel_counter_add(otel_counter("plain", "plain.count", "1", ""), 1, NULL, 0);
  otel__pbw_t w;
  otel__pbw_init(&w);
  size_t points;
  CHECK_INT(otel__otlp_metrics_encode(&w, &otel__sdk.resource, &points), 0);
  Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest *m =
      opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(
          NULL, otel__pbw_len(&w), otel__pbw_data(&w));
  CHECK(m && m->n_resource_metrics == 1);
  CHECK_STR(m->resource_metrics[0]->schema_url, schema);
  int seen = 0;
  for (size_t i = 0; i < m->resource_metrics[0]->n_scope_metrics; i++) {
    const Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm =
        m->resource_metrics[0]->scope_metrics[i];
    if (!strcmp(sm->scope->name, "described")) {
      CHECK_STR(sm->scope->version, "2.1");
      CHECK_STR(sm->schema_url, schema);
      CHECK_INT(sm->scope->n_attributes, 1);
      CHECK_STR(sm->scope->attributes[0]->value->string_value, "payments");
      seen++;
    } else if (!strcmp(sm->scope->name, "plain")) {
      CHECK_STR(sm->scope->version, "");
      CHECK_STR(sm->schema_url, "");
      seen++;
    }
  }
  CHECK_INT(seen, 2);
  opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(m,
                                                                                              NULL);
  otel__log_record_t *r = otel__log_record_new(1, OTEL_SEVERITY_INFO, "INFO", "described", NULL,
                                               "hello", NULL, 0, NULL);
  CHECK(r);
  CHECK_INT(otel__otlp_logs_encode(&w, &otel__sdk.resource, &r, 1), 0);
  Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest *l =
      opentelemetry__proto__collector__logs__v1__export_logs_service_request__unpack(
          NULL, otel__pbw_len(&w), otel__pbw_data(&w));
  CHECK(l);
  CHECK_STR(l->resource_logs[0]->schema_url, schema);
  CHECK_STR(l->resource_logs[0]->scope_logs[0]->scope->name, "described");
  CHECK_STR(l->resource_logs[0]->scope_logs[0]->scope->version, "2.1");
  CHECK_STR(l->resource_logs[0]->scope_logs[0]->schema_url, schema);
  CHECK_INT(l->resource_logs[0]->scope_logs[0]->scope->n_attributes, 1);
  opentelemetry__proto__collector__logs__v1__export_logs_service_request__free_unpacked(l, NULL);
  otel__log_record_free(r);
  otel__pbw_free(&w);
  test_sdk_stop();
}

TEST_MAIN("otlp", TEST_CASE(attribute_blocks_encode_in_place),
          TEST_CASE(described_scopes_and_the_resource_schema_url),
          TEST_CASE(protobuf_carries_every_field), TEST_CASE(json_follows_the_otlp_mapping),
          TEST_CASE(json_reads_back_into_the_same_message),
          TEST_CASE(field_numbers_match_the_proto_files), TEST_CASE(zero_attribute_values_survive),
          TEST_CASE(large_batches_encode_across_buffer_growth),
          TEST_CASE(a_scope_in_full_is_exported))
