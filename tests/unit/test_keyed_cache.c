/* The integrations' keyed cache: one value per key, kept by content, made
 * once, and NULL when a key cannot be kept. */
#include <stdint.h>
#include <string.h>

#include "keyed_cache.h"
#include "test.h"

static int made;

static void *make_number(void *arg) {
  made++;
  return arg;
}

static void *get(otel__keyed_cache_t *c, const char *a, const char *b, int64_t n, void *value) {
  otel__cache_key_t k;
  k.len = 0;
  otel__key_text(&k, a);
  otel__key_text(&k, b);
  otel__key_number(&k, n);
  return otel__keyed_cache_get(c, &k, make_number, value);
}

TEST(one_value_per_key_kept_by_content) {
  static otel__keyed_cache_t cache;
  static int one, two, three, four, five, six;
  char route[] = "/items/{id}";
  made = 0;
  CHECK(get(&cache, "GET", route, 200, &one) == &one);
  CHECK(get(&cache, "GET", "/items/{id}", 200, &two) == &one); /* another pointer, the same text */
  CHECK_INT(made, 1);
  route[1] = 'X'; /* the same pointer, another text */
  CHECK(get(&cache, "GET", route, 200, &two) == &two);
  CHECK(get(&cache, "GET", "/items/{id}", 404, &three) == &three);
  CHECK(get(&cache, "ab", "c", 1, &four) != get(&cache, "a", "bc", 1, &five));
  CHECK(get(&cache, NULL, NULL, 0, &six) == &six);
  CHECK(get(&cache, "", NULL, 0, &one) == &one); /* NULL is not "" */
  CHECK(get(&cache, NULL, NULL, 0, &two) == &six);
  char long_route[OTEL__CACHE_KEY];
  memset(long_route, 'r', sizeof(long_route) - 1);
  long_route[sizeof(long_route) - 1] = '\0';
  made = 0;
  CHECK(get(&cache, "GET", long_route, 200, &one) == NULL); /* too long to keep: the caller works */
  CHECK_INT(made, 0);
}

TEST(a_full_table_gives_null) {
  static otel__keyed_cache_t small; /* filled here to the last slot */
  static int value;
  size_t kept = 0;
  for (int64_t i = 0; i < OTEL__CACHE_SLOTS + 10; i++)
    kept += get(&small, NULL, NULL, i, &value) != NULL;
  CHECK_INT(kept, OTEL__CACHE_SLOTS);
}

TEST_MAIN("keyed_cache", TEST_CASE(one_value_per_key_kept_by_content),
          TEST_CASE(a_full_table_gives_null))
