/*
 * A program's log record processors and exporters (<otel/processor.h>,
 * the view <otel/log_data.h>): what on_emit may write or drop, the copy an
 * exporter keeps, and the environment's pipeline after them; each case in
 * a child of its own (plugins.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <otel/processor.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugins.h"
#include "sdk_child.h"
#include "test.h"

/* --- log records: processors may write or drop, exporters keep a copy --- */

static bool redact(void *ud, otel_log_data_t *record) {
  (void)ud;
  if (otel_attr_list_find(otel_log_data_attrs(record), "password")) {
    otel_log_data_set_attr(record, &OTEL_ATTR_STR("password", "REDACTED"));
    otel_log_data_set_body(record, "login (redacted)");
  }
  return otel_log_data_severity(record) >= OTEL_SEVERITY_INFO; /* debug records go no further */
}

static int logs_body(void) {
  setenv("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "2", 1);
  EXPECT(otel_add_log_processor(&OTEL_LOG_PROCESSOR_INIT(.on_emit = redact)) == 0);
  EXPECT(plugins_start() == 0);
  otel_span_t *span = otel_span_start(plugins_tracer(), "request", OTEL_SPAN_KIND_SERVER, NULL);
  otel_scope_t scope = otel_span_attach(span);
  char user[16] = "alice";
  otel_attr_t login[] = {OTEL_ATTR_STR("user", user), OTEL_ATTR_STR("password", "hunter2"),
                         OTEL_ATTR_INT("attempt", 1)};
  otel_log_event(OTEL_SEVERITY_WARN, "auth", "user.login", "login", login, 3);
  strcpy(user, "mallory"); /* the record is a copy */
  otel_log(OTEL_SEVERITY_DEBUG, "auth", "dropped in process", NULL, 0);
  otel_scope_end(&scope);
  otel_log(OTEL_SEVERITY_INFO, "app", "outside", NULL, 0);
  otel_span_end(span);
  EXPECT(otel_memory_log_count(plugins_memory) == 2);
  EXPECT(!otel_memory_find_log(plugins_memory, "dropped in process"));
  EXPECT(!otel_memory_find_log(plugins_memory, "login"));
  const otel_log_data_t *r = otel_memory_find_log(plugins_memory, "login (redacted)");
  EXPECT(r && r == otel_memory_log(plugins_memory, 0));
  EXPECT(otel_log_data_severity(r) == OTEL_SEVERITY_WARN);
  EXPECT(plugins_str_is(otel_log_data_severity_text(r), "WARNING"));
  EXPECT(plugins_str_is(otel_log_data_logger(r), "auth"));
  EXPECT(plugins_str_is(otel_log_data_event_name(r), "user.login"));
  const otel_attr_list_t *attrs = otel_log_data_attrs(r);
  EXPECT(otel_attr_list_len(attrs) == 2 && otel_attr_list_dropped(attrs) == 1);
  EXPECT(plugins_str_is(plugins_str(attrs, "user"), "alice"));
  EXPECT(plugins_str_is(plugins_str(attrs, "password"), "REDACTED"));
  const otel_span_data_t *s = otel_memory_find_span(plugins_memory, "request");
  EXPECT(s && !memcmp(otel_log_data_trace_id(r), otel_span_data_context(s)->trace_id, 16));
  EXPECT(!memcmp(otel_log_data_span_id(r), otel_span_data_context(s)->span_id, 8));
  EXPECT(otel_log_data_trace_flags(r) & OTEL_TRACE_FLAG_SAMPLED);
  EXPECT(otel_log_data_time(r) >= otel_span_data_start_time(s));
  EXPECT(otel_log_data_observed_time(r) == otel_log_data_time(r));
  EXPECT(plugins_str_is(plugins_str(otel_log_data_resource(r), "service.name"), "processors-test"));
  const otel_log_data_t *outside = otel_memory_find_log(plugins_memory, "outside");
  EXPECT(outside && !otel_log_data_trace_id(outside) && !otel_log_data_span_id(outside));
  EXPECT(!otel_log_data_event_name(outside));
  otel_shutdown(1000);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(log_processors_may_redact_and_drop) { CHECK_INT(plugins_in_child(logs_body), 0); }

static atomic_int logs_exported;

static otel_export_result_t count_logs(void *ud, const otel_log_data_t *const *records, size_t n,
                                       uint32_t timeout_ms) {
  (void)ud;
  (void)timeout_ms;
  for (size_t i = 0; i < n; i++)
    if (strcmp(otel_log_data_body(records[i]), "tick"))
      return OTEL_EXPORT_FAILURE;
  atomic_fetch_add(&logs_exported, (int)n);
  return OTEL_EXPORT_SUCCESS;
}

static void *log_ticks(void *arg) {
  (void)arg;
  for (int i = 0; i < 100; i++)
    otel_log(OTEL_SEVERITY_INFO, "ticker", "tick", &OTEL_ATTR_INT("i", i), 1);
  return NULL;
}

static int log_batch_body(void) {
  EXPECT(otel_add_log_exporter(&OTEL_LOG_EXPORTER_INIT(.export_logs = count_logs),
                               OTEL_PROCESSING_BATCH) == 0);
  EXPECT(otel_testing_init("processors-test", NULL) == 0);
  pthread_t threads[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&threads[i], NULL, log_ticks, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(threads[i], NULL);
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(atomic_load(&logs_exported) == 400);
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

TEST(log_exporter_behind_the_batch_processor) { CHECK_INT(plugins_in_child(log_batch_body), 0); }

static void register_redaction(void) {
  otel_add_log_processor(&OTEL_LOG_PROCESSOR_INIT(.on_emit = redact));
}

static int log_login(void) {
  EXPECT(freopen("/dev/null", "w", stdout)); /* the JSON log lines */
  otel_attr_t login[] = {OTEL_ATTR_STR("password", "hunter2")};
  otel_log(OTEL_SEVERITY_WARN, "auth", "login", login, 1);
  otel_log(OTEL_SEVERITY_DEBUG, "auth", "dropped in process", NULL, 0);
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

TEST(the_environments_log_pipeline_gets_the_processed_record) {
  receiver_t *r;
  test_child_before_init = register_redaction;
  int rc = test_in_child(&r, NULL, ENV("OTEL_LOGS_EXPORTER=otlp", "OTEL_TRACES_EXPORTER=none"),
                         log_login);
  test_child_before_init = NULL;
  CHECK_INT(rc, 0);
  CHECK_INT(receiver_count(r), 1);
  const received_t *got = receiver_get(r, 0);
  CHECK_STR(got->path, "/v1/logs");
  CHECK(memmem(got->body, got->len, "login (redacted)", 16));
  CHECK(memmem(got->body, got->len, "REDACTED", 8));
  CHECK(!memmem(got->body, got->len, "hunter2", 7));
  CHECK(!memmem(got->body, got->len, "dropped in process", 18));
  receiver_stop(r);
}

TEST_MAIN("log_processors", TEST_CASE(log_processors_may_redact_and_drop),
          TEST_CASE(log_exporter_behind_the_batch_processor),
          TEST_CASE(the_environments_log_pipeline_gets_the_processed_record))
