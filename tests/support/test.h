/*
 * The unit test harness: TEST functions, CHECK assertions that report the
 * file, line and values and end the test, and a main that runs the list and
 * prints "N passed, M failed".
 */
#ifndef TEST_H
#define TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern bool test__failed;
void test__fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef struct {
  const char *name;
  void (*fn)(void);
} test_case_t;

int test_main(const char *suite, const test_case_t *cases, size_t n);

#define TEST(name) static void name(void)
#define TEST_CASE(name)                                                                            \
  { #name, name }
#define TEST_MAIN(suite, ...)                                                                      \
  int main(void) {                                                                                 \
    static const test_case_t cases[] = {__VA_ARGS__};                                              \
    return test_main(suite, cases, sizeof(cases) / sizeof(cases[0]));                              \
  }

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      test__fail(__FILE__, __LINE__, "%s", #cond);                                                 \
      return;                                                                                      \
    }                                                                                              \
  } while (0)

#define CHECK_INT(a, b)                                                                            \
  do {                                                                                             \
    long long a_ = (long long)(a), b_ = (long long)(b);                                            \
    if (a_ != b_) {                                                                                \
      test__fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_);                    \
      return;                                                                                      \
    }                                                                                              \
  } while (0)

#define CHECK_STR(a, b)                                                                            \
  do {                                                                                             \
    const char *a_ = (a), *b_ = (b);                                                               \
    if (!a_ || !b_ || strcmp(a_, b_)) {                                                            \
      test__fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)",     \
                 b_ ? b_ : "(null)");                                                              \
      return;                                                                                      \
    }                                                                                              \
  } while (0)

#endif
