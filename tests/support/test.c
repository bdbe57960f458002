/* Runs a suite's test cases and prints one line per failure and the total. */
#include "test.h"

#include <stdarg.h>

bool test__failed;

void test__fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "    %s:%d: ", file, line);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  test__failed = true;
}

int test_main(const char *suite, const test_case_t *cases, size_t n) {
  int passed = 0, failed = 0;
  for (size_t i = 0; i < n; i++) {
    test__failed = false;
    cases[i].fn();
    if (test__failed) {
      failed++;
      fprintf(stderr, "  FAIL %s.%s\n", suite, cases[i].name);
    } else {
      passed++;
    }
  }
  fflush(stderr);
  printf("%s: %d passed, %d failed\n", suite, passed, failed);
  return failed ? 1 : 0;
}
