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
 * for the span only), as a child of the current span. The trace headers go
 * in front of the request's own header list, for this transfer only (in
 * nodes on the stack: libcurl keeps no header list):
 *   - headers, when not NULL (borrowed);
 *   - else the list the program set on h with CURLOPT_HTTPHEADER, or none.
 * libcurl cannot tell that list, so libotel-curl learns it from the
 * program's calls to curl_easy_init, _setopt, _reset, _duphandle and
 * _cleanup, which the link flags of its pkg-config package and CMake target
 * route through it (the linker's --wrap). For a handle it has not learnt,
 * given NULL, it sends no trace headers rather than lose the program's, and
 * says so once on stderr.
 * Afterwards h carries the header list it carried before (headers, for a
 * handle it has not learnt). Returns what curl_easy_perform returned.
 * Thread-safe for distinct handles.
 */
CURLcode otel_curl_perform(CURL *h, const char *method, const char *url,
                           struct curl_slist *headers);

#ifdef __cplusplus
}
#endif

#endif
