/* libcurl client spans, with trace context injected into the request's headers. */
#include <otel/curl.h>
#include <stdio.h>
#include <stdlib.h>

#include "support.h"
#include "durations.h"
#include "url_parts.h"

static _Atomic(const otel_tracer_t *) tracer;

typedef struct {
  struct curl_slist *list;
  bool failed;
} header_list_t;

static void append_line(header_list_t *h, const char *line) {
  struct curl_slist *next = curl_slist_append(h->list, line);
  if (next)
    h->list = next;
  else
    h->failed = true;
}

static void add_header(void *carrier, const char *name, const char *value) {
  char line[8300]; /* a baggage header is at most 8192 bytes */
  snprintf(line, sizeof(line), "%s: %s", name, value);
  append_line(carrier, line);
}

static void set_server_attrs(otel_span_t *s, const char *url) {
  otel__url_parts_t parts;
  otel__url_parts(url, &parts);
  otel__span_set_server(s, &parts);
}

static const char *protocol_version(long v) {
  switch (v) {
  case CURL_HTTP_VERSION_1_0:
    return "1.0";
  case CURL_HTTP_VERSION_1_1:
    return "1.1";
  case CURL_HTTP_VERSION_2_0:
    return "2";
  case CURL_HTTP_VERSION_3:
    return "3";
  default:
    return NULL;
  }
}

/* A stable error.type for the transport failures a client meets. */
static const char *transport_error(CURLcode rc) {
  switch (rc) {
  case CURLE_OPERATION_TIMEDOUT:
    return "timeout";
  case CURLE_COULDNT_CONNECT:
    return "connection_refused";
  case CURLE_COULDNT_RESOLVE_HOST:
    return "name_resolution";
  case CURLE_GOT_NOTHING:
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
    return "connection_error";
  default:
    return "transport_error";
  }
}

CURLcode otel_curl_perform(CURL *h, const char *method, const char *url,
                           struct curl_slist *headers) {
  otel_span_t *s = otel_span_start(otel__integration_tracer(&tracer, "libotel.curl"), method,
                                   OTEL_SPAN_KIND_CLIENT, NULL);
  if (otel_span_is_recording(s)) {
    OTEL_SPAN_SET_STR(s, "http.request.method", method);
    char redacted[2048];
    OTEL_SPAN_SET_STR(
        s, "url.full",
        otel_url_needs_redaction(url) ? otel_url_redact(url, redacted, sizeof(redacted)) : url);
    set_server_attrs(s, url);
  }
  /* The request's headers plus the trace headers, for this request only. */
  header_list_t list = {NULL, false};
  for (struct curl_slist *p = headers; p; p = p->next)
    append_line(&list, p->data);
  otel_scope_t scope = otel_span_attach(s);
  otel_propagation_inject(NULL, add_header, &list);
  otel_scope_end(&scope);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.failed ? headers : list.list);

  uint64_t t0 = otel__integration_now_ns();
  CURLcode rc = curl_easy_perform(h);
  double seconds = otel__integration_seconds(t0, otel__integration_now_ns());
  long status = 0;

  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_slist_free_all(list.list);
  if (rc == CURLE_OK) {
    long version = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
    OTEL_SPAN_SET_INT(s, "http.response.status_code", status);
    const char *v = protocol_version(version);
    if (v)
      OTEL_SPAN_SET_STR(s, "network.protocol.version", v);
    if (status >= 400) {
      char type[24];
      snprintf(type, sizeof(type), "%ld", status);
      OTEL_SPAN_SET_STR(s, "error.type", type);
      otel_span_set_status(s, OTEL_STATUS_ERROR, NULL);
    }
  } else {
    OTEL_SPAN_SET_STR(s, "error.type", transport_error(rc));
    otel_span_set_status(s, OTEL_STATUS_ERROR, curl_easy_strerror(rc));
  }
  char code[24];
  snprintf(code, sizeof(code), "%ld", status);
  otel_attr_t attrs[3] = {OTEL_ATTR_STR("http.request.method", method)};
  size_t n = 1;
  if (status)
    attrs[n++] = OTEL_ATTR_INT("http.response.status_code", status);
  if (rc != CURLE_OK || status >= 400)
    attrs[n++] = OTEL_ATTR_STR("error.type", rc != CURLE_OK ? transport_error(rc) : code);
  /* Before the span ends: an exemplar of the duration points to it. */
  otel_histogram_record_in(otel__http_client_duration(), seconds, attrs, n, s);
  otel_span_end(s);
  return rc;
}
