/*
 * What libotel keeps encoded ahead of an export: an attribute set's values
 * and a log record, each compared byte for byte with protobuf-c's packing of
 * the same message.
 */
#include <otel/log.h>
#include <otel/trace.h>
#include <string.h>

#include "logs/log_record.h"
#include "otlp/logs_service.pb-c.h"
#include "trace/span.h"
#include "test.h"
#include "test_sdk.h"

typedef Opentelemetry__Proto__Common__V1__KeyValue kv_t;

typedef Opentelemetry__Proto__Common__V1__AnyValue any_t;
#define ANY_CASE(name) OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_##name

static any_t any_of(int value_case) {
  any_t a = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT;
  a.value_case = value_case;
  return a;
}

static any_t any_str(const char *v) {
  any_t a = any_of(ANY_CASE(STRING_VALUE));
  a.string_value = (char *)v;
  return a;
}

static any_t any_int(int64_t v) {
  any_t a = any_of(ANY_CASE(INT_VALUE));
  a.int_value = v;
  return a;
}

static any_t any_bool(bool v) {
  any_t a = any_of(ANY_CASE(BOOL_VALUE));
  a.bool_value = v;
  return a;
}

static any_t any_double(double v) {
  any_t a = any_of(ANY_CASE(DOUBLE_VALUE));
  a.double_value = v;
  return a;
}

/* Each value is kept as the AnyValue bytes protobuf-c itself would write,
 * for every type, varint and length size; a key set again keeps its place. */
TEST(attribute_values_are_kept_encoded_as_protobuf_c_would_pack_them) {
  TEST_SDK_START("X=1");
  otel_span_t *s = otel_span_start(NULL, "kv", OTEL_SPAN_KIND_INTERNAL, NULL);
  char long_value[300];
  memset(long_value, 'x', sizeof(long_value) - 1);
  long_value[sizeof(long_value) - 1] = '\0';
  int64_t ints[] = {-1, 0, 300};
  bool bools[] = {true, false};
  double doubles[] = {-0.5, 1e300};
  const char *strs[] = {"a", NULL, long_value};
  otel_span_set_str(s, "str", "value");
  otel_span_set_str(s, "empty", "");
  otel_span_set_str(s, "long", long_value);
  otel_span_set_int(s, "negative", -5);
  otel_span_set_int(s, "big", INT64_MAX);
  otel_span_set_bool(s, "bool", true);
  otel_span_set_double(s, "double", -2.25);
  otel_attr_t arrays[] = {OTEL_ATTR_ARRAY("ints", OTEL_VALUE_INT_ARRAY, ints, 3),
                          OTEL_ATTR_ARRAY("bools", OTEL_VALUE_BOOL_ARRAY, bools, 2),
                          OTEL_ATTR_ARRAY("doubles", OTEL_VALUE_DOUBLE_ARRAY, doubles, 2),
                          OTEL_ATTR_ARRAY("strs", OTEL_VALUE_STRING_ARRAY, strs, 3),
                          OTEL_ATTR_ARRAY("none", OTEL_VALUE_INT_ARRAY, ints, 0)};
  otel_span_set_attrs(s, arrays, 5);
  otel_span_set_str(s, "negative", "now a string"); /* replaced: keeps its place */
  otel_span_set_int(s, "bool", 1);

  any_t str = any_str("value"), empty = any_str(""), lng = any_str(long_value),
        now = any_str("now a string"), big = any_int(INT64_MAX), one = any_int(1),
        dbl = any_double(-2.25);
  any_t iv[] = {any_int(-1), any_int(0), any_int(300)};
  any_t bv[] = {any_bool(true), any_bool(false)};
  any_t dv[] = {any_double(-0.5), any_double(1e300)};
  any_t sv[] = {any_str("a"), any_str(""), any_str(long_value)};
  any_t *ip[] = {&iv[0], &iv[1], &iv[2]}, *bp[] = {&bv[0], &bv[1]}, *dp[] = {&dv[0], &dv[1]},
        *sp[] = {&sv[0], &sv[1], &sv[2]};
  any_t **items[] = {ip, bp, dp, sp, NULL};
  size_t lens[] = {3, 2, 2, 3, 0};
  Opentelemetry__Proto__Common__V1__ArrayValue av[5];
  any_t arr[5], *lists[5];
  for (int i = 0; i < 5; i++) {
    opentelemetry__proto__common__v1__array_value__init(&av[i]);
    av[i].n_values = lens[i];
    av[i].values = items[i];
    arr[i] = any_of(ANY_CASE(ARRAY_VALUE));
    arr[i].array_value = &av[i];
    lists[i] = &arr[i];
  }
  struct {
    const char *key;
    any_t *value;
  } want[] = {{"str", &str},       {"empty", &empty},     {"long", &lng},     {"negative", &now},
              {"big", &big},       {"bool", &one},        {"double", &dbl},   {"ints", lists[0]},
              {"bools", lists[1]}, {"doubles", lists[2]}, {"strs", lists[3]}, {"none", lists[4]}};
  CHECK_INT(s->attrs.n, 12);
  for (uint32_t i = 0; i < s->attrs.n && i < 12; i++) {
    const otel__attr_item_t *item = &s->attrs.items[i];
    uint8_t packed[1024];
    size_t n = opentelemetry__proto__common__v1__any_value__pack(want[i].value, packed);
    CHECK_STR(item->attr.key, want[i].key);
    CHECK_INT(item->key_len, strlen(want[i].key));
    CHECK_INT(item->value_len, n);
    CHECK(!memcmp(item->value, packed, n));
  }
  CHECK_STR(otel__attrs_find(&s->attrs, "negative")->v.s, "now a string");
  otel_span_end(s);
  test_sdk_stop();
}

typedef Opentelemetry__Proto__Logs__V1__LogRecord log_t;

/* protobuf-c's packing of a LogRecord with these fields. */
static size_t pack_log(log_t *lr, uint8_t *out) {
  return opentelemetry__proto__logs__v1__log_record__pack(lr, out);
}

/* A record is kept as the LogRecord bytes protobuf-c itself would write:
 * inside a span and outside, its attributes deduplicated (the last value in
 * the first place) and within the limits. */
TEST(log_records_are_kept_encoded_as_protobuf_c_would_pack_them) {
  /* a log record's own limits, over the general and the span's */
  TEST_SDK_START("OTEL_ATTRIBUTE_COUNT_LIMIT=1", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT=1",
                 "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT=3",
                 "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT=5");
  otel_span_context_t sc;
  otel_traceparent_parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", &sc);
  otel_attr_t attrs[] = {OTEL_ATTR_INT("article_id", 300),     OTEL_ATTR_STR("title", "truncated"),
                         OTEL_ATTR_STR("", "no key"),          OTEL_ATTR_INT("article_id", 7),
                         OTEL_ATTR_DOUBLE("duration_ms", 1.5), OTEL_ATTR_BOOL("over", true)};
  otel__log_record_t *r =
      otel__log_record_new(1700000000123456789ull, OTEL_SEVERITY_WARN, "WARNING", "articles.api",
                           "article.dispatch_failed", "dispatch failed", attrs, 6, &sc);
  CHECK(r);
  CHECK_STR(r->scope, "articles.api");

  any_t body = any_str("dispatch failed"), id = any_int(7), title = any_str("trunc"),
        ms = any_double(1.5);
  kv_t kvs[3] = {OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE__INIT,
                 OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE__INIT,
                 OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE__INIT};
  kvs[0].key = "article_id", kvs[0].value = &id;
  kvs[1].key = "title", kvs[1].value = &title;
  kvs[2].key = "duration_ms", kvs[2].value = &ms;
  kv_t *kvp[] = {&kvs[0], &kvs[1], &kvs[2]};
  log_t lr = OPENTELEMETRY__PROTO__LOGS__V1__LOG_RECORD__INIT;
  lr.time_unix_nano = lr.observed_time_unix_nano = 1700000000123456789ull;
  lr.severity_number = OPENTELEMETRY__PROTO__LOGS__V1__SEVERITY_NUMBER__SEVERITY_NUMBER_WARN;
  lr.severity_text = "WARNING";
  lr.body = &body;
  lr.n_attributes = 3;
  lr.attributes = kvp;
  lr.dropped_attributes_count = 2; /* the empty key, and "over" past the limit */
  lr.flags = 1;
  lr.trace_id = (ProtobufCBinaryData){16, sc.trace_id};
  lr.span_id = (ProtobufCBinaryData){8, sc.span_id};
  lr.event_name = "article.dispatch_failed";
  uint8_t packed[1024];
  size_t n = pack_log(&lr, packed);
  CHECK_INT(r->len, n);
  CHECK(!memcmp(r->bytes, packed, n));
  otel__log_record_free(r);

  r = otel__log_record_new(5, OTEL_SEVERITY_INFO, "INFO", NULL, NULL, NULL, NULL, 0, NULL);
  CHECK(r);
  CHECK_STR(r->scope, "");
  body = any_str("");
  log_t outside = OPENTELEMETRY__PROTO__LOGS__V1__LOG_RECORD__INIT;
  outside.time_unix_nano = outside.observed_time_unix_nano = 5;
  outside.severity_number = OPENTELEMETRY__PROTO__LOGS__V1__SEVERITY_NUMBER__SEVERITY_NUMBER_INFO;
  outside.severity_text = "INFO";
  outside.body = &body;
  n = pack_log(&outside, packed);
  CHECK_INT(r->len, n);
  CHECK(!memcmp(r->bytes, packed, n));
  otel__log_record_free(r);
  test_sdk_stop();
}

TEST_MAIN("encoded", TEST_CASE(attribute_values_are_kept_encoded_as_protobuf_c_would_pack_them),
          TEST_CASE(log_records_are_kept_encoded_as_protobuf_c_would_pack_them))
