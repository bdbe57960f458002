/* notify's Idempotency-Keys: the field's syntax (a Structured Field String),
 * and remembering keys: seen again, seen with another article, forgotten
 * oldest first once full. */
#include <errno.h>
#include <stdio.h>

#include "idempotency.h"
#include "test.h"

static const char *parsed(const char *field) {
  static char key[NOTIFY_KEY_MAX + 1];
  return notify_key_parse(field, key) ? "(invalid)" : key;
}

TEST(a_quoted_string_is_a_key) {
  CHECK_STR(parsed("\"8e03978e-40d5-43e8-bc93-6894a57f9324\""),
            "8e03978e-40d5-43e8-bc93-6894a57f9324");
  CHECK_STR(parsed("\"a \\\"b\\\" \\\\c\""), "a \"b\" \\c");
  CHECK_STR(parsed("\"k\";ttl=5"), "k"); /* parameters are ignored */
  CHECK_STR(parsed("\"k\"  "), "k");
}

TEST(anything_else_is_invalid) {
  const char *bad[] = {"k",      "\"\"",         "\"open", "\"k\" x", "\"a\\b\"", "'k'",
                       "\"\t\"", "\"\xc3\xa9\"", "",       "\"k\"\"", "\"k\\\""};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char key[NOTIFY_KEY_MAX + 1];
    CHECK_INT(notify_key_parse(bad[i], key), -EINVAL);
  }
}

TEST(keys_up_to_64_characters) {
  char field[80], key[NOTIFY_KEY_MAX + 1];
  snprintf(field, sizeof(field), "\"%064d\"", 7);
  CHECK_INT(notify_key_parse(field, key), 0);
  snprintf(field, sizeof(field), "\"%065d\"", 7);
  CHECK_INT(notify_key_parse(field, key), -EINVAL);
}

/* One call and what it must answer. */
typedef struct {
  const char *key;
  int64_t article_id;
  notify_key_verdict_t expected;
} step_t;

static void run_steps(size_t capacity, const step_t *steps, size_t n) {
  CHECK_INT(notify_keys_init(capacity), 0);
  for (size_t i = 0; i < n; i++)
    CHECK_INT(notify_keys_admit(steps[i].key, steps[i].article_id), steps[i].expected);
}

TEST(a_key_is_new_then_seen_and_conflicts_with_another_article) {
  const step_t steps[] = {{"one", 1, NOTIFY_KEY_NEW},
                          {"two", 2, NOTIFY_KEY_NEW},
                          {"one", 1, NOTIFY_KEY_SEEN},
                          {"one", 3, NOTIFY_KEY_CONFLICT},
                          {"two", 2, NOTIFY_KEY_SEEN}};
  run_steps(100, steps, sizeof(steps) / sizeof(steps[0]));
}

TEST(once_full_the_oldest_is_forgotten) {
  CHECK_INT(notify_keys_init(1000), 0);
  char key[32];
  for (int i = 0; i < 3000; i++) {
    snprintf(key, sizeof(key), "k%d", i);
    CHECK_INT(notify_keys_admit(key, i), NOTIFY_KEY_NEW);
  }
  for (int i = 2000; i < 3000; i++) { /* the last thousand are remembered */
    snprintf(key, sizeof(key), "k%d", i);
    CHECK_INT(notify_keys_admit(key, i), NOTIFY_KEY_SEEN);
  }
  snprintf(key, sizeof(key), "k%d", 1999); /* and the one before them is not */
  CHECK_INT(notify_keys_admit(key, 1999), NOTIFY_KEY_NEW);
}

TEST(one_key_remembered) {
  const step_t steps[] = {{"a", 1, NOTIFY_KEY_NEW},
                          {"a", 1, NOTIFY_KEY_SEEN},
                          {"b", 2, NOTIFY_KEY_NEW},
                          {"a", 1, NOTIFY_KEY_NEW}};
  run_steps(1, steps, sizeof(steps) / sizeof(steps[0]));
}

TEST_MAIN("idempotency", TEST_CASE(a_quoted_string_is_a_key), TEST_CASE(anything_else_is_invalid),
          TEST_CASE(keys_up_to_64_characters),
          TEST_CASE(a_key_is_new_then_seen_and_conflicts_with_another_article),
          TEST_CASE(once_full_the_oldest_is_forgotten), TEST_CASE(one_key_remembered))
