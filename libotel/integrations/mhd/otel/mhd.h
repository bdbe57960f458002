/*
 * libmicrohttpd instrumentation: one SERVER span per request, its parent
 * taken from the request's traceparent, tracestate and baggage, with the HTTP
 * semantic-convention attributes. The server calls these at fixed points of a
 * request; handlers only add business attributes to otel_span_current().
 */
#ifndef OTEL_MHD_H
#define OTEL_MHD_H

#include <microhttpd.h>
#include <otel/context.h>
#include <otel/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A request's telemetry state; lives in the server's per-request struct. */
typedef struct otel_mhd_request {
  otel_span_t *span;
  uint64_t start_ns;     /* monotonic, for http.server.request.duration */
  const char *method;    /* the semantic conventions' method (static) */
  const char *scheme;    /* "http", or "https" for a TLS daemon (static) */
  const char *route;     /* borrowed from otel_mhd_set_route, or NULL */
  const char *version;   /* "1.1", or NULL; borrowed, as the next */
  const char *host;      /* the Host header, or NULL */
  bool server_set;       /* the server's attributes are on the span */
  otel_context_t parent; /* extracted from the request; owns its baggage */
  otel_scope_t scopes[2];
  bool entered;
} otel_mhd_request_t;

/*
 * Starts the request's span, named "{method}" until a route is known.
 * uri is the raw request target (path and query, as MHD's URI log callback
 * gives it); version e.g. "HTTP/1.1". Everything is borrowed. Thread-safe.
 */
void otel_mhd_begin(otel_mhd_request_t *r, struct MHD_Connection *c, const char *method,
                    const char *uri, const char *version);

/* Names the span "{method} {route}" and sets http.route, with the server's
 * attributes (method, scheme, protocol version, address and port): those of
 * a request without a route are set when it ends. method is the one
 * otel_mhd_begin() was given. route is a template and must stay valid until
 * otel_mhd_end() (a route table's string). */
void otel_mhd_set_route(otel_mhd_request_t *r, const char *method, const char *route);

/* Makes the request's context and span current on this thread, until
 * otel_mhd_leave(); spans started meanwhile become its children. */
void otel_mhd_enter(otel_mhd_request_t *r);
void otel_mhd_leave(otel_mhd_request_t *r);

/* Adds "X-Trace-Id: <32 hex>" to a response. */
void otel_mhd_add_trace_header(const otel_mhd_request_t *r, struct MHD_Response *response);

/* Records the response status (ERROR and error.type for 5xx), ends the span
 * and records http.server.request.duration; status 0 for a request that ended
 * without a response. Idempotent. */
void otel_mhd_end(otel_mhd_request_t *r, unsigned status);

#ifdef __cplusplus
}
#endif

#endif
