/* A fake environment and a diagnostics sink for tests. */
#include "test_env.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/diag.h"

const char *test_env_get(void *ud, const char *name) {
  size_t n = strlen(name);
  for (const char *const *e = ud; *e; e++)
    if (!strncmp(*e, name, n) && (*e)[n] == '=')
      return *e + n + 1;
  return NULL;
}

static char captured[8192];
static pthread_mutex_t captured_lock = PTHREAD_MUTEX_INITIALIZER;

static void sink(otel__diag_level_t level, const char *message) {
  (void)level;
  pthread_mutex_lock(&captured_lock);
  size_t len = strlen(captured);
  snprintf(captured + len, sizeof(captured) - len, "%s\n", message);
  pthread_mutex_unlock(&captured_lock);
}

void test_diag_capture(void) {
  pthread_mutex_lock(&captured_lock);
  captured[0] = '\0';
  pthread_mutex_unlock(&captured_lock);
  otel__diag_set_sink(sink);
}

const char *test_diag_text(void) { return captured; }
