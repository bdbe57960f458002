/*
 * libcurl instrumentation: a request as one CLIENT span named "{method}",
 * with traceparent, tracestate and baggage injected into its headers, and
 * http.request.method, url.full, server.address, server.port,
 * http.response.status_code and network.protocol.version recorded. 4xx, 5xx
 * and transport failures set ERROR status and error.type.
 */
#ifndef OTEL_CURL_H
#define OTEL_CURL_H

#include <curl/curl.h>
#include <otel/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Performs h, already set up for method and url (both borrowed, and used
 * for the span only), as a child of the current span. headers are the
 * request's own (borrowed, may be NULL): the trace headers are put in front
 * of them for this request (in nodes of its own, on the stack: libcurl keeps
 * no header list), and h's header list is left as headers afterwards.
 * Returns what curl_easy_perform returned.
 */
CURLcode otel_curl_perform(CURL *h, const char *method, const char *url,
                           struct curl_slist *headers);

#ifdef __cplusplus
}
#endif

#endif
