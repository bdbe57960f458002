/* Metrics: bound instruments, cardinality, cumulative time, deltas, threads, observable sums. The
 * aggregations read through the public API are in test_testing.c. */
#include <otel/metrics.h>
#include <pthread.h>
#include <stdlib.h>

#include "otlp/metrics_service.pb-c.h"
#include "metrics/metrics.h"
#include "export/otlp_metrics.h"
#include "metrics_request.h"
#include "test.h"
#include "test_sdk.h"

typedef test_metrics_request_t request_t;
typedef test_metric_t metric_t;

/* The value of attribute key of a data point's attributes, as text. */
static const char *attr(Opentelemetry__Proto__Common__V1__KeyValue **kv, size_t n,
                        const char *key) {
  static char text[64];
  for (size_t i = 0; i < n; i++) {
    if (strcmp(kv[i]->key, key))
      continue;
    if (kv[i]->value->value_case == OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE)
      return kv[i]->value->string_value;
    snprintf(text, sizeof(text), "%lld", (long long)kv[i]->value->int_value);
    return text;
  }
  return NULL;
}

TEST(default_histogram_bounds_are_the_specifications) {
  TEST_SDK_START("X=1");
  otel_histogram_record(otel_histogram("test", "ms", "ms", "", NULL, 0), 7, NULL, 0);
  request_t *r = test_metrics_collect();
  const Opentelemetry__Proto__Metrics__V1__HistogramDataPoint *p =
      test_metrics_find(r, "ms")->histogram->data_points[0];
  CHECK_INT(p->n_explicit_bounds, 15);
  CHECK(p->explicit_bounds[0] == 0 && p->explicit_bounds[14] == 10000);
  CHECK_INT(p->bucket_counts[2], 1); /* (5, 10] */
  test_metrics_request_free(r);
  test_sdk_stop();
}

/* The configuration file's limits: by instrument kind, over its default. */
TEST(cardinality_limits_from_the_configuration) {
  TEST_SDK_START("X=1");
  otel__sdk.config.cardinality_limit = 5;
  otel__sdk.config.cardinality_by_kind[OTEL__HISTOGRAM] = 2;
  otel_counter_t *c = otel_counter("test", "limited_counter", "1", "");
  otel_histogram_t *h = otel_histogram("test", "limited_histogram", "s", "", NULL, 0);
  for (int i = 0; i < 10; i++) {
    otel_counter_add(c, 1, &OTEL_ATTR_INT("user", i), 1);
    otel_histogram_record(h, 1, &OTEL_ATTR_INT("user", i), 1);
  }
  request_t *r = test_metrics_collect();
  CHECK_INT(test_metrics_find(r, "limited_counter")->sum->n_data_points, 5 + 1);
  CHECK_INT(test_metrics_find(r, "limited_histogram")->histogram->n_data_points, 2 + 1);
  test_metrics_request_free(r);
  test_sdk_stop();
}

TEST(cardinality_limit_overflows_into_one_point) {
  TEST_SDK_START("X=1");
  otel_counter_t *c = otel_counter("test", "by_user", "1", "");
  for (int i = 0; i < OTEL__CARDINALITY_LIMIT + 100; i++)
    otel_counter_add(c, 1, &OTEL_ATTR_INT("user", i), 1);
  otel_counter_add(c, 1, &OTEL_ATTR_INT("user", 0), 1); /* an existing set still counts */
  request_t *r = test_metrics_collect();
  const metric_t *m = test_metrics_find(r, "by_user");
  CHECK_INT(m->sum->n_data_points, OTEL__CARDINALITY_LIMIT + 1);
  int64_t overflow = -1, user0 = -1;
  for (size_t i = 0; i < m->sum->n_data_points; i++) {
    const Opentelemetry__Proto__Metrics__V1__NumberDataPoint *p = m->sum->data_points[i];
    if (p->n_attributes == 1 && !strcmp(p->attributes[0]->key, "otel.metric.overflow"))
      overflow = p->as_int;
    const char *u = attr(p->attributes, p->n_attributes, "user");
    if (u && !strcmp(u, "0"))
      user0 = p->as_int;
  }
  CHECK_INT(overflow, 100);
  CHECK_INT(user0, 2);
  test_metrics_request_free(r);
  test_sdk_stop();
}

TEST(cumulative_start_time_stays_fixed) {
  TEST_SDK_START("X=1");
  otel_counter_t *c = otel_counter("test", "ticks", "1", "");
  otel_counter_add(c, 1, NULL, 0);
  request_t *a = test_metrics_collect();
  otel_counter_add(c, 1, NULL, 0);
  request_t *b = test_metrics_collect();
  const Opentelemetry__Proto__Metrics__V1__NumberDataPoint *pa =
      test_metrics_find(a, "ticks")->sum->data_points[0];
  const Opentelemetry__Proto__Metrics__V1__NumberDataPoint *pb =
      test_metrics_find(b, "ticks")->sum->data_points[0];
  CHECK(pa->start_time_unix_nano == pb->start_time_unix_nano);
  CHECK(pb->time_unix_nano >= pa->time_unix_nano);
  CHECK_INT(pa->as_int, 1);
  CHECK_INT(pb->as_int, 2); /* cumulative: the total, not the difference */
  test_metrics_request_free(a);
  test_metrics_request_free(b);
  test_sdk_stop();
}

#define THREADS 8
#define ADDS 100000

typedef struct {
  otel_counter_t *c;
  otel_histogram_t *h;
} pair_t;

/* Every thread makes the same three points at the same moment, then records
 * into them: no measurement may be lost to the race or to the shards. */
static void *adder(void *arg) {
  const pair_t *p = arg;
  for (int i = 0; i < ADDS; i++) {
    otel_attr_t attrs[] = {OTEL_ATTR_STR("route", "/x"), OTEL_ATTR_INT("code", 200 + i % 3)};
    otel_counter_add(p->c, 1, attrs, 2);
    otel_histogram_record(p->h, 1.0, attrs, 2);
  }
  return NULL;
}

TEST(concurrent_records_add_up_exactly) {
  TEST_SDK_START("X=1");
  pair_t p = {otel_counter("test", "concurrent", "1", ""),
              otel_histogram("test", "concurrent.h", "1", "", NULL, 0)};
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++)
    pthread_create(&t[i], NULL, adder, &p);
  for (int i = 0; i < THREADS; i++)
    pthread_join(t[i], NULL);
  request_t *r = test_metrics_collect();
  const metric_t *c = test_metrics_find(r, "concurrent"), *h = test_metrics_find(r, "concurrent.h");
  CHECK_INT(c->sum->n_data_points, 3);
  CHECK_INT(h->histogram->n_data_points, 3);
  int64_t total = 0;
  uint64_t count = 0;
  double sum = 0;
  for (size_t i = 0; i < 3; i++) {
    total += c->sum->data_points[i]->as_int;
    count += h->histogram->data_points[i]->count;
    sum += h->histogram->data_points[i]->sum;
  }
  CHECK_INT(total, THREADS * ADDS);
  CHECK_INT(count, THREADS * ADDS);
  CHECK(sum == THREADS * ADDS);
  test_metrics_request_free(r);
  test_sdk_stop();
}

TEST(repeated_and_empty_keys_name_the_same_set) {
  TEST_SDK_START("X=1");
  otel_counter_t *c = otel_counter("test", "keys", "1", "");
  otel_counter_add(c, 1, (otel_attr_t[]){OTEL_ATTR_INT("a", 1), OTEL_ATTR_INT("a", 2)}, 2);
  otel_counter_add(c, 10, (otel_attr_t[]){OTEL_ATTR_INT("a", 2)}, 1); /* the last one won */
  otel_counter_add(c, 100, (otel_attr_t[]){OTEL_ATTR_INT("", 9), OTEL_ATTR_INT("a", 2)}, 2);
  otel_counter_add(c, 1000, (otel_attr_t[]){OTEL_ATTR_DOUBLE("d", -0.0)}, 1);
  otel_counter_add(c, 1000, (otel_attr_t[]){OTEL_ATTR_DOUBLE("d", 0.0)}, 1);
  request_t *r = test_metrics_collect();
  const metric_t *m = test_metrics_find(r, "keys");
  CHECK_INT(m->sum->n_data_points, 2);
  for (size_t i = 0; i < m->sum->n_data_points; i++) {
    const Opentelemetry__Proto__Metrics__V1__NumberDataPoint *p = m->sum->data_points[i];
    CHECK_INT(p->n_attributes, 1);
    CHECK_INT(p->as_int, attr(p->attributes, 1, "a") ? 111 : 2000);
  }
  test_metrics_request_free(r);
  test_sdk_stop();
}

TEST(an_instrument_without_measurements_is_not_exported) {
  TEST_SDK_START("X=1");
  otel_counter("test", "never_used", "1", "");
  request_t *r = test_metrics_collect();
  CHECK(r && !test_metrics_find(r, "never_used"));
  test_metrics_request_free(r);
  test_sdk_stop();
}

static int64_t queued_items;
static void observe_queue(otel_observer_t *o, void *ud) {
  (void)ud;
  otel_observe_int(o, queued_items, &OTEL_ATTR_STR("queue", "a"), 1);
  otel_observe_double(o, -1.5, &OTEL_ATTR_STR("queue", "b"), 1); /* may be below zero */
}

typedef Opentelemetry__Proto__Metrics__V1__NumberDataPoint number_t;

/* The point of a sum whose "queue" attribute is q. */
static const number_t *queue_point(const metric_t *m, const char *q) {
  for (size_t i = 0; i < m->sum->n_data_points; i++)
    if (!strcmp(
            attr(m->sum->data_points[i]->attributes, m->sum->data_points[i]->n_attributes, "queue"),
            q))
      return m->sum->data_points[i];
  return NULL;
}

/* An observable up-down counter: a non-monotonic sum of what the callback
 * saw, cumulative even where counters go as deltas, from one start. */
TEST(observable_updown_counter_is_a_cumulative_sum) {
  TEST_SDK_START("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta");
  otel_observable_updown_counter("test", "queue.items", "{item}", "Items queued", observe_queue,
                                 NULL);
  queued_items = 5;
  request_t *a = test_metrics_collect();
  queued_items = 2;
  request_t *b = test_metrics_collect();
  CHECK(a && b);
  const metric_t *ma = test_metrics_find(a, "queue.items"),
                 *mb = test_metrics_find(b, "queue.items");
  CHECK(ma && mb);
  CHECK_INT(ma->data_case, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM);
  CHECK(!ma->sum->is_monotonic);
  CHECK_INT(ma->sum->aggregation_temporality, 2); /* cumulative */
  CHECK_INT(ma->sum->n_data_points, 2);
  const number_t *a5 = queue_point(ma, "a"), *b5 = queue_point(ma, "b"), *a2 = queue_point(mb, "a");
  CHECK(a5 && b5 && a2);
  CHECK_INT(a5->as_int, 5);
  CHECK(b5->as_double == -1.5);
  CHECK_INT(a2->as_int, 2); /* the total, not the change */
  CHECK(a5->start_time_unix_nano > 0);
  CHECK(a5->start_time_unix_nano == a2->start_time_unix_nano);
  test_metrics_request_free(a);
  test_metrics_request_free(b);
  test_sdk_stop();
}

static int64_t delta_bytes;
static void observe_delta_bytes(otel_observer_t *o, void *ud) {
  (void)ud;
  otel_observe_int(o, delta_bytes, &OTEL_ATTR_STR("link", "up"), 1);
}

typedef Opentelemetry__Proto__Metrics__V1__HistogramDataPoint bucket_t;

TEST(delta_sums_and_histograms_reset_at_each_export) {
  TEST_SDK_START("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=Delta");
  otel_counter_t *orders = otel_counter("test", "delta.orders", "1", "");
  otel_counter_t *queue = otel_updown_counter("test", "delta.queue", "1", "");
  otel_histogram_t *latency =
      otel_histogram("test", "delta.latency", "s", "", (const double[]){1, 10}, 2);
  otel_observable_counter("test", "delta.bytes", "By", "", observe_delta_bytes, NULL);
  otel_counter_add(orders, 3, NULL, 0);
  otel_counter_add(queue, 5, NULL, 0);
  otel_histogram_record(latency, 0.5, NULL, 0);
  otel_histogram_record(latency, 5, NULL, 0);
  delta_bytes = 100;
  request_t *a = test_metrics_collect();
  otel_counter_add(orders, 4, NULL, 0);
  otel_counter_add(queue, -2, NULL, 0);
  otel_histogram_record(latency, 20, NULL, 0);
  delta_bytes = 150;
  request_t *b = test_metrics_collect();
  request_t *c = test_metrics_collect(); /* nothing new */
  CHECK(a && b && c);

  const metric_t *oa = test_metrics_find(a, "delta.orders"),
                 *ob = test_metrics_find(b, "delta.orders");
  CHECK(oa && ob);
  CHECK_INT(oa->sum->aggregation_temporality, 1); /* DELTA */
  CHECK(oa->sum->is_monotonic);
  const number_t *pa = oa->sum->data_points[0], *pb = ob->sum->data_points[0];
  CHECK_INT(pa->as_int, 3);
  CHECK_INT(pb->as_int, 4);                              /* reset at the export */
  CHECK(pb->start_time_unix_nano == pa->time_unix_nano); /* and the start moved on */
  CHECK(pa->start_time_unix_nano > 0 && pa->start_time_unix_nano < pa->time_unix_nano);
  CHECK(test_metrics_find(c, "delta.orders") == NULL); /* unchanged: left out */

  const metric_t *ha = test_metrics_find(a, "delta.latency"),
                 *hb = test_metrics_find(b, "delta.latency");
  CHECK(ha && hb);
  CHECK_INT(ha->histogram->aggregation_temporality, 1);
  const bucket_t *xa = ha->histogram->data_points[0], *xb = hb->histogram->data_points[0];
  CHECK_INT(xa->count, 2);
  CHECK(xa->sum == 5.5);
  CHECK_INT(xa->n_bucket_counts, 3);
  CHECK_INT(xa->bucket_counts[0], 1);
  CHECK_INT(xa->bucket_counts[1], 1);
  CHECK_INT(xa->bucket_counts[2], 0);
  CHECK(xa->min == 0 && xa->max == 0); /* no extremes for an interval */
  CHECK_INT(xb->count, 1);
  CHECK(xb->sum == 20);
  CHECK_INT(xb->bucket_counts[0], 0);
  CHECK_INT(xb->bucket_counts[2], 1);
  CHECK(xb->start_time_unix_nano == xa->time_unix_nano);
  CHECK(test_metrics_find(c, "delta.latency") == NULL);

  const metric_t *qb =
      test_metrics_find(b, "delta.queue"); /* an up-down counter stays cumulative */
  CHECK(qb);
  CHECK_INT(qb->sum->aggregation_temporality, 2);
  CHECK_INT(qb->sum->data_points[0]->as_int, 3);

  const metric_t *ba = test_metrics_find(a, "delta.bytes"),
                 *bb = test_metrics_find(b, "delta.bytes");
  CHECK(ba && bb); /* an observable counter too, from its totals */
  CHECK_INT(ba->sum->aggregation_temporality, 1);
  CHECK_INT(ba->sum->data_points[0]->as_int, 100);
  CHECK_INT(bb->sum->data_points[0]->as_int, 50);
  CHECK(bb->sum->data_points[0]->start_time_unix_nano == ba->sum->data_points[0]->time_unix_nano);
  CHECK_STR(attr(bb->sum->data_points[0]->attributes, 1, "link"), "up");
  CHECK(test_metrics_find(c, "delta.bytes") == NULL);
  test_metrics_request_free(a);
  test_metrics_request_free(b);
  test_metrics_request_free(c);
  test_sdk_stop();
}

TEST(lowmemory_keeps_observable_counters_cumulative) {
  TEST_SDK_START("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=lowmemory");
  otel_counter_t *orders = otel_counter("test", "lowmem.orders", "1", "");
  otel_observable_counter("test", "lowmem.bytes", "By", "", observe_delta_bytes, NULL);
  otel_counter_add(orders, 2, NULL, 0);
  delta_bytes = 500;
  request_t *a = test_metrics_collect();
  otel_counter_add(orders, 1, NULL, 0);
  delta_bytes = 700;
  request_t *b = test_metrics_collect();
  CHECK(a && b);
  const metric_t *ob = test_metrics_find(b, "lowmem.orders"),
                 *bb = test_metrics_find(b, "lowmem.bytes");
  CHECK(ob && bb);
  CHECK_INT(ob->sum->aggregation_temporality, 1);
  CHECK_INT(ob->sum->data_points[0]->as_int, 1);
  CHECK_INT(bb->sum->aggregation_temporality, 2);
  CHECK_INT(bb->sum->data_points[0]->as_int, 700);
  test_metrics_request_free(a);
  test_metrics_request_free(b);
  test_sdk_stop();
}

/* A bound handle records into the same point as the instrument with the
 * same set; a second bind gives the same handle; unusable ones do nothing. */
TEST(bound_instruments_record_into_their_sets_point) {
  TEST_SDK_START("X=1");
  otel_counter_t *c = otel_counter("test", "bound.orders", "1", "");
  otel_attr_t set[] = {OTEL_ATTR_STR("a", "x"), OTEL_ATTR_INT("b", 2)};
  otel_attr_t reversed[] = {OTEL_ATTR_INT("b", 2), OTEL_ATTR_STR("a", "x")};
  otel_bound_counter_t *bound = otel_counter_bind(c, set, 2);
  CHECK(otel_counter_bind(c, reversed, 2) == bound);
  otel_bound_counter_add(bound, 5);
  otel_counter_add(c, 2, reversed, 2);
  otel_bound_counter_add(bound, -1); /* a counter only goes up */
  otel_bound_counter_add(otel_counter_bind(c, NULL, 0), 9);
  otel_histogram_t *h = otel_histogram("test", "bound.latency", "ms", "", NULL, 0);
  otel_bound_histogram_t *bh = otel_histogram_bind(h, set, 2);
  otel_bound_histogram_record(bh, 3);
  otel_histogram_record(h, 30, set, 2);
  otel_bound_histogram_record(bh, 0.0 / 0.0); /* NaN measures nothing */
  /* unusable handles */
  otel_bound_counter_add(otel_counter_bind(NULL, set, 2), 1);
  otel_bound_counter_add(otel_counter_bind((otel_counter_t *)h, set, 2), 1);
  otel_bound_histogram_record(otel_histogram_bind((otel_histogram_t *)c, set, 2), 1);
  otel_bound_counter_add(NULL, 1);
  otel_bound_histogram_record(NULL, 1);
  otel_counter_t *updown = otel_updown_counter("test", "bound.inflight", "1", "");
  otel_bound_counter_t *ub = otel_counter_bind(updown, NULL, 0);
  otel_bound_counter_add(ub, 3);
  otel_bound_counter_add(ub, -2);
  request_t *r = test_metrics_collect();
  CHECK(r);
  const metric_t *m = test_metrics_find(r, "bound.orders");
  CHECK(m && m->sum->n_data_points == 2);
  for (size_t i = 0; i < 2; i++) {
    const Opentelemetry__Proto__Metrics__V1__NumberDataPoint *p = m->sum->data_points[i];
    CHECK_INT(p->as_int, p->n_attributes == 2 ? 7 : 9); /* 5 + 2; the empty set 9 */
  }
  m = test_metrics_find(r, "bound.latency");
  CHECK(m && m->histogram->n_data_points == 1);
  CHECK_INT(m->histogram->data_points[0]->count, 2);
  CHECK(m->histogram->data_points[0]->sum == 33);
  m = test_metrics_find(r, "bound.inflight");
  CHECK(m && m->sum->n_data_points == 1);
  CHECK_INT(m->sum->data_points[0]->as_int, 1);
  test_metrics_request_free(r);
  test_sdk_stop();
}

TEST_MAIN("metrics", TEST_CASE(delta_sums_and_histograms_reset_at_each_export),
          TEST_CASE(lowmemory_keeps_observable_counters_cumulative),
          TEST_CASE(bound_instruments_record_into_their_sets_point),
          TEST_CASE(default_histogram_bounds_are_the_specifications),
          TEST_CASE(cardinality_limit_overflows_into_one_point),
          TEST_CASE(cardinality_limits_from_the_configuration),
          TEST_CASE(cumulative_start_time_stays_fixed),
          TEST_CASE(concurrent_records_add_up_exactly),
          TEST_CASE(repeated_and_empty_keys_name_the_same_set),
          TEST_CASE(an_instrument_without_measurements_is_not_exported),
          TEST_CASE(observable_updown_counter_is_a_cumulative_sum))
