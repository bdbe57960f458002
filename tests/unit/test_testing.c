/*
 * libotel's own tests of spans and metrics, written as a program's tests
 * would be: the public headers and <otel/testing.h> only, the SDK started
 * once with in-memory exporters, and what was exported read back.
 */
#define _GNU_SOURCE
#include <otel/metrics.h>
#include <otel/testing.h>
#include <otel/trace.h>
#include <stdlib.h>

#include "test.h"

/* The SDK, started on first use with the limits these tests exercise;
 * everything kept so far forgotten. */
static otel_memory_t *fresh(void) {
  static otel_memory_t *memory;
  if (!memory) {
    setenv("OTEL_SPAN_EVENT_COUNT_LIMIT", "2", 1);
    setenv("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "1", 1);
    setenv("OTEL_SPAN_LINK_COUNT_LIMIT", "1", 1);
    memory = otel_memory_new();
    if (!memory || otel_testing_init("testing-test", memory) != 0)
      abort();
  }
  otel_memory_reset(memory);
  return memory;
}

static const otel_tracer_t *tracer(void) { return otel_tracer_get("test.scope", "1.2.3"); }

static const otel_attr_t *find(const otel_attr_list_t *l, const char *key) {
  return otel_attr_list_find(l, key);
}

static const char *str(const otel_attr_list_t *l, const char *key) {
  const otel_attr_t *a = find(l, key);
  return a && a->type == OTEL_VALUE_STRING ? a->v.s : NULL;
}

/* --- spans --- */

TEST(child_of_the_current_span) {
  otel_memory_t *m = fresh();
  otel_span_t *parent = otel_span_start(tracer(), "parent", OTEL_SPAN_KIND_SERVER, NULL);
  otel_scope_t scope = otel_span_attach(parent);
  CHECK(otel_span_current() == parent);
  otel_span_end(otel_span_start(tracer(), "child", OTEL_SPAN_KIND_CLIENT, NULL));
  otel_scope_end(&scope);
  CHECK(otel_span_current() == NULL);
  otel_span_end(otel_span_start(tracer(), "other", OTEL_SPAN_KIND_INTERNAL, NULL));
  otel_span_end(parent);
  const otel_span_data_t *p = otel_memory_find_span(m, "parent");
  const otel_span_data_t *c = otel_memory_find_span(m, "child");
  CHECK(p && c);
  CHECK(!memcmp(otel_span_data_context(c)->trace_id, otel_span_data_context(p)->trace_id, 16));
  CHECK(!memcmp(otel_span_data_parent_span_id(c), otel_span_data_context(p)->span_id, 8));
  CHECK(memcmp(otel_span_data_context(c)->span_id, otel_span_data_context(p)->span_id, 8) != 0);
  CHECK(!otel_span_data_parent_is_remote(c));
  CHECK_INT(otel_span_data_context(c)->flags, OTEL_TRACE_FLAG_SAMPLED | OTEL_TRACE_FLAG_RANDOM);
  CHECK(otel_span_data_parent_span_id(otel_memory_find_span(m, "other")) == NULL);
  CHECK_STR(otel_span_data_scope_name(c), "test.scope");
  CHECK_STR(otel_span_data_scope_version(c), "1.2.3");
}

TEST(remote_parent_from_an_explicit_context) {
  otel_memory_t *m = fresh();
  otel_context_t ctx;
  memset(&ctx, 0, sizeof(ctx));
  CHECK_INT(otel_traceparent_parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                   &ctx.span_context),
            0);
  strcpy(ctx.span_context.trace_state, "congo=t61rcWkgMzE");
  otel_span_end(otel_span_start(tracer(), "server", OTEL_SPAN_KIND_SERVER, &ctx));
  const otel_span_data_t *s = otel_memory_span(m, 0);
  CHECK(s && otel_span_data_parent_is_remote(s));
  CHECK_INT(otel_span_data_context(s)->trace_id[0], 0x4b);
  CHECK_INT(otel_span_data_parent_span_id(s)[7], 0xb7);
  CHECK_STR(otel_span_data_context(s)->trace_state, "congo=t61rcWkgMzE");
  /* the parent did not say its trace id is random: neither does the child */
  CHECK_INT(otel_span_data_context(s)->flags, OTEL_TRACE_FLAG_SAMPLED);
  /* a parent that says so passes it on, sampled or not (unsampled: not exported) */
  CHECK_INT(otel_traceparent_parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02",
                                   &ctx.span_context),
            0);
  otel_span_t *unsampled = otel_span_start(tracer(), "unsampled", OTEL_SPAN_KIND_SERVER, &ctx);
  CHECK_INT(otel_span_context(unsampled)->flags, OTEL_TRACE_FLAG_RANDOM);
  otel_span_end(unsampled);
  CHECK(!otel_memory_find_span(m, "unsampled"));
  /* an empty context makes a root even when a span is current */
  otel_span_t *cur = otel_span_start(tracer(), "current", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_scope_t scope = otel_span_attach(cur);
  otel_context_t root;
  memset(&root, 0, sizeof(root));
  otel_span_end(otel_span_start(tracer(), "root", OTEL_SPAN_KIND_INTERNAL, &root));
  otel_scope_end(&scope);
  otel_span_end(cur);
  CHECK(otel_span_data_parent_span_id(otel_memory_find_span(m, "root")) == NULL);
}

TEST(status_rules) {
  otel_memory_t *m = fresh();
  otel_span_t *s = otel_span_start(tracer(), "status", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_span_set_status(s, OTEL_STATUS_ERROR, "boom");
  const char *why = NULL;
  CHECK_INT(otel_span_data_status(otel_span_data(s), &why), OTEL_STATUS_ERROR);
  CHECK_STR(why, "boom");
  otel_span_set_status(s, OTEL_STATUS_UNSET, "ignored");
  CHECK_INT(otel_span_data_status(otel_span_data(s), NULL), OTEL_STATUS_ERROR);
  otel_span_set_status(s, OTEL_STATUS_OK, "description dropped for OK");
  otel_span_set_status(s, OTEL_STATUS_ERROR, "OK is final");
  otel_span_update_name(s, "renamed");
  otel_span_end(s);
  const otel_span_data_t *d = otel_memory_find_span(m, "renamed");
  CHECK(d);
  CHECK_INT(otel_span_data_status(d, &why), OTEL_STATUS_OK);
  CHECK(why == NULL);
}

TEST(events_and_exceptions) {
  otel_memory_t *m = fresh();
  otel_span_t *s = otel_span_start(tracer(), "events", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_attr_t attrs[] = {OTEL_ATTR_INT("n", 1), OTEL_ATTR_INT("m", 2)};
  otel_span_add_event(s, "first", attrs, 2);
  otel_span_record_exception(s, "ENOENT", "no such file", NULL);
  otel_span_add_event(s, "third", NULL, 0);
  otel_span_end(s);
  const otel_span_data_t *d = otel_memory_span(m, 0);
  CHECK_INT(otel_span_data_event_count(d), 2); /* OTEL_SPAN_EVENT_COUNT_LIMIT=2 */
  CHECK_INT(otel_span_data_dropped_events(d), 1);
  CHECK_STR(otel_span_data_event_name(d, 0), "first");
  const otel_attr_list_t *first = otel_span_data_event_attrs(d, 0);
  CHECK_INT(otel_attr_list_len(first), 1); /* OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT=1 */
  CHECK_INT(otel_attr_list_dropped(first), 1);
  CHECK(otel_span_data_event_time(d, 0) >= otel_span_data_start_time(d));
  CHECK_STR(otel_span_data_event_name(d, 1), "exception");
  CHECK_STR(str(otel_span_data_event_attrs(d, 1), "exception.type"), "ENOENT");
}

TEST(links) {
  otel_memory_t *m = fresh();
  otel_span_t *a = otel_span_start(tracer(), "a", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_span_t *b = otel_span_start(tracer(), "b", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_attr_t attr = OTEL_ATTR_STR("why", "batch");
  otel_span_add_link(b, otel_span_context(a), &attr, 1);
  otel_span_add_link(b, otel_span_context(a), NULL, 0);
  otel_span_context_t invalid;
  memset(&invalid, 0, sizeof(invalid));
  otel_span_add_link(b, &invalid, NULL, 0); /* ignored, not counted */
  otel_span_end(b);
  otel_span_end(a);
  const otel_span_data_t *d = otel_memory_find_span(m, "b");
  CHECK_INT(otel_span_data_link_count(d), 1); /* OTEL_SPAN_LINK_COUNT_LIMIT=1 */
  CHECK_INT(otel_span_data_dropped_links(d), 1);
  otel_span_context_t linked;
  CHECK(otel_span_data_link_context(d, 0, &linked));
  CHECK(!memcmp(linked.span_id, otel_span_data_context(otel_memory_find_span(m, "a"))->span_id, 8));
  CHECK_STR(str(otel_span_data_link_attrs(d, 0), "why"), "batch");
}

/* --- metrics --- */

/* The point of stream name whose attribute key is value (key NULL: the first). */
static const otel_point_data_t *point(const otel_memory_t *m, const char *name, const char *key,
                                      const char *value) {
  const otel_metric_data_t *s = otel_memory_find_metric(m, name);
  for (size_t i = 0; s && i < otel_metric_data_point_count(s); i++) {
    const otel_point_data_t *p = otel_metric_data_point(s, i);
    const char *v = key ? str(otel_point_data_attrs(p), key) : NULL;
    if (!key || (v && !strcmp(v, value)))
      return p;
  }
  return NULL;
}

TEST(counter_sums_per_attribute_set_in_any_order) {
  otel_memory_t *m = fresh();
  otel_counter_t *c = otel_counter("test", "orders", "1", "Orders placed");
  CHECK(otel_counter("test", "orders", "1", "Orders placed") == c);
  otel_counter_add(c, 1, (otel_attr_t[]){OTEL_ATTR_STR("a", "x"), OTEL_ATTR_INT("b", 2)}, 2);
  otel_counter_add(c, 2, (otel_attr_t[]){OTEL_ATTR_INT("b", 2), OTEL_ATTR_STR("a", "x")}, 2);
  otel_counter_add(c, 5, (otel_attr_t[]){OTEL_ATTR_STR("a", "y")}, 1);
  otel_counter_add(c, -7, NULL, 0); /* a counter only goes up */
  CHECK_INT(otel_force_flush(1000), 0);
  const otel_metric_data_t *s = otel_memory_find_metric(m, "orders");
  CHECK(s);
  CHECK_STR(otel_metric_data_unit(s), "1");
  CHECK_STR(otel_metric_data_description(s), "Orders placed");
  CHECK_INT(otel_metric_data_type(s), OTEL_METRIC_SUM);
  CHECK(otel_metric_data_monotonic(s));
  CHECK_INT(otel_metric_data_temporality(s), OTEL_TEMPORALITY_CUMULATIVE);
  CHECK_INT(otel_metric_data_point_count(s), 2);
  CHECK_INT(otel_point_data_int(point(m, "orders", "a", "x")), 3);
  CHECK_INT(otel_point_data_int(point(m, "orders", "a", "y")), 5);
  const otel_point_data_t *p = point(m, "orders", "a", "x");
  CHECK(otel_point_data_start_time(p) > 0 &&
        otel_point_data_time(p) >= otel_point_data_start_time(p));
}

TEST(updown_counter_goes_both_ways) {
  otel_memory_t *m = fresh();
  otel_counter_t *c = otel_updown_counter("test", "in_flight", "{request}", "");
  otel_counter_add(c, 5, NULL, 0);
  otel_counter_add(c, -3, NULL, 0);
  CHECK_INT(otel_force_flush(1000), 0);
  CHECK(!otel_metric_data_monotonic(otel_memory_find_metric(m, "in_flight")));
  CHECK_INT(otel_point_data_int(point(m, "in_flight", NULL, NULL)), 2);
}

TEST(histogram_buckets_and_statistics) {
  otel_memory_t *m = fresh();
  const double bounds[] = {1, 2, 5};
  otel_histogram_t *h = otel_histogram("test", "latency", "s", "", bounds, 3);
  const double values[] = {1, 1.5, 2, 5, 6, 0.5};
  for (size_t i = 0; i < 6; i++)
    otel_histogram_record(h, values[i], NULL, 0);
  CHECK_INT(otel_force_flush(1000), 0);
  const otel_metric_data_t *s = otel_memory_find_metric(m, "latency");
  CHECK(s);
  CHECK_INT(otel_metric_data_type(s), OTEL_METRIC_HISTOGRAM);
  CHECK_INT(otel_metric_data_temporality(s), OTEL_TEMPORALITY_CUMULATIVE);
  const otel_point_data_t *p = otel_metric_data_point(s, 0);
  CHECK_INT(otel_point_data_count(p), 6);
  CHECK(otel_point_data_sum(p) == 16.0);
  double min, max;
  CHECK(otel_point_data_min_max(p, &min, &max) && min == 0.5 && max == 6);
  CHECK(otel_point_data_bound(p, 2) == 5);
  CHECK_INT(otel_point_data_bucket_count(p), 4);
  /* (-inf,1] (1,2] (2,5] (5,+inf): a value on a boundary counts below it */
  CHECK_INT(otel_point_data_bucket(p, 0), 2);
  CHECK_INT(otel_point_data_bucket(p, 1), 2);
  CHECK_INT(otel_point_data_bucket(p, 2), 1);
  CHECK_INT(otel_point_data_bucket(p, 3), 1);
}

static int64_t observed_total;

static void observe_total(otel_observer_t *o, void *ud) {
  (void)ud;
  otel_observe_int(o, observed_total, &OTEL_ATTR_STR("queue", "a"), 1);
  otel_observe_int(o, -5, &OTEL_ATTR_STR("queue", "b"), 1); /* not a total: left out */
}

static void observe_temperature(otel_observer_t *o, void *ud) {
  const double *celsius = ud;
  otel_observe_double(o, *celsius, NULL, 0);
}

TEST(observable_counter_and_gauge_report_what_their_callbacks_see) {
  otel_memory_t *m = fresh();
  static double celsius = 21.5;
  otel_observable_counter("test", "jobs.done", "{job}", "Jobs done", observe_total, NULL);
  otel_observable_gauge("test", "room.temperature", "Cel", "", observe_temperature, &celsius);
  observed_total = 7;
  CHECK_INT(otel_force_flush(1000), 0);
  const otel_metric_data_t *jobs = otel_memory_find_metric(m, "jobs.done");
  CHECK(jobs);
  CHECK_INT(otel_metric_data_type(jobs), OTEL_METRIC_SUM);
  CHECK(otel_metric_data_monotonic(jobs));
  CHECK_INT(otel_metric_data_temporality(jobs), OTEL_TEMPORALITY_CUMULATIVE);
  CHECK_INT(otel_metric_data_point_count(jobs), 1);
  CHECK_INT(otel_point_data_int(point(m, "jobs.done", "queue", "a")), 7);
  uint64_t start = otel_point_data_start_time(point(m, "jobs.done", NULL, NULL));
  CHECK(start > 0);
  const otel_metric_data_t *room = otel_memory_find_metric(m, "room.temperature");
  CHECK(room);
  CHECK_INT(otel_metric_data_type(room), OTEL_METRIC_GAUGE);
  CHECK_STR(otel_metric_data_unit(room), "Cel");
  CHECK(otel_point_data_double(point(m, "room.temperature", NULL, NULL)) == 21.5);
  observed_total = 12;
  celsius = -3.25;
  CHECK_INT(otel_force_flush(1000), 0);
  CHECK_INT(otel_point_data_int(point(m, "jobs.done", "queue", "a")), 12);
  CHECK(otel_point_data_start_time(point(m, "jobs.done", NULL, NULL)) == start);
  CHECK(otel_point_data_double(point(m, "room.temperature", NULL, NULL)) == -3.25);
  CHECK(otel_point_data_time(point(m, "room.temperature", NULL, NULL)) > 0);
}

TEST_MAIN("testing", TEST_CASE(child_of_the_current_span),
          TEST_CASE(remote_parent_from_an_explicit_context), TEST_CASE(status_rules),
          TEST_CASE(events_and_exceptions), TEST_CASE(links),
          TEST_CASE(counter_sums_per_attribute_set_in_any_order),
          TEST_CASE(updown_counter_goes_both_ways), TEST_CASE(histogram_buckets_and_statistics),
          TEST_CASE(observable_counter_and_gauge_report_what_their_callbacks_see))
