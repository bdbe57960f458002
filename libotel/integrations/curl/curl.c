/* libcurl client spans, with trace context injected into the request's
 * headers (curl_call.h), and the hand-written otel_curl_perform() on them. */
#include <otel/curl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curl_call.h"
#include "durations.h"
#include "handles.h"
#include "keyed_cache.h"
#include "support.h"
#include "url_parts.h"

static _Atomic(const otel_tracer_t *) tracer;

static void add_header(void *carrier, const char *name, const char *value) {
  otel__trace_headers_t *t = carrier;
  size_t name_len = strlen(name), value_len = strlen(value);
  if (t->n == OTEL__TRACE_HEADERS || name_len + 2 + value_len + 1 > sizeof(t->text) - t->used)
    return; /* no room: the header is left out */
  char *line = t->text + t->used;
  memcpy(line, name, name_len);
  memcpy(line + name_len, ": ", 2);
  memcpy(line + name_len + 2, value, value_len + 1);
  t->used += name_len + 2 + value_len + 1;
  t->node[t->n++] = (struct curl_slist){.data = line};
}

/* What a request shares with the ones before it to the same URL. */
typedef struct {
  const char *method;
  const char *url;
} client_set_t;

/* Its method, url.full (redacted), server.address and server.port, as a block. */
static void *make_client_block(void *arg) {
  const client_set_t *set = arg;
  char redacted[2048];
  const char *full = otel_url_needs_redaction(set->url)
                         ? otel_url_redact(set->url, redacted, sizeof(redacted))
                         : set->url;
  otel__url_parts_t parts;
  otel__url_parts(set->url, &parts);
  otel_attr_t attrs[4] = {OTEL_ATTR_STR("http.request.method", set->method),
                          OTEL_ATTR_STR("url.full", full)};
  size_t n = 2;
  if (parts.host[0])
    attrs[n++] = OTEL_ATTR_STR("server.address", parts.host);
  if (parts.port)
    attrs[n++] = OTEL_ATTR_INT("server.port", parts.port);
  return otel_attr_block_new(attrs, n);
}

/* The request's attributes on s: a block made once per method and URL and
 * kept; made for this request alone when it cannot be kept. */
static void set_client_attrs(otel_span_t *s, const char *method, const char *url) {
  static _Thread_local otel__cache_last_t last;
  static otel__keyed_cache_t blocks;
  client_set_t set = {method, url};
  otel__cache_query_t q = {{method, url}, 0};
  otel_attr_block_t *b = otel__keyed_cache_find(&blocks, &last, &q, make_client_block, &set);
  if (b) {
    otel_span_set_block(s, b);
    return;
  }
  b = make_client_block(&set);
  otel_span_set_block(s, b);
  otel_attr_block_release(b);
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

const otel__curl_api_t otel__curl_linked = {curl_easy_setopt, curl_easy_getinfo,
                                            curl_easy_strerror};

/* h's header list for a transfer, set by this integration, not the program. */
static void set_headers(const otel__curl_api_t *api, CURL *h, struct curl_slist *list) {
  otel__curl_performing = true;
  api->setopt(h, CURLOPT_HTTPHEADER, list);
  otel__curl_performing = false;
}

/* Said once per process: a transfer went without trace headers. */
static void warn_unknown_handle(void) {
  static atomic_flag said = ATOMIC_FLAG_INIT;
  if (!atomic_flag_test_and_set(&said))
    fprintf(stderr, "libotel-curl: a handle's own header list is unknown, so no trace context "
                    "was sent with it; link with the flags of pkg-config's libotel-curl or "
                    "CMake's otel::curl, or pass the list to otel_curl_perform\n");
}

void otel__curl_call_begin(otel__curl_call_t *c, const otel__curl_api_t *api, CURL *h,
                           const char *method, const char *url, struct curl_slist *headers) {
  c->api = api;
  c->method = method, c->url = url, c->headers = headers;
  c->span = otel_span_start(otel__integration_tracer(&tracer, "libotel.curl"),
                            method ? method : "HTTP", OTEL_SPAN_KIND_CLIENT, NULL);
  if (method && url && OTEL_SPAN_RECORDING(c->span))
    set_client_attrs(c->span, method, url);
  /* The program's header list for this request, and the one h carries. */
  c->carried = NULL;
  c->known = otel__curl_handle_headers(h, &c->carried);
  struct curl_slist *own = headers ? headers : c->carried;
  c->trace.n = c->trace.used = 0;
  if (headers || c->known) {
    otel_scope_t scope = otel_span_attach(c->span);
    otel_propagation_inject(NULL, add_header, &c->trace);
    otel_scope_end(&scope);
  } else if (otel_span_context_is_valid(otel_span_context(c->span))) {
    warn_unknown_handle(); /* its list may hold anything: it is left as it is */
  }
  for (size_t i = 0; i < c->trace.n; i++)
    c->trace.node[i].next = i + 1 < c->trace.n ? &c->trace.node[i + 1] : own;
  c->relist = c->trace.n || headers;
  if (c->relist)
    set_headers(api, h, c->trace.n ? c->trace.node : own);
  c->start_ns = otel__integration_now_ns();
}

void otel__curl_call_end(otel__curl_call_t *c, CURL *h, CURLcode rc) {
  double seconds = otel__integration_seconds(c->start_ns, otel__integration_now_ns());
  otel_span_t *s = c->span;
  long status = 0;
  if (c->relist) /* h carries its own list again */
    set_headers(c->api, h, c->known ? c->carried : c->headers);
  const char *method = c->method, *url = c->url;
  if (!method || !url) { /* the handle's: what it did, where it ended */
    char *effective = NULL;
    if (!method && c->api->getinfo(h, CURLINFO_EFFECTIVE_METHOD, &effective) == CURLE_OK &&
        effective)
      method = effective;
    if (!url && c->api->getinfo(h, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective)
      url = effective;
    method = method ? method : "GET";
    if (OTEL_SPAN_RECORDING(s)) {
      otel_span_update_name(s, method);
      if (url)
        set_client_attrs(s, method, url);
    }
  }
  if (rc == CURLE_OK) {
    long version = 0;
    c->api->getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    c->api->getinfo(h, CURLINFO_HTTP_VERSION, &version);
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
    otel_span_set_status(s, OTEL_STATUS_ERROR, c->api->strerror(rc));
  }
  char code[24];
  snprintf(code, sizeof(code), "%ld", status);
  otel__duration_set_t set = {
      otel__http_client_duration(), {OTEL_ATTR_STR("http.request.method", method)}, 1};
  if (status)
    set.attrs[set.n++] = OTEL_ATTR_INT("http.response.status_code", status);
  bool failed = rc != CURLE_OK || status >= 400;
  if (failed)
    set.attrs[set.n++] = OTEL_ATTR_STR("error.type", rc != CURLE_OK ? transport_error(rc) : code);
  /* Before the span ends: an exemplar of the duration points to it. A
   * success's set, the method and the status, is bound once and kept. */
  static _Thread_local otel__cache_last_t last;
  static otel__keyed_cache_t durations;
  otel__cache_query_t q = {{method}, status};
  otel_bound_histogram_t *bound =
      failed ? NULL : otel__keyed_cache_find(&durations, &last, &q, otel__bind_duration, &set);
  if (bound)
    otel_bound_histogram_record_in(bound, seconds, s);
  else
    otel_histogram_record_in(set.histogram, seconds, set.attrs, set.n, s);
  otel_span_end(s);
  c->span = NULL;
}

CURLcode otel_curl_perform(CURL *h, const char *method, const char *url,
                           struct curl_slist *headers) {
  otel__curl_call_t call;
  otel__curl_call_begin(&call, &otel__curl_linked, h, method, url, headers);
  CURLcode rc = curl_easy_perform(h);
  otel__curl_call_end(&call, h, rc);
  return rc;
}
