/*
 * Why an export failed, in the few classes the SDK's own metrics report as
 * error.type: from the negative errno an exporter returns.
 */
#ifndef OTEL_FAILURE_H
#define OTEL_FAILURE_H

#include <errno.h>

typedef enum {
  OTEL__FAILURE_TIMEOUT,   /* the export timeout passed */
  OTEL__FAILURE_SHUTDOWN,  /* shutdown's deadline cut it short */
  OTEL__FAILURE_REJECTED,  /* the receiver answered with an error */
  OTEL__FAILURE_TRANSPORT, /* no answer: connection refused, reset, ... */
  OTEL__FAILURE_OTHER,
  OTEL__FAILURES
} otel__failure_t;

static inline otel__failure_t otel__failure_of(int rc) {
  switch (rc) {
  case -ETIMEDOUT:
    return OTEL__FAILURE_TIMEOUT;
  case -ECANCELED:
    return OTEL__FAILURE_SHUTDOWN;
  case -EPROTO:
    return OTEL__FAILURE_REJECTED;
  case -EIO:
    return OTEL__FAILURE_TRANSPORT;
  default:
    return OTEL__FAILURE_OTHER;
  }
}

static inline const char *otel__failure_name(otel__failure_t f) {
  static const char *const names[OTEL__FAILURES] = {"timeout", "shutdown", "rejected", "transport",
                                                    "_OTHER"};
  return names[f];
}

#endif
