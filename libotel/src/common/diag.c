/* Diagnostics: formatted once, written as one line so concurrent writers do not interleave. */
#include "common/diag.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static void stderr_sink(otel__diag_level_t level, const char *message) {
  fprintf(stderr, "libotel: %s: %s\n", level == OTEL__DIAG_ERROR ? "error" : "warning", message);
}

static _Atomic(otel__diag_sink_fn) sink = stderr_sink;

otel__diag_sink_fn otel__diag_set_sink(otel__diag_sink_fn s) {
  otel__diag_sink_fn prev = atomic_exchange(&sink, s ? s : stderr_sink);
  return prev == stderr_sink ? NULL : prev;
}

void otel__diag(otel__diag_level_t level, const char *fmt, ...) {
  char message[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof(message), fmt, ap);
  va_end(ap);
  atomic_load (&sink)(level, message);
}
