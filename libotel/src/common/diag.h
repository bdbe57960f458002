/*
 * The SDK's own diagnostics: warnings about configuration and export
 * problems, one line each on stderr. A failure the SDK cannot report to a
 * caller is reported here, once.
 */
#ifndef OTEL_DIAG_H
#define OTEL_DIAG_H

typedef enum { OTEL__DIAG_WARN, OTEL__DIAG_ERROR } otel__diag_level_t;

typedef void (*otel__diag_sink_fn)(otel__diag_level_t level, const char *message);

void otel__diag(otel__diag_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define otel__warn(...) otel__diag(OTEL__DIAG_WARN, __VA_ARGS__)
#define otel__error(...) otel__diag(OTEL__DIAG_ERROR, __VA_ARGS__)

/* Redirects diagnostics (NULL restores stderr); returns the previous sink.
 * For tests and for hosts that route them into their own log. */
otel__diag_sink_fn otel__diag_set_sink(otel__diag_sink_fn sink);

#endif
