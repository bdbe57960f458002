/* The integrations' cache of bound histograms: one handle per set, kept by
 * content, and NULL when a set cannot be kept. */
#include <otel/metrics.h>
#include <string.h>

#include "bound_cache.h"
#include "metrics_request.h"
#include "test.h"
#include "test_sdk.h"

static otel__bound_cache_t cache;

static otel_bound_histogram_t *get(otel_histogram_t *h, const char *a, const char *b, int64_t n) {
  otel_attr_t attrs[] = {OTEL_ATTR_STR("a", a), OTEL_ATTR_STR("b", b), OTEL_ATTR_INT("n", n)};
  return otel__bound_cache_get(&cache, h, a, b, n, attrs, 3);
}

TEST(one_handle_per_set_kept_by_content) {
  TEST_SDK_START("X=1");
  otel_histogram_t *h = otel_histogram("test", "cache.latency", "s", "", NULL, 0);
  char route[] = "/items/{id}";
  otel_bound_histogram_t *first = get(h, "GET", route, 200);
  CHECK(first);
  CHECK(get(h, "GET", "/items/{id}", 200) == first); /* another pointer, the same text */
  route[1] = 'X';                                    /* the same pointer, another text */
  CHECK(get(h, "GET", route, 200) != first);
  CHECK(get(h, "GET", "/items/{id}", 404) != first);
  CHECK(get(h, "ab", "c", 1) != get(h, "a", "bc", 1));
  CHECK(get(h, NULL, NULL, 0) == get(h, NULL, NULL, 0));
  char long_route[OTEL__BOUND_TEXT + 1];
  memset(long_route, 'r', sizeof(long_route) - 1);
  long_route[sizeof(long_route) - 1] = '\0';
  CHECK(get(h, "GET", long_route, 200) == NULL); /* too long to keep: the caller records */
  otel_bound_histogram_record(first, 1);
  otel_bound_histogram_record(get(h, "GET", "/items/{id}", 200), 2);
  test_metrics_request_t *r = test_metrics_collect();
  const test_metric_t *m = test_metrics_find(r, "cache.latency");
  CHECK(m);
  size_t found = 0;
  for (size_t i = 0; i < m->histogram->n_data_points; i++)
    if (m->histogram->data_points[i]->count == 2 && m->histogram->data_points[i]->sum == 3)
      found++;
  CHECK_INT(found, 1);
  test_metrics_request_free(r);
  test_sdk_stop();
}

TEST(a_full_table_gives_null) {
  TEST_SDK_START("X=1");
  static otel__bound_cache_t small; /* filled here to the last slot */
  otel_histogram_t *h = otel_histogram("test", "cache.full", "s", "", NULL, 0);
  size_t kept = 0;
  for (int64_t i = 0; i < OTEL__BOUND_SLOTS + 10; i++) {
    otel_attr_t attr = OTEL_ATTR_INT("n", i);
    kept += otel__bound_cache_get(&small, h, NULL, NULL, i, &attr, 1) != NULL;
  }
  CHECK_INT(kept, OTEL__BOUND_SLOTS);
  test_sdk_stop();
}

TEST_MAIN("bound_cache", TEST_CASE(one_handle_per_set_kept_by_content),
          TEST_CASE(a_full_table_gives_null))
