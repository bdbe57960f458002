/*
 * Exemplars: which measurements become one under each filter, the span they
 * point to, one per histogram bucket and one per sum, kept across
 * cumulative exports and emptied by delta ones.
 */
#include <otel/metrics.h>
#include <otel/trace.h>
#include <string.h>

#include "common/clock.h"
#include "export/otlp_metrics.h"
#include "metrics/metrics.h"
#include "otlp/metrics_service.pb-c.h"
#include "metrics_request.h"
#include "test.h"
#include "test_sdk.h"

typedef test_metrics_request_t request_t;
typedef test_metric_t metric_t;
typedef Opentelemetry__Proto__Metrics__V1__Exemplar exemplar_t;

static const double BOUNDS[] = {1, 10, 100};

/* The first (only) point's exemplars of a histogram or a sum. */
static size_t exemplars_of(const metric_t *m, exemplar_t ***out) {
  if (!m)
    return 0;
  if (m->data_case == OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM &&
      m->histogram->n_data_points) {
    *out = m->histogram->data_points[0]->exemplars;
    return m->histogram->data_points[0]->n_exemplars;
  }
  if (m->data_case == OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM &&
      m->sum->n_data_points) {
    *out = m->sum->data_points[0]->exemplars;
    return m->sum->data_points[0]->n_exemplars;
  }
  return 0;
}

/* Collects now and returns the exemplars of the first point of the metric
 * named name into *x, borrowed until the next call. */
static request_t *last;

static size_t exemplars_now(const char *name, exemplar_t ***x) {
  test_metrics_request_free(last);
  last = test_metrics_collect();
  return exemplars_of(test_metrics_find(last, name), x);
}

static void done(void) {
  test_metrics_request_free(last);
  last = NULL;
  test_sdk_stop();
}

static bool points_to(const exemplar_t *x, const otel_span_t *s) {
  const otel_span_context_t *sc = otel_span_context(s);
  return x->trace_id.len == OTEL_TRACE_ID_SIZE && x->span_id.len == OTEL_SPAN_ID_SIZE &&
         !memcmp(x->trace_id.data, sc->trace_id, OTEL_TRACE_ID_SIZE) &&
         !memcmp(x->span_id.data, sc->span_id, OTEL_SPAN_ID_SIZE);
}

/* value recorded into h within a new span s, which is current meanwhile. */
static otel_span_t *record_within_span(otel_histogram_t *h, double value) {
  otel_span_t *s = otel_span_start(NULL, "work", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_scope_t scope = otel_span_attach(s);
  otel_histogram_record(h, value, NULL, 0);
  otel_scope_end(&scope);
  return s;
}

TEST(trace_based_keeps_the_last_of_each_bucket_within_sampled_spans) {
  TEST_SDK_START("X=1");
  otel_histogram_t *h = otel_histogram("test", "ex.latency", "ms", "", BOUNDS, 3);
  otel_histogram_record(h, 50, NULL, 0); /* outside any span: not an exemplar */
  uint64_t before = otel__now_unix_ns();
  otel_span_t *a = record_within_span(h, 5);   /* bucket (1, 10] */
  otel_span_t *b = record_within_span(h, 7);   /* the same bucket: b's replaces a's */
  otel_span_t *c = record_within_span(h, 500); /* (100, +inf) */
  exemplar_t **x;
  CHECK_INT(exemplars_now("ex.latency", &x), 2);
  CHECK(points_to(x[0], b) && x[0]->as_double == 7);
  CHECK(points_to(x[1], c) && x[1]->as_double == 500);
  CHECK_INT(x[0]->value_case, OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE);
  /* (An exemplar's time is the kernel tick's: up to a few ms behind.) */
  CHECK(x[0]->time_unix_nano + 10000000 >= before && x[0]->time_unix_nano <= otel__now_unix_ns());
  otel_span_end(a);
  otel_span_end(b);
  otel_span_end(c);
  /* Cumulative: what was kept is exported again. */
  CHECK_INT(exemplars_now("ex.latency", &x), 2);
  done();
}

TEST(none_from_an_unsampled_span_nor_with_the_filter_off) {
  static const char *const UNSAMPLED[] = {"OTEL_TRACES_SAMPLER=always_off", NULL};
  static const char *const OFF[] = {"OTEL_METRICS_EXEMPLAR_FILTER=ALWAYS_OFF", NULL};
  const char *const *envs[] = {UNSAMPLED, OFF};
  const char *names[] = {"ex.unsampled", "ex.off"};
  for (int i = 0; i < 2; i++) {
    test_sdk_start(envs[i]);
    otel_histogram_t *h = otel_histogram("test", names[i], "ms", "", BOUNDS, 3);
    otel_span_end(record_within_span(h, 5));
    exemplar_t **x;
    CHECK_INT(exemplars_now(names[i], &x), 0);
    CHECK(test_metrics_find(last, names[i])); /* measured all the same */
    done();
  }
}

TEST(always_on_keeps_them_outside_spans_without_ids) {
  TEST_SDK_START("OTEL_METRICS_EXEMPLAR_FILTER=always_on");
  otel_histogram_t *h = otel_histogram("test", "ex.always", "ms", "", BOUNDS, 3);
  otel_histogram_record(h, 0.5, NULL, 0);
  exemplar_t **x;
  CHECK_INT(exemplars_now("ex.always", &x), 1);
  CHECK(x[0]->as_double == 0.5);
  CHECK_INT(x[0]->trace_id.len, 0);
  CHECK_INT(x[0]->span_id.len, 0);
  done();
}

TEST(a_sum_keeps_one_of_its_measurements) {
  TEST_SDK_START("X=1");
  otel_counter_t *c = otel_counter("test", "ex.orders", "1", "");
  otel_span_t *spans[8];
  for (int i = 0; i < 8; i++) {
    spans[i] = otel_span_start(NULL, "order", OTEL_SPAN_KIND_INTERNAL, NULL);
    otel_scope_t scope = otel_span_attach(spans[i]);
    otel_counter_add(c, i + 1, NULL, 0);
    otel_scope_end(&scope);
  }
  exemplar_t **x;
  CHECK_INT(exemplars_now("ex.orders", &x), 1);
  CHECK_INT(x[0]->value_case, OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_INT);
  int which = (int)x[0]->as_int - 1; /* the span of the measurement kept */
  CHECK(which >= 0 && which < 8 && points_to(x[0], spans[which]));
  for (int i = 0; i < 8; i++)
    otel_span_end(spans[i]);
  done();
}

TEST(the_span_given_wins_over_the_current_one) {
  TEST_SDK_START("X=1");
  otel_histogram_t *h = otel_histogram("test", "ex.given", "s", "", BOUNDS, 3);
  otel_span_t *request = otel_span_start(NULL, "request", OTEL_SPAN_KIND_SERVER, NULL);
  otel_span_t *other = otel_span_start(NULL, "other", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_scope_t scope = otel_span_attach(other);
  otel_histogram_record_in(h, 0.2, NULL, 0, request);
  otel_scope_end(&scope);
  exemplar_t **x;
  CHECK_INT(exemplars_now("ex.given", &x), 1);
  CHECK(points_to(x[0], request));
  otel_span_end(other);
  otel_span_end(request);
  done();
}

TEST(a_delta_export_empties_them) {
  TEST_SDK_START("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta");
  otel_histogram_t *h = otel_histogram("test", "ex.delta", "ms", "", BOUNDS, 3);
  otel_span_end(record_within_span(h, 5));
  exemplar_t **x;
  CHECK_INT(exemplars_now("ex.delta", &x), 1);
  otel_histogram_record(h, 5, NULL, 0); /* outside a span: a change, but no exemplar */
  CHECK_INT(exemplars_now("ex.delta", &x), 0);
  CHECK(test_metrics_find(last, "ex.delta")); /* exported: it changed */
  done();
}

TEST_MAIN("exemplars", TEST_CASE(trace_based_keeps_the_last_of_each_bucket_within_sampled_spans),
          TEST_CASE(none_from_an_unsampled_span_nor_with_the_filter_off),
          TEST_CASE(always_on_keeps_them_outside_spans_without_ids),
          TEST_CASE(a_sum_keeps_one_of_its_measurements),
          TEST_CASE(the_span_given_wins_over_the_current_one),
          TEST_CASE(a_delta_export_empties_them))
