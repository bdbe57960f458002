/*
 * One transfer's client span: begun before libcurl performs it (the trace
 * headers put in front of the request's own), ended with its result. The
 * hand-written otel_curl_perform() and the preloaded interposer (for
 * curl_easy_perform and the multi interface) both drive it, so a span of
 * libcurl is described here only.
 */
#ifndef OTEL_CURL_CALL_H
#define OTEL_CURL_CALL_H

#include <curl/curl.h>
#include <otel/trace.h>
#include <stdbool.h>
#include <stdint.h>

/* The trace headers of one request, put in front of its own: libcurl reads
 * a header list during the transfer and keeps none of it, so the nodes and
 * their lines live here, for as long as the transfer. */
#define OTEL__TRACE_HEADERS 3 /* traceparent, tracestate, baggage */
typedef struct otel__trace_headers {
  struct curl_slist node[OTEL__TRACE_HEADERS];
  size_t n, used;
  char text[9216]; /* a baggage header is at most 8192 bytes */
} otel__trace_headers_t;

/* The libcurl functions a span calls on its handle: those of the build that
 * made the handle (a process may hold two builds, otel-instrument's
 * curl.c). */
typedef struct otel__curl_api {
  CURLcode (*setopt)(CURL *, CURLoption, ...);
  CURLcode (*getinfo)(CURL *, CURLINFO, ...);
  const char *(*strerror)(CURLcode);
} otel__curl_api_t;

/* The build this integration is linked with. */
extern const otel__curl_api_t otel__curl_linked;

typedef struct otel__curl_call {
  const otel__curl_api_t *api;
  otel_span_t *span;
  uint64_t start_ns;
  const char *method, *url;   /* as given (borrowed), or NULL: the handle's, at the end */
  struct curl_slist *headers; /* the list given for this transfer, or NULL */
  struct curl_slist *carried; /* the list the handle carries, when known */
  bool known, relist;         /* the handle's list is known; the call set one */
  otel__trace_headers_t trace;
} otel__curl_call_t;

/* Starts the span of a transfer of h, a child of the current span, and puts
 * the trace headers in front of the request's own: headers when not NULL,
 * else the list h carries (handles.h). method and url, when NULL, are read
 * from h when the transfer ends. api is h's build's, borrowed until the
 * end; c must stay where it is until then. */
void otel__curl_call_begin(otel__curl_call_t *c, const otel__curl_api_t *api, CURL *h,
                           const char *method, const char *url, struct curl_slist *headers);

/* Gives h its own header list back, records how the transfer went (rc, and
 * h's response code), http.client.request.duration, and ends the span. */
void otel__curl_call_end(otel__curl_call_t *c, CURL *h, CURLcode rc);

#endif
