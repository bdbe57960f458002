/* Log lines: the keys of docs/telemetry.md in order, trace context in and out of spans, fields. */
#include <jansson.h>
#include <otel/log.h>
#include <otel/trace.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "logs/log_record.h"
#include "test.h"
#include "test_sdk.h"

/* Runs fn with stdout sent to a temporary file; returns what it wrote (free it). */
static char *capture(void (*fn)(void)) {
  char path[] = "/tmp/libotel-log-XXXXXX";
  int fd = mkstemp(path);
  fflush(stdout);
  int saved = dup(1);
  dup2(fd, 1);
  fn();
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  off_t size = lseek(fd, 0, SEEK_END);
  char *text = calloc(1, (size_t)size + 1);
  if (pread(fd, text, (size_t)size, 0) != size)
    text[0] = '\0';
  close(fd);
  unlink(path);
  return text;
}

static void outside_a_span(void) {
  otel_attr_t fields[] = {OTEL_ATTR_INT("article_id", 42), OTEL_ATTR_STR("title", "a \"b\"\n"),
                          OTEL_ATTR_BOOL("ok", true), OTEL_ATTR_DOUBLE("ratio", 0.5)};
  otel_log(OTEL_SEVERITY_WARN, "articles.notify", "notification dispatch failed", fields, 4);
}

static void inside_a_span(void) {
  otel_span_t *s = otel_span_start(NULL, "op", OTEL_SPAN_KIND_SERVER, NULL);
  otel_scope_t scope = otel_span_attach(s);
  otel_log(OTEL_SEVERITY_INFO, "articles", "inside", NULL, 0);
  char hex[OTEL_TRACE_ID_HEX_SIZE];
  otel_span_trace_id_hex(s, hex);
  printf("%s\n", hex);
  otel_scope_end(&scope);
  otel_span_end(s);
}

TEST(keys_in_order_and_fields_outside_a_span) {
  TEST_SDK_START("OTEL_SERVICE_NAME=svc");
  char *text = capture(outside_a_span);
  json_t *j = json_loads(text, 0, NULL);
  CHECK(j);
  const char *order[] = {"asctime",          "levelname",       "name",
                         "message",          "otelTraceID",     "otelSpanID",
                         "otelTraceSampled", "otelServiceName", "article_id"};
  const char *prev = text;
  for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
    char quoted[64];
    snprintf(quoted, sizeof(quoted), "\"%s\":", order[i]);
    const char *at = strstr(text, quoted);
    CHECK(at && at >= prev);
    prev = at;
  }
  CHECK_STR(json_string_value(json_object_get(j, "levelname")), "WARNING");
  CHECK_STR(json_string_value(json_object_get(j, "name")), "articles.notify");
  CHECK_STR(json_string_value(json_object_get(j, "message")), "notification dispatch failed");
  CHECK_STR(json_string_value(json_object_get(j, "otelTraceID")), "0");
  CHECK_STR(json_string_value(json_object_get(j, "otelSpanID")), "0");
  CHECK(json_is_false(json_object_get(j, "otelTraceSampled")));
  CHECK_STR(json_string_value(json_object_get(j, "otelServiceName")), "svc");
  CHECK_INT(json_integer_value(json_object_get(j, "article_id")), 42);
  CHECK_STR(json_string_value(json_object_get(j, "title")), "a \"b\"\n");
  CHECK(json_is_true(json_object_get(j, "ok")));
  const char *asctime = json_string_value(json_object_get(j, "asctime"));
  CHECK(asctime && strlen(asctime) == 23 && asctime[10] == ' ' && asctime[19] == ',');
  CHECK_INT(strchr(text, '\n') - text + 1, (long)strlen(text)); /* exactly one line */
  json_decref(j);
  free(text);
  test_sdk_stop();
}

/* Two lines a little over a second apart, each bracketed by the clock. */
static struct timespec clock_marks[4];
static void across_a_second(void) {
  clock_gettime(CLOCK_REALTIME, &clock_marks[0]);
  otel_log(OTEL_SEVERITY_INFO, "t", "first", NULL, 0);
  clock_gettime(CLOCK_REALTIME, &clock_marks[1]);
  nanosleep(&(struct timespec){1, 100000000}, NULL);
  clock_gettime(CLOCK_REALTIME, &clock_marks[2]);
  otel_log(OTEL_SEVERITY_INFO, "t", "second", NULL, 0);
  clock_gettime(CLOCK_REALTIME, &clock_marks[3]);
}

/* asctime as the reference formats a time: "%Y-%m-%d %H:%M:%S" and ",%03d" ms. */
static void asctime_of(const struct timespec *t, char out[32]) {
  struct tm tm;
  gmtime_r(&t->tv_sec, &tm);
  size_t n = strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
  snprintf(out + n, 32 - n, ",%03ld", t->tv_nsec / 1000000);
}

/* asctime is the time of the line, to the millisecond, in UTC, also once
 * the second has changed since the thread's last line. */
TEST(asctime_follows_the_clock) {
  TEST_SDK_START("X=1");
  char *text = capture(across_a_second);
  char *line = text;
  for (int i = 0; i < 2; i++) {
    char *end = strchr(line, '\n');
    CHECK(end);
    *end = '\0';
    json_t *j = json_loads(line, 0, NULL);
    CHECK(j);
    const char *got = json_string_value(json_object_get(j, "asctime"));
    char before[32], after[32];
    asctime_of(&clock_marks[2 * i], before);
    asctime_of(&clock_marks[2 * i + 1], after);
    if (!got || strcmp(got, before) < 0 || strcmp(got, after) > 0)
      fprintf(stderr, "    line %d: asctime %s, clock %s to %s\n", i, got ? got : "-", before,
              after);
    CHECK(got && strcmp(got, before) >= 0 && strcmp(got, after) <= 0);
    json_decref(j);
    line = end + 1;
  }
  free(text);
  test_sdk_stop();
}

TEST(trace_context_inside_a_span) {
  TEST_SDK_START("X=1");
  char *text = capture(inside_a_span);
  char *second = strchr(text, '\n');
  CHECK(second);
  *second++ = '\0';
  json_t *j = json_loads(text, 0, NULL);
  CHECK(j);
  second[32] = '\0';
  CHECK_STR(json_string_value(json_object_get(j, "otelTraceID")), second);
  CHECK_INT(strlen(json_string_value(json_object_get(j, "otelSpanID"))), 16);
  CHECK(json_is_true(json_object_get(j, "otelTraceSampled")));
  CHECK_STR(json_string_value(json_object_get(j, "otelServiceName")), "test");
  json_decref(j);
  free(text);
  test_sdk_stop();
}

static void doubles(void) {
  otel_attr_t fields[] = {OTEL_ATTR_DOUBLE("ms", 20.451), OTEL_ATTR_DOUBLE("sum", 0.1 + 0.2),
                          OTEL_ATTR_DOUBLE("tiny", 5e-324), OTEL_ATTR_DOUBLE("big", 1e300)};
  otel_log(OTEL_SEVERITY_INFO, "articles", "doubles", fields, 4);
}

/* Each double in the fewest digits that read back as the same value. */
TEST(doubles_in_their_shortest_exact_form) {
  TEST_SDK_START("X=1");
  char *text = capture(doubles);
  CHECK(strstr(text, "\"ms\":20.451,\"sum\":0.30000000000000004,\"tiny\":4.94065645841247e-324,"
                     "\"big\":1e+300}"));
  json_t *j = json_loads(text, 0, NULL);
  CHECK(j && json_real_value(json_object_get(j, "sum")) == 0.1 + 0.2);
  CHECK(j && json_real_value(json_object_get(j, "tiny")) == 5e-324);
  json_decref(j);
  free(text);
  test_sdk_stop();
}

static char *long_title; /* 70,000 characters, two bytes each past the first */

static void a_long_field(void) {
  otel_attr_t fields[] = {OTEL_ATTR_INT("article_id", 7), OTEL_ATTR_STR("title", long_title),
                          OTEL_ATTR_STR("short", "kept whole")};
  otel_log(OTEL_SEVERITY_INFO, "notify", "article notification received", fields, 3);
}

/* A line past 64 KiB is written, its longest string shortened and marked;
 * the other fields stay whole. */
TEST(a_long_line_is_shortened_not_dropped) {
  TEST_SDK_START("X=1");
  long_title = malloc(140001);
  long_title[0] = 'a';
  for (size_t i = 1; i < 70000; i++)
    memcpy(long_title + 1 + (i - 1) * 2, "\xc3\xa9", 2); /* é */
  long_title[139999] = '\0';
  char *text = capture(a_long_field);
  free(long_title);
  CHECK(strlen(text) > 1000 && strlen(text) <= 64 * 1024);
  json_t *j = json_loads(text, 0, NULL);
  CHECK(j);
  CHECK_STR(json_string_value(json_object_get(j, "message")), "article notification received");
  CHECK_STR(json_string_value(json_object_get(j, "short")), "kept whole");
  CHECK_INT(json_integer_value(json_object_get(j, "article_id")), 7);
  const char *title = json_string_value(json_object_get(j, "title"));
  CHECK(title && strncmp(title, "a\xc3\xa9\xc3\xa9", 5) == 0);
  CHECK(strstr(title, "\xc3\xa9... [shortened from 139999 bytes]") !=
        NULL); /* cut between characters */
  json_decref(j);
  free(text);
  test_sdk_stop();
}

/* The record written alongside the JSON line, or "failed" where it needs
 * otel__log_record_new(), whose bytes it must otherwise equal. */
static const char *writer_matches(const otel_attr_t *attrs, size_t n,
                                  const otel_span_context_t *sc) {
  otel__log_writer_t w;
  otel__log_writer_begin(&w, 1700000000123456789u, OTEL_SEVERITY_WARN, "WARNING", "a message", 9,
                         n);
  for (size_t i = 0; i < n; i++) {
    const char *s = attrs[i].type == OTEL_VALUE_STRING && attrs[i].v.s ? attrs[i].v.s : "";
    otel__log_writer_attr(&w, &attrs[i], attrs[i].key ? strlen(attrs[i].key) : 0, strlen(s));
  }
  if (w.failed)
    return "failed";
  otel__log_record_t *fast =
      otel__log_writer_end(&w, 1700000000123456789u, "logger", "an.event", sc);
  otel__log_record_t *slow =
      otel__log_record_new(1700000000123456789u, OTEL_SEVERITY_WARN, "WARNING", "logger",
                           "an.event", "a message", attrs, n, sc);
  const char *verdict = fast && slow && fast->len == slow->len &&
                                !memcmp(fast->bytes, slow->bytes, fast->len) &&
                                !strcmp(fast->scope, slow->scope)
                            ? "same"
                            : "different";
  otel__log_record_free(fast);
  otel__log_record_free(slow);
  return verdict;
}

TEST(one_pass_record_is_the_record) {
  TEST_SDK_START("X=1");
  otel_span_context_t sc;
  CHECK_INT(otel_traceparent_parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", &sc),
            0);
  otel_attr_t scalars[] = {OTEL_ATTR_INT("article_id", -42), OTEL_ATTR_STR("title", "a \"b\"\n"),
                           OTEL_ATTR_BOOL("ok", true), OTEL_ATTR_DOUBLE("ratio", 0.5),
                           OTEL_ATTR_STR("none", NULL)};
  CHECK_STR(writer_matches(scalars, 5, NULL), "same");
  CHECK_STR(writer_matches(scalars, 5, &sc), "same");
  CHECK_STR(writer_matches(NULL, 0, &sc), "same");
  const char *strs[] = {"x", NULL};
  otel_attr_t twice[] = {OTEL_ATTR_INT("k", 1), OTEL_ATTR_INT("k", 2)};
  otel_attr_t array[] = {OTEL_ATTR_ARRAY("a", OTEL_VALUE_STRING_ARRAY, strs, 2)};
  otel_attr_t no_key[] = {OTEL_ATTR_INT(NULL, 1)}, empty_key[] = {OTEL_ATTR_INT("", 1)};
  CHECK_STR(writer_matches(twice, 2, NULL), "failed");
  CHECK_STR(writer_matches(array, 1, NULL), "failed");
  CHECK_STR(writer_matches(no_key, 1, NULL), "failed");
  CHECK_STR(writer_matches(empty_key, 1, NULL), "failed");
  char big[2048];
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  otel_attr_t large[] = {OTEL_ATTR_STR("big", big)};
  CHECK_STR(writer_matches(large, 1, NULL), "failed");
  test_sdk_stop();
  TEST_SDK_START("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=3");
  CHECK_STR(writer_matches(scalars, 2, NULL), "failed");
  test_sdk_stop();
}

static void info_then_warning(void) {
  otel_log(OTEL_SEVERITY_INFO, "articles", "below the minimum", NULL, 0);
  otel_log_event(OTEL_SEVERITY_DEBUG, "articles", "x.y", "below too", NULL, 0);
  otel_log(OTEL_SEVERITY_WARN, "articles", "at the minimum", NULL, 0);
}

/* Logger.Enabled: below the configuration file's minimum severity nothing
 * is written, and the check says so first. */
TEST(below_the_minimum_severity_nothing_is_written) {
  TEST_SDK_START("X=1");
  CHECK(otel_log_enabled(OTEL_SEVERITY_DEBUG, "articles")); /* no minimum by default */
  otel__sdk.config.log_min_severity = OTEL_SEVERITY_WARN;
  CHECK(!otel_log_enabled(OTEL_SEVERITY_INFO, "articles"));
  CHECK(otel_log_enabled(OTEL_SEVERITY_WARN, "articles"));
  CHECK(otel_log_enabled(OTEL_SEVERITY_FATAL, NULL));
  char *out = capture(info_then_warning);
  CHECK(!strstr(out, "below"));
  CHECK(strstr(out, "\"message\":\"at the minimum\""));
  free(out);
  test_sdk_stop();
}

TEST_MAIN("log", TEST_CASE(one_pass_record_is_the_record),
          TEST_CASE(below_the_minimum_severity_nothing_is_written),
          TEST_CASE(keys_in_order_and_fields_outside_a_span),
          TEST_CASE(trace_context_inside_a_span), TEST_CASE(asctime_follows_the_clock),
          TEST_CASE(doubles_in_their_shortest_exact_form),
          TEST_CASE(a_long_line_is_shortened_not_dropped))
