/*
 * OTLP/HTTP transport: POSTs an encoded export request to one signal's
 * endpoint with one reused libcurl handle (keep-alive), optional gzip, the
 * configured headers, and the retry policy of retry.h, within a deadline.
 * Used by one exporter thread at a time.
 */
#ifndef OTEL_OTLP_HTTP_H
#define OTEL_OTLP_HTTP_H

#include "otlp_codec.h"
#include "common/config.h"
#include "export/interrupt.h"

#define OTEL__RESPONSE_MAX (4u << 20)

typedef struct otel__otlp_http otel__otlp_http_t;

/* A transport for cfg (borrowed: must outlive it); intr is how shutdown
 * interrupts it. NULL when out of memory. */
otel__otlp_http_t *otel__otlp_http_new(const otel__otlp_config_t *cfg, otel__interrupt_t *intr);
void otel__otlp_http_free(otel__otlp_http_t *h);

/*
 * Sends body (an encoded request), retrying as the policy says until the
 * monotonic deadline. Returns 0 when the receiver accepted it (a partial
 * success is logged), -ETIMEDOUT when time ran out, -ECANCELED when shutdown
 * cut it short, -EPROTO when the receiver rejected it, -EIO on transport
 * errors that are not worth retrying, -ENOMEM.
 */
int otel__otlp_http_send(otel__otlp_http_t *h, const void *body, size_t len, uint64_t deadline);

/* Statistics, for tests and self-observability. */
typedef struct otel__otlp_http_stats {
  uint64_t requests; /* HTTP attempts made */
  uint64_t retries;
} otel__otlp_http_stats_t;

otel__otlp_http_stats_t otel__otlp_http_stats(const otel__otlp_http_t *h);

/* In a child after fork(): closes the child's copies of the connections'
 * sockets (the parent's connections go on; a TLS close here would write into
 * them) and leaves h otherwise untouched, for a transfer may have been under
 * way on a thread that did not follow. h is never to be used again, nor
 * freed. Accepts NULL. */
void otel__otlp_http_abandon(otel__otlp_http_t *h);

#endif
