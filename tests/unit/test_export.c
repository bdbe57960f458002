/*
 * The export pipeline end to end: otel_init from the environment, spans ended
 * on the calling thread, the batch thread, OTLP/HTTP to a real receiver on
 * 127.0.0.1. Each scenario runs the SDK in a child process (otel_init is once
 * per process); the parent's receiver records what arrived and is checked here.
 */
#include <errno.h>
#include <jansson.h>
#include <otel/log.h>
#include <otel/trace.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "export/batch.h"
#include "common/clock.h"
#include "otlp/logs_service.pb-c.h"
#include "otlp/metrics_service.pb-c.h"
#include "otlp/trace_service.pb-c.h"
#include "receiver.h"
#include "sdk_child.h"
#include "common/state.h"
#include "test.h"
#include "test_env.h"

typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest request_t;

static request_t *decode(const received_t *rec) {
  return opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
      NULL, rec->len, rec->body);
}

static void request_free(request_t *req) {
  opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req,
                                                                                          NULL);
}

static size_t span_count(const request_t *req) {
  size_t n = 0;
  for (size_t i = 0; i < req->n_resource_spans; i++)
    for (size_t k = 0; k < req->resource_spans[i]->n_scope_spans; k++)
      n += req->resource_spans[i]->scope_spans[k]->n_spans;
  return n;
}

#define CLIENT_END_NS 4102444800000000000ull /* 2100-01-01 */

/* A server span with a client child, as a request handler makes them. */
static int two_spans(void) {
  const otel_tracer_t *t = otel_tracer_get("export.test", "0.1");
  otel_span_t *server = otel_span_start(t, "GET /items/{id}", OTEL_SPAN_KIND_SERVER, NULL);
  otel_span_set_str(server, "http.route", "/items/{id}");
  otel_scope_t scope = otel_span_attach(server);
  otel_span_t *client = otel_span_start(t, "SELECT items", OTEL_SPAN_KIND_CLIENT, NULL);
  otel_span_set_int(client, "rows", 1);
  otel_span_end_at(client, CLIENT_END_NS); /* an end time of the caller's */
  otel_scope_end(&scope);
  otel_span_end(server);
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

static void check_two_spans(const request_t *req) {
  CHECK_INT(span_count(req), 2);
  Opentelemetry__Proto__Trace__V1__ResourceSpans *rs = req->resource_spans[0];
  bool found = false;
  for (size_t i = 0; i < rs->resource->n_attributes; i++)
    if (!strcmp(rs->resource->attributes[i]->key, "service.name"))
      found = !strcmp(rs->resource->attributes[i]->value->string_value, "export-test");
  CHECK(found);
  CHECK_STR(rs->scope_spans[0]->scope->name, "export.test");
  Opentelemetry__Proto__Trace__V1__Span *client = rs->scope_spans[0]->spans[0];
  Opentelemetry__Proto__Trace__V1__Span *server = rs->scope_spans[0]->spans[1];
  CHECK_STR(client->name, "SELECT items");
  CHECK_STR(server->name, "GET /items/{id}");
  CHECK_INT(server->kind, 2);
  CHECK_INT(server->parent_span_id.len, 0);
  CHECK(!memcmp(client->trace_id.data, server->trace_id.data, 16));
  CHECK(!memcmp(client->parent_span_id.data, server->span_id.data, 8));
  CHECK(server->end_time_unix_nano >= server->start_time_unix_nano);
  CHECK(client->end_time_unix_nano == CLIENT_END_NS);
  CHECK_STR(server->attributes[0]->value->string_value, "/items/{id}");
}

/* The receiver got one protobuf request, and it holds what two_spans made. */
static void check_one_request_with_two_spans(receiver_t *r) {
  CHECK_INT(receiver_count(r), 1);
  const received_t *rec = receiver_get(r, 0);
  CHECK_STR(rec->path, "/v1/traces");
  CHECK_STR(rec->content_type, "application/x-protobuf");
  CHECK(rec->body != NULL); /* inflated, when it was gzip */
  request_t *req = decode(rec);
  CHECK(req);
  check_two_spans(req);
  request_free(req);
}

TEST(protobuf_export_arrives_intact) {
  receiver_t *r;
  CHECK_INT(
      test_in_child(&r, NULL, ENV("OTEL_EXPORTER_OTLP_HEADERS=x-api-key=s3cr%21t"), two_spans), 0);
  check_one_request_with_two_spans(r);
  CHECK_STR(receiver_get(r, 0)->content_encoding, "");
  CHECK_STR(receiver_get(r, 0)->api_key, "s3cr!t");
  receiver_stop(r);
}

TEST(gzip_export_arrives_intact) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, NULL, ENV("OTEL_EXPORTER_OTLP_COMPRESSION=gzip"), two_spans), 0);
  check_one_request_with_two_spans(r);
  CHECK_STR(receiver_get(r, 0)->content_encoding, "gzip");
  receiver_stop(r);
}

TEST(json_export_arrives_intact) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, NULL, ENV("OTEL_EXPORTER_OTLP_PROTOCOL=http/json"), two_spans), 0);
  CHECK_INT(receiver_count(r), 1);
  const received_t *rec = receiver_get(r, 0);
  CHECK_STR(rec->content_type, "application/json");
  json_t *root = json_loadb((const char *)rec->body, rec->len, 0, NULL);
  CHECK(root);
  json_t *spans = json_object_get(
      json_array_get(
          json_object_get(json_array_get(json_object_get(root, "resourceSpans"), 0), "scopeSpans"),
          0),
      "spans");
  CHECK_INT(json_array_size(spans), 2);
  json_t *client = json_array_get(spans, 0), *server = json_array_get(spans, 1);
  CHECK_STR(json_string_value(json_object_get(client, "parentSpanId")),
            json_string_value(json_object_get(server, "spanId")));
  CHECK_INT(strlen(json_string_value(json_object_get(server, "traceId"))), 32);
  json_decref(root);
  receiver_stop(r);
}

static int three_exports(void) {
  for (int i = 0; i < 3; i++) {
    otel_span_end(otel_span_start(NULL, "kept-alive", OTEL_SPAN_KIND_INTERNAL, NULL));
    EXPECT(otel_force_flush(5000) == 0);
  }
  EXPECT(otel_shutdown(1000) == 0);
  return 0;
}

TEST(exports_reuse_one_connection) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, NULL, ENV("X=1"), three_exports), 0);
  CHECK_INT(receiver_count(r), 3);
  CHECK_INT(receiver_connections(r), 1);
  receiver_stop(r);
}

/* Shutdown with a retry pending: the backoff is cut short, one last attempt made. */
static int three_spans(void) {
  for (int i = 0; i < 3; i++)
    otel_span_end(otel_span_start(NULL, "retried", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(otel_shutdown(10000) == 0);
  return 0;
}

static void answer_503_then_200(receiver_t *r) { receiver_script(r, (int[]){503, 200}, 2, "0"); }

TEST(a_503_is_retried_with_the_same_batch) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, answer_503_then_200, ENV("X=1"), three_spans), 0);
  CHECK_INT(receiver_count(r), 2);
  const received_t *a = receiver_get(r, 0), *b = receiver_get(r, 1);
  CHECK_INT(a->len, b->len);
  CHECK(!memcmp(a->body, b->body, a->len));
  request_t *req = decode(b);
  CHECK_INT(span_count(req), 3);
  request_free(req);
  receiver_stop(r);
}

/* Flushes rather than shuts down: shutdown would cut the backoff short. */
static int three_spans_flushed(void) {
  for (int i = 0; i < 3; i++)
    otel_span_end(otel_span_start(NULL, "retried", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(otel_force_flush(10000) == 0);
  EXPECT(otel__batch_stats(otel__sdk.spans).exported == 3);
  otel_shutdown(1000);
  return 0;
}

/* OTEL_LOG_LEVEL=debug: each attempt of an export says what came of it. */
static int exports_reported(void) {
  otel_span_end(otel_span_start(NULL, "reported", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(otel_force_flush(10000) == 0);
  EXPECT(strstr(test_diag_text(), ": HTTP 503; attempt 2 again in "));
  EXPECT(strstr(test_diag_text(), " bytes, HTTP 200, attempt 2"));
  otel_shutdown(1000);
  return 0;
}

/* At the default level (info), the same export says nothing. */
static int exports_unreported(void) {
  otel_span_end(otel_span_start(NULL, "quiet", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(otel_force_flush(10000) == 0);
  EXPECT(!strstr(test_diag_text(), "attempt"));
  otel_shutdown(1000);
  return 0;
}

TEST(debug_level_reports_each_export_attempt) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, answer_503_then_200, ENV("OTEL_LOG_LEVEL=debug"), exports_reported),
            0);
  receiver_stop(r);
  CHECK_INT(test_in_child(&r, answer_503_then_200, ENV("X=1"), exports_unreported), 0);
  receiver_stop(r);
}

/* Nothing listens: connection failures are retried until
 * OTEL_EXPORTER_OTLP_TIMEOUT, not the batch processor's longer timeout. */
static int down_until_the_otlp_timeout(void) {
  otel_span_end(otel_span_start(NULL, "lost", OTEL_SPAN_KIND_INTERNAL, NULL));
  uint64_t t0 = otel__now_mono_ns();
  otel_force_flush(10000);
  uint64_t ms = (otel__now_mono_ns() - t0) / 1000000u;
  fprintf(stderr, "    child: gave up after %llu ms\n", (unsigned long long)ms);
  EXPECT(ms < 2000); /* not the 30 s of OTEL_BSP_EXPORT_TIMEOUT */
  EXPECT(otel__batch_stats(otel__sdk.spans).failed == 1);
  EXPECT(strstr(test_diag_text(), "failed: Couldn't connect to server"));
  otel_shutdown(1000);
  return 0;
}

TEST(the_otlp_timeout_bounds_retries) {
  CHECK_INT(test_in_child(NULL, NULL,
                          ENV("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9",
                              "OTEL_EXPORTER_OTLP_TIMEOUT=300", "OTEL_BSP_EXPORT_TIMEOUT=30000"),
                          down_until_the_otlp_timeout),
            0);
}

static void answer_429_then_200(receiver_t *r) { receiver_script(r, (int[]){429, 200}, 2, "1"); }

TEST(retry_after_is_honoured) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, answer_429_then_200, ENV("X=1"), three_spans_flushed), 0);
  CHECK_INT(receiver_count(r), 2);
  uint64_t gap = receiver_get(r, 1)->at_ms - receiver_get(r, 0)->at_ms;
  CHECK(gap >= 950 && gap < 3000);
  receiver_stop(r);
}

static int rejected_not_retried(void) {
  otel_span_end(otel_span_start(NULL, "bad", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(otel__batch_stats(otel__sdk.spans).failed == 1);
  EXPECT(strstr(test_diag_text(), "rejected: HTTP 400"));
  otel_shutdown(1000);
  return 0;
}

static void answer_400(receiver_t *r) { receiver_script(r, (int[]){400}, 1, NULL); }

TEST(a_400_is_not_retried) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, answer_400, ENV("X=1"), rejected_not_retried), 0);
  CHECK_INT(receiver_count(r), 1);
  receiver_stop(r);
}

/* Resident memory of this process, in KiB. */
static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (f && fgets(line, sizeof(line), f))
    if (!strncmp(line, "VmRSS:", 6))
      kib = strtol(line + 6, NULL, 10);
  if (f)
    fclose(f);
  return kib;
}

#define FLOOD 200000

/* Ends many spans while the exporter cannot deliver: none may wait, the
 * queue must stay at its size (drops counted), memory must not grow with the
 * spans (unbounded, 200,000 would take 400 MB), and shutdown must be bounded. */
static int flood_while_stuck(void) {
  long rss_before = rss_kib();
  uint64_t worst = 0, t_all = otel__now_mono_ns();
  for (int i = 0; i < FLOOD; i++) {
    uint64_t t0 = otel__now_mono_ns();
    otel_span_t *s = otel_span_start(NULL, "flood", OTEL_SPAN_KIND_INTERNAL, NULL);
    otel_span_set_int(s, "i", i);
    otel_span_end(s);
    uint64_t d = otel__now_mono_ns() - t0;
    worst = d > worst ? d : worst;
  }
  uint64_t all_ms = (otel__now_mono_ns() - t_all) / 1000000;
  long rss_growth_kib = rss_kib() - rss_before;
  otel__batch_stats_t st = otel__batch_stats(otel__sdk.spans);
  uint64_t t0 = otel__now_mono_ns();
  int rc = otel_shutdown(500);
  uint64_t shutdown_ms = (otel__now_mono_ns() - t0) / 1000000;
  fprintf(stderr,
          "    child: worst end %.3f ms, all %llu ms, queued %llu, dropped %llu, "
          "rss +%ld KiB, shutdown %llu ms (rc %d)\n",
          (double)worst / 1e6, (unsigned long long)all_ms, (unsigned long long)st.queued,
          (unsigned long long)st.dropped, rss_growth_kib, (unsigned long long)shutdown_ms, rc);
  EXPECT(worst < 50 * 1000000ull); /* no end waited on the network */
  EXPECT(all_ms < 10000);
  EXPECT(st.queued + st.dropped == FLOOD);
  EXPECT(st.queued <= 200 + 50 * 4); /* the queue plus the batches taken out of it */
  EXPECT(st.dropped >= FLOOD - 500);
  EXPECT(rss_growth_kib < 16 * 1024);
  EXPECT(strstr(test_diag_text(), "queue full"));
  EXPECT(shutdown_ms < 2500);
  EXPECT(otel_shutdown(500) == 0); /* a second shutdown is a no-op */
  otel_span_end(otel_span_start(NULL, "late", OTEL_SPAN_KIND_INTERNAL, NULL));
  return 0;
}

#define STUCK_ENV                                                                                  \
  ENV("OTEL_BSP_MAX_QUEUE_SIZE=200", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=50",                          \
      "OTEL_EXPORTER_OTLP_TIMEOUT=60000", "OTEL_BSP_EXPORT_TIMEOUT=60000")

static void never_answer(receiver_t *r) { receiver_hang(r, true); }

TEST(a_receiver_that_hangs_never_blocks_spans_or_shutdown) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, never_answer, STUCK_ENV, flood_while_stuck), 0);
  CHECK(receiver_count(r) >= 1);
  receiver_stop(r);
}

TEST(a_receiver_that_is_down_never_blocks_spans_or_shutdown) {
  receiver_t *gone = receiver_start();
  int port = receiver_port(gone);
  receiver_stop(gone); /* nothing listens on this port now */
  char endpoint[80];
  snprintf(endpoint, sizeof(endpoint),
           "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:%d/v1/traces", port);
  CHECK_INT(test_in_child(NULL, NULL,
                          ENV("OTEL_BSP_MAX_QUEUE_SIZE=200", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=50",
                              "OTEL_EXPORTER_OTLP_TIMEOUT=60000", "OTEL_BSP_EXPORT_TIMEOUT=60000",
                              endpoint),
                          flood_while_stuck),
            0);
}

static int oversize_response(void) {
  otel_span_end(otel_span_start(NULL, "s", OTEL_SPAN_KIND_INTERNAL, NULL));
  otel_force_flush(5000);
  EXPECT(otel__batch_stats(otel__sdk.spans).failed == 1);
  EXPECT(strstr(test_diag_text(), "response larger than 4194304 bytes"));
  otel_shutdown(1000);
  return 0;
}

static void answer_5_mib(receiver_t *r) {
  size_t big = (5u << 20);
  char *body = calloc(1, big);
  receiver_reply_body(r, body, big, "application/x-protobuf");
  free(body);
}

TEST(an_oversize_response_is_an_error) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, answer_5_mib, ENV("X=1"), oversize_response), 0);
  CHECK_INT(receiver_count(r), 1);
  receiver_stop(r);
}

static int partial_success(void) {
  otel_span_end(otel_span_start(NULL, "s", OTEL_SPAN_KIND_INTERNAL, NULL));
  otel_force_flush(5000);
  EXPECT(otel__batch_stats(otel__sdk.spans).exported == 1);
  EXPECT(strstr(test_diag_text(), "partially rejected: 2 items: span too old"));
  otel_shutdown(1000);
  return 0;
}

static void answer_partial_success(receiver_t *r) {
  Opentelemetry__Proto__Collector__Trace__V1__ExportTracePartialSuccess ps =
      OPENTELEMETRY__PROTO__COLLECTOR__TRACE__V1__EXPORT_TRACE_PARTIAL_SUCCESS__INIT;
  ps.rejected_spans = 2;
  ps.error_message = "span too old";
  Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceResponse resp =
      OPENTELEMETRY__PROTO__COLLECTOR__TRACE__V1__EXPORT_TRACE_SERVICE_RESPONSE__INIT;
  resp.partial_success = &ps;
  uint8_t buf[128];
  size_t n =
      opentelemetry__proto__collector__trace__v1__export_trace_service_response__pack(&resp, buf);
  receiver_reply_body(r, buf, n, "application/x-protobuf");
}

TEST(a_partial_success_is_logged_not_retried) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, answer_partial_success, ENV("X=1"), partial_success), 0);
  CHECK_INT(receiver_count(r), 1);
  receiver_stop(r);
}

static int json_partial_success(void) {
  otel_span_end(otel_span_start(NULL, "s", OTEL_SPAN_KIND_INTERNAL, NULL));
  otel_force_flush(5000);
  EXPECT(strstr(test_diag_text(), "partially rejected: 3 items: nope"));
  otel_shutdown(1000);
  return 0;
}

static void answer_json_partial_success(receiver_t *r) {
  const char *body = "{\"partialSuccess\":{\"rejectedSpans\":\"3\",\"errorMessage\":\"nope\"}}";
  receiver_reply_body(r, body, strlen(body), "application/json");
}

TEST(a_json_partial_success_is_logged) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, answer_json_partial_success,
                          ENV("OTEL_EXPORTER_OTLP_PROTOCOL=http/json"), json_partial_success),
            0);
  receiver_stop(r);
}

/* A thousand spans into a queue of four, then shutdown. */
static int overflow_the_queue(void) {
  for (int i = 0; i < 1000; i++)
    otel_span_end(otel_span_start(NULL, "s", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

/* The value of the point of metric name whose attribute key has value
 * (key NULL: the point without error.type); -1 when there is none. */
/* The count of the histogram point of libotel's metric name whose
 * otel.component.type is type; -1 when there is none. */
static int64_t sdk_histogram_count(const Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm,
                                   const char *name, const char *type) {
  for (size_t m = 0; m < sm->n_metrics; m++) {
    if (strcmp(sm->metrics[m]->name, name) || !sm->metrics[m]->histogram)
      continue;
    const Opentelemetry__Proto__Metrics__V1__Histogram *h = sm->metrics[m]->histogram;
    for (size_t i = 0; i < h->n_data_points; i++)
      for (size_t a = 0; a < h->data_points[i]->n_attributes; a++)
        if (!strcmp(h->data_points[i]->attributes[a]->key, "otel.component.type") &&
            !strcmp(h->data_points[i]->attributes[a]->value->string_value, type))
          return (int64_t)h->data_points[i]->count;
  }
  return -1;
}

static int64_t sdk_count(const Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm,
                         const char *name, const char *key, const char *value) {
  for (size_t m = 0; m < sm->n_metrics; m++) {
    if (strcmp(sm->metrics[m]->name, name))
      continue;
    const Opentelemetry__Proto__Metrics__V1__Sum *sum = sm->metrics[m]->sum;
    for (size_t i = 0; i < sum->n_data_points; i++) {
      const Opentelemetry__Proto__Metrics__V1__NumberDataPoint *p = sum->data_points[i];
      bool has_error = false, match = key == NULL;
      for (size_t a = 0; a < p->n_attributes; a++) {
        has_error |= !strcmp(p->attributes[a]->key, "error.type");
        if (key && !strcmp(p->attributes[a]->key, key) &&
            !strcmp(p->attributes[a]->value->string_value, value))
          match = true;
      }
      if (match && (key || !has_error))
        return p->as_int;
    }
  }
  return -1;
}

TEST(the_sdk_reports_its_own_exports_and_drops_as_metrics) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, NULL,
                          ENV("OTEL_METRICS_EXPORTER=otlp", "OTEL_LOGS_EXPORTER=none",
                              "OTEL_BSP_MAX_QUEUE_SIZE=4", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=4"),
                          overflow_the_queue),
            0);
  int n = receiver_count(r);
  CHECK(n >= 2);
  int64_t received = 0; /* spans that arrived */
  for (int i = 0; i < n - 1; i++) {
    const received_t *t = receiver_get(r, i);
    CHECK_STR(t->path, "/v1/traces");
    request_t *spans =
        opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
            NULL, t->len, t->body);
    CHECK(spans);
    received += (int64_t)spans->resource_spans[0]->scope_spans[0]->n_spans;
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(spans,
                                                                                            NULL);
  }
  const received_t *rec = receiver_get(r, n - 1); /* the last collection, at shutdown */
  CHECK_STR(rec->path, "/v1/metrics");
  Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest *req =
      opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(
          NULL, rec->len, rec->body);
  CHECK(req && req->n_resource_metrics == 1);
  const Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm = NULL;
  for (size_t i = 0; i < req->resource_metrics[0]->n_scope_metrics; i++)
    if (!strcmp(req->resource_metrics[0]->scope_metrics[i]->scope->name, "libotel"))
      sm = req->resource_metrics[0]->scope_metrics[i];
  CHECK(sm);
  int64_t passed = sdk_count(sm, "otel.sdk.processor.span.processed", NULL, NULL);
  int64_t dropped = sdk_count(sm, "otel.sdk.processor.span.processed", "error.type", "queue_full");
  CHECK(dropped > 0);
  CHECK_INT(passed + dropped, 1000);
  CHECK_INT(sdk_count(sm, "otel.sdk.exporter.span.exported", NULL, NULL), received);
  CHECK_INT(received, passed);
  CHECK_INT(sdk_count(sm, "otel.sdk.exporter.span.exported", "otel.component.type",
                      "otlp_http_span_exporter"),
            received);
  CHECK_INT(sdk_count(sm, "otel.sdk.exporter.span.exported", "error.type", "rejected"), -1);
  CHECK_INT(sdk_count(sm, "otel.sdk.processor.log.processed", NULL, NULL), -1); /* no logs */
  /* the queue: OTEL_BSP_MAX_QUEUE_SIZE, and empty once shutdown has exported it */
  CHECK_INT(sdk_count(sm, "otel.sdk.processor.span.queue.capacity", "otel.component.name",
                      "batching_span_processor/0"),
            4);
  CHECK_INT(sdk_count(sm, "otel.sdk.processor.span.queue.size", "otel.component.type",
                      "batching_span_processor"),
            0);
  CHECK_INT(sdk_count(sm, "otel.sdk.processor.log.queue.capacity", NULL, NULL), -1);
  /* nothing in an export while the last collection ran (test_batch sees
   * an export under way) */
  CHECK_INT(sdk_count(sm, "otel.sdk.exporter.span.inflight", "otel.component.type",
                      "otlp_http_span_exporter"),
            0);
  CHECK_INT(sdk_count(sm, "otel.sdk.exporter.metric_data_point.inflight", NULL, NULL), 0);
  /* each span export's duration; the collection's is recorded after it */
  CHECK_INT(
      sdk_histogram_count(sm, "otel.sdk.exporter.operation.duration", "otlp_http_span_exporter"),
      n - 1);
  opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(req,
                                                                                              NULL);
  receiver_stop(r);
}

/* A warning written under a span whose parent came from a known traceparent. */
static int log_under_a_span(void) {
  if (!freopen("/dev/null", "w", stdout)) /* the JSON lines are log.c's business */
    return 2;
  otel_context_t parent;
  memset(&parent, 0, sizeof(parent));
  otel_traceparent_parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                         &parent.span_context);
  otel_span_t *s = otel_span_start(NULL, "op", OTEL_SPAN_KIND_SERVER, &parent);
  otel_scope_t scope = otel_span_attach(s);
  otel_attr_t fields[] = {OTEL_ATTR_INT("article_id", 42), OTEL_ATTR_STR("error", "refused")};
  otel_log(OTEL_SEVERITY_WARN, "articles", "notification dispatch failed", fields, 2);
  otel_log_event(OTEL_SEVERITY_INFO, "articles", "article.created", "created", fields, 1);
  otel_scope_end(&scope);
  otel_span_end(s);
  otel_log(OTEL_SEVERITY_INFO, "articles.http", "outside", NULL, 0);
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

TEST(log_records_are_exported_with_their_trace) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, NULL, ENV("OTEL_TRACES_EXPORTER=none", "OTEL_METRICS_EXPORTER=none"),
                          log_under_a_span),
            0);
  CHECK_INT(receiver_count(r), 1);
  const received_t *rec = receiver_get(r, 0);
  CHECK_STR(rec->path, "/v1/logs");
  Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest *req =
      opentelemetry__proto__collector__logs__v1__export_logs_service_request__unpack(NULL, rec->len,
                                                                                     rec->body);
  CHECK(req);
  CHECK_INT(req->n_resource_logs, 1);
  Opentelemetry__Proto__Logs__V1__ResourceLogs *rl = req->resource_logs[0];
  CHECK_INT(rl->n_scope_logs, 2);
  CHECK_STR(rl->scope_logs[0]->scope->name, "articles");
  CHECK_STR(rl->scope_logs[1]->scope->name, "articles.http");
  Opentelemetry__Proto__Logs__V1__LogRecord *lr = rl->scope_logs[0]->log_records[0];
  CHECK_STR(lr->body->string_value, "notification dispatch failed");
  CHECK_INT(lr->severity_number, 13);
  CHECK_STR(lr->severity_text, "WARNING");
  CHECK(lr->time_unix_nano > 0 && lr->observed_time_unix_nano == lr->time_unix_nano);
  CHECK_INT(lr->n_attributes, 2);
  CHECK_STR(lr->attributes[0]->key, "article_id");
  CHECK_INT(lr->attributes[0]->value->int_value, 42);
  CHECK_INT(lr->trace_id.len, 16);
  CHECK_INT(lr->trace_id.data[0], 0x4b);
  CHECK_INT(lr->span_id.len, 8);
  CHECK_INT(lr->flags, 1);
  CHECK_STR(lr->event_name, ""); /* otel_log(): no event */
  CHECK_INT(rl->scope_logs[0]->n_log_records, 2);
  Opentelemetry__Proto__Logs__V1__LogRecord *event = rl->scope_logs[0]->log_records[1];
  CHECK_STR(event->event_name, "article.created");
  CHECK_STR(event->body->string_value, "created");
  CHECK_INT(event->n_attributes, 1);
  CHECK_INT(event->span_id.len, 8);
  Opentelemetry__Proto__Logs__V1__LogRecord *outside = rl->scope_logs[1]->log_records[0];
  CHECK_INT(outside->trace_id.len, 0); /* no span: no trace */
  opentelemetry__proto__collector__logs__v1__export_logs_service_request__free_unpacked(req, NULL);
  receiver_stop(r);
}

/* A log record queued for a minute, flushed, and the process gone without
 * a shutdown: only the flush can have sent it. */
static int log_record_flushed(void) {
  otel_log(OTEL_SEVERITY_WARN, "export.test", "flushed", NULL, 0);
  EXPECT(otel_force_flush(5000) == 0);
  _exit(0);
}

TEST(force_flush_sends_the_queued_log_records) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, NULL,
                          ENV("OTEL_TRACES_EXPORTER=none", "OTEL_BLRP_SCHEDULE_DELAY=60000"),
                          log_record_flushed),
            0);
  CHECK_INT(receiver_count(r), 1);
  CHECK_STR(receiver_get(r, 0)->path, "/v1/logs");
  receiver_stop(r);
}

static char console_path[64];

static int console_spans(void) {
  if (!freopen(console_path, "w", stdout))
    return 2;
  otel_span_t *s = otel_span_start(NULL, "printed", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_span_set_str(s, "k", "v");
  otel_span_end(s);
  otel_span_end(otel_span_start(NULL, "second", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(otel_shutdown(2000) == 0);
  return 0;
}

TEST(console_prints_one_json_line_per_span) {
  snprintf(console_path, sizeof(console_path), "/tmp/libotel-console-%d", (int)getpid());
  CHECK_INT(test_in_child(NULL, NULL, ENV("OTEL_TRACES_EXPORTER=console"), console_spans), 0);
  FILE *f = fopen(console_path, "r");
  CHECK(f);
  char line[4096];
  int lines = 0;
  bool printed = false;
  while (fgets(line, sizeof(line), f)) {
    json_t *j = json_loads(line, 0, NULL);
    CHECK(j);
    printed |= !strcmp(json_string_value(json_object_get(j, "name")), "printed");
    json_decref(j);
    lines++;
  }
  fclose(f);
  unlink(console_path);
  CHECK_INT(lines, 2);
  CHECK(printed);
}

static int disabled(void) {
  EXPECT(!otel_enabled());
  otel_span_t *s = otel_span_start(NULL, "nothing", OTEL_SPAN_KIND_SERVER, NULL);
  EXPECT(!otel_span_is_recording(s));
  otel_span_end(s);
  EXPECT(otel_force_flush(100) == 0);
  EXPECT(otel_shutdown(100) == 0);
  return 0;
}

TEST(a_disabled_sdk_sends_nothing) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, NULL, ENV("OTEL_SDK_DISABLED=true"), disabled), 0);
  CHECK_INT(receiver_count(r), 0);
  receiver_stop(r);
}

TEST_MAIN("export", TEST_CASE(protobuf_export_arrives_intact),
          TEST_CASE(debug_level_reports_each_export_attempt), TEST_CASE(gzip_export_arrives_intact),
          TEST_CASE(json_export_arrives_intact), TEST_CASE(exports_reuse_one_connection),
          TEST_CASE(a_503_is_retried_with_the_same_batch), TEST_CASE(retry_after_is_honoured),
          TEST_CASE(a_400_is_not_retried), TEST_CASE(the_otlp_timeout_bounds_retries),
          TEST_CASE(a_receiver_that_hangs_never_blocks_spans_or_shutdown),
          TEST_CASE(a_receiver_that_is_down_never_blocks_spans_or_shutdown),
          TEST_CASE(an_oversize_response_is_an_error),
          TEST_CASE(a_partial_success_is_logged_not_retried),
          TEST_CASE(a_json_partial_success_is_logged),
          TEST_CASE(console_prints_one_json_line_per_span), TEST_CASE(a_disabled_sdk_sends_nothing),
          TEST_CASE(log_records_are_exported_with_their_trace),
          TEST_CASE(force_flush_sends_the_queued_log_records),
          TEST_CASE(the_sdk_reports_its_own_exports_and_drops_as_metrics))
