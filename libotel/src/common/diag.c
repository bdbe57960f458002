/* Diagnostics: formatted once, written as one line so concurrent writers do not interleave. */
#include "common/diag.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static void stderr_sink(otel__diag_level_t level, const char *message) {
  static const char *const NAMES[] = {"debug", "info", "warning", "error"};
  fprintf(stderr, "libotel: %s: %s\n", NAMES[level], message);
}

static _Atomic(otel__diag_sink_fn) sink = stderr_sink;
static atomic_int least = OTEL__DIAG_INFO;

void otel__diag_set_level(otel__diag_level_t level) { atomic_store(&least, (int)level); }

bool otel__diag_enabled(otel__diag_level_t level) {
  return level < OTEL__DIAG_NONE &&
         (int)level >= atomic_load_explicit(&least, memory_order_relaxed);
}

otel__diag_sink_fn otel__diag_set_sink(otel__diag_sink_fn s) {
  otel__diag_sink_fn prev = atomic_exchange(&sink, s ? s : stderr_sink);
  return prev == stderr_sink ? NULL : prev;
}

void otel__diag(otel__diag_level_t level, const char *fmt, ...) {
  if (!otel__diag_enabled(level))
    return;
  char message[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof(message), fmt, ap);
  va_end(ap);
  atomic_load (&sink)(level, message);
}
