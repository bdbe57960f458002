/*
 * The SDK's own diagnostics: warnings about configuration and export
 * problems, one line each on stderr, and with OTEL_LOG_LEVEL=debug what
 * each export did. A failure the SDK cannot report to a caller is reported
 * here, once.
 */
#ifndef OTEL_DIAG_H
#define OTEL_DIAG_H

#include <stdbool.h>

/* In increasing severity; OTEL_LOG_LEVEL picks the least one written
 * (info by default), and none writes nothing. */
typedef enum {
  OTEL__DIAG_DEBUG,
  OTEL__DIAG_INFO,
  OTEL__DIAG_WARN,
  OTEL__DIAG_ERROR,
  OTEL__DIAG_NONE
} otel__diag_level_t;

typedef void (*otel__diag_sink_fn)(otel__diag_level_t level, const char *message);

void otel__diag(otel__diag_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define otel__debug(...) otel__diag(OTEL__DIAG_DEBUG, __VA_ARGS__)
#define otel__warn(...) otel__diag(OTEL__DIAG_WARN, __VA_ARGS__)
#define otel__error(...) otel__diag(OTEL__DIAG_ERROR, __VA_ARGS__)

/* The least severe level written from now on (OTEL__DIAG_NONE: nothing). */
void otel__diag_set_level(otel__diag_level_t level);
/* Whether a message of this level would be written: to skip the work of
 * making one that would not. */
bool otel__diag_enabled(otel__diag_level_t level);

/* Redirects diagnostics (NULL restores stderr); returns the previous sink.
 * For tests and for hosts that route them into their own log. */
otel__diag_sink_fn otel__diag_set_sink(otel__diag_sink_fn sink);

#endif
