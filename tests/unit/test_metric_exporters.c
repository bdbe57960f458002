/*
 * A program's metric exporters (<otel/processor.h>, the view
 * <otel/metric_data.h>): each collection as they see it, in either
 * temporality, and beside the environment's exporter; each case in a child
 * of its own (plugins.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <otel/metrics.h>
#include <otel/processor.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "plugins.h"
#include "sdk_child.h"
#include "test.h"

/* --- metrics: each collection, as the exporters see it --- */

/* The point of stream m whose attribute key has value, or NULL. */
static const otel_point_data_t *point_with(const otel_metric_data_t *m, const char *key,
                                           const char *value) {
  for (size_t i = 0; m && i < otel_metric_data_point_count(m); i++)
    if (plugins_str_is(plugins_str(otel_point_data_attrs(otel_metric_data_point(m, i)), key),
                       value))
      return otel_metric_data_point(m, i);
  return NULL;
}

static void observe_queue(otel_observer_t *o, void *ud) {
  (void)ud;
  otel_observe_double(o, 0.5, &OTEL_ATTR_STR("queue", "mail"), 1);
}

static int metrics_body(void) {
  EXPECT(plugins_start() == 0);
  otel_counter_t *orders = otel_counter("shop", "orders", "{order}", "Orders placed");
  static const double bounds[] = {10, 100};
  otel_histogram_t *sizes = otel_histogram("shop", "order.size", "By", "Sizes", bounds, 2);
  otel_observable_gauge("shop", "queue.fill", "1", "How full", observe_queue, NULL);
  otel_counter_add(orders, 2, &OTEL_ATTR_STR("route", "/a"), 1);
  otel_counter_add(orders, 5, &OTEL_ATTR_STR("route", "/b"), 1);
  otel_histogram_record(sizes, 5, NULL, 0);
  otel_histogram_record(sizes, 50, NULL, 0);
  otel_histogram_record(sizes, 500, NULL, 0);
  EXPECT(!otel_memory_metrics(plugins_memory)); /* no collection yet: no thread makes one */
  EXPECT(otel_force_flush(1000) == 0);
  const otel_metric_data_t *m = otel_memory_find_metric(plugins_memory, "orders");
  EXPECT(m);
  EXPECT(plugins_str_is(otel_metric_data_unit(m), "{order}"));
  EXPECT(plugins_str_is(otel_metric_data_description(m), "Orders placed"));
  EXPECT(plugins_str_is(otel_metric_data_scope_name(m), "shop"));
  EXPECT(otel_metric_data_type(m) == OTEL_METRIC_SUM && otel_metric_data_monotonic(m));
  EXPECT(otel_metric_data_temporality(m) == OTEL_TEMPORALITY_CUMULATIVE);
  EXPECT(otel_metric_data_point_count(m) == 2);
  const otel_point_data_t *a = point_with(m, "route", "/a");
  EXPECT(a && otel_point_data_is_int(a) && otel_point_data_int(a) == 2);
  EXPECT(otel_point_data_double(a) == 2.0);
  EXPECT(otel_point_data_time(a) >= otel_point_data_start_time(a));
  EXPECT(otel_point_data_int(point_with(m, "route", "/b")) == 5);
  const otel_metric_data_t *h = otel_memory_find_metric(plugins_memory, "order.size");
  EXPECT(h && otel_metric_data_type(h) == OTEL_METRIC_HISTOGRAM);
  const otel_point_data_t *hp = otel_metric_data_point(h, 0);
  EXPECT(otel_point_data_count(hp) == 3 && otel_point_data_sum(hp) == 555);
  double min, max;
  EXPECT(otel_point_data_min_max(hp, &min, &max) && min == 5 && max == 500);
  EXPECT(otel_point_data_bucket_count(hp) == 3);
  EXPECT(otel_point_data_bucket(hp, 0) == 1 && otel_point_data_bucket(hp, 1) == 1 &&
         otel_point_data_bucket(hp, 2) == 1);
  EXPECT(otel_point_data_bound(hp, 0) == 10 && otel_point_data_bound(hp, 1) == 100);
  const otel_metric_data_t *g = otel_memory_find_metric(plugins_memory, "queue.fill");
  EXPECT(g && otel_metric_data_type(g) == OTEL_METRIC_GAUGE);
  EXPECT(otel_metric_data_temporality(g) == OTEL_TEMPORALITY_NONE);
  const otel_point_data_t *gp = point_with(g, "queue", "mail");
  EXPECT(gp && !otel_point_data_is_int(gp) && otel_point_data_double(gp) == 0.5);
  EXPECT(plugins_str_is(
      plugins_str(otel_metrics_data_resource(otel_memory_metrics(plugins_memory)), "service.name"),
      "processors-test"));
  /* The next collection replaces it: cumulative, so the totals grow. */
  otel_counter_add(orders, 1, &OTEL_ATTR_STR("route", "/a"), 1);
  EXPECT(otel_force_flush(1000) == 0);
  EXPECT(otel_point_data_int(
             point_with(otel_memory_find_metric(plugins_memory, "orders"), "route", "/a")) == 3);
  otel_memory_reset(plugins_memory);
  EXPECT(!otel_memory_metrics(plugins_memory) &&
         !otel_memory_find_metric(plugins_memory, "orders"));
  EXPECT(otel_shutdown(1000) == 0);
  EXPECT(otel_memory_find_metric(plugins_memory, "orders")); /* shutdown's last collection */
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(metric_exporters_get_each_collection) { CHECK_INT(plugins_in_child(metrics_body), 0); }

static int delta_body(void) {
  setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta", 1);
  EXPECT(plugins_start() == 0);
  otel_counter_t *orders = otel_counter("shop", "orders", "{order}", "Orders placed");
  static const double bounds[] = {10};
  otel_histogram_t *sizes = otel_histogram("shop", "order.size", "By", "Sizes", bounds, 1);
  otel_counter_add(orders, 2, NULL, 0);
  otel_histogram_record(sizes, 5, NULL, 0);
  EXPECT(otel_force_flush(1000) == 0);
  otel_counter_add(orders, 3, NULL, 0);
  EXPECT(otel_force_flush(1000) == 0);
  const otel_metric_data_t *m = otel_memory_find_metric(plugins_memory, "orders");
  EXPECT(m && otel_metric_data_temporality(m) == OTEL_TEMPORALITY_DELTA);
  EXPECT(otel_point_data_int(otel_metric_data_point(m, 0)) == 3); /* the change since */
  EXPECT(!otel_memory_find_metric(plugins_memory, "order.size")); /* no change: no point */
  otel_histogram_record(sizes, 7, NULL, 0);
  EXPECT(otel_force_flush(1000) == 0);
  const otel_point_data_t *hp =
      otel_metric_data_point(otel_memory_find_metric(plugins_memory, "order.size"), 0);
  EXPECT(hp && otel_point_data_count(hp) == 1 && !otel_point_data_min_max(hp, NULL, NULL));
  otel_shutdown(1000);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(metric_exporters_see_the_temporality_asked_for) { CHECK_INT(plugins_in_child(delta_body), 0); }

static atomic_int collections;

static otel_export_result_t count_collections(void *ud, const otel_metrics_data_t *data,
                                              uint32_t timeout_ms) {
  (void)ud;
  (void)timeout_ms;
  if (otel_metrics_data_find(data, "requests"))
    atomic_fetch_add(&collections, 1);
  return OTEL_EXPORT_SUCCESS;
}

static void register_metric_exporter(void) {
  otel_add_metric_exporter(&OTEL_METRIC_EXPORTER_INIT(.export_metrics = count_collections));
}

static int count_requests(void) {
  otel_counter_add(otel_counter("web", "requests", "{request}", "Requests"), 1, NULL, 0);
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(atomic_load(&collections) == 1); /* the same collection as OTLP's */
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

TEST(metric_exporters_beside_the_environments) {
  receiver_t *r;
  test_child_before_init = register_metric_exporter;
  int rc = test_in_child(&r, NULL,
                         ENV("OTEL_METRICS_EXPORTER=otlp", "OTEL_TRACES_EXPORTER=none",
                             "OTEL_METRIC_EXPORT_INTERVAL=60000"),
                         count_requests);
  test_child_before_init = NULL;
  CHECK_INT(rc, 0);
  CHECK(receiver_count(r) >= 1);
  const received_t *got = receiver_get(r, 0);
  CHECK_STR(got->path, "/v1/metrics");
  CHECK(memmem(got->body, got->len, "requests", 8));
  receiver_stop(r);
}

TEST_MAIN("metric_exporters", TEST_CASE(metric_exporters_get_each_collection),
          TEST_CASE(metric_exporters_see_the_temporality_asked_for),
          TEST_CASE(metric_exporters_beside_the_environments))
