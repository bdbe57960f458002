/* libmicrohttpd server spans: context extraction, attributes, status. */
#include <arpa/inet.h>
#include <stdatomic.h>
#include <otel/mhd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "durations.h"
#include "span.h"
#include "url_parts.h"

static _Atomic(const otel_tracer_t *) tracer;

static const char *header(void *carrier, const char *name) {
  return MHD_lookup_connection_value(carrier, MHD_HEADER_KIND, name);
}

/* The semantic conventions' method: known methods as is, others "_OTHER". */
static const char *known_method(const char *m) {
  static const char *const methods[] = {"GET",     "POST",  "PUT",   "DELETE", "HEAD",
                                        "OPTIONS", "PATCH", "TRACE", "CONNECT"};
  for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
    if (!strcmp(m, methods[i]))
      return methods[i];
  return "_OTHER";
}

static void set_server_address(otel_span_t *s, const char *host) {
  if (!host || !*host)
    return;
  otel__url_parts_t parts;
  otel__host_header_parts(host, &parts);
  otel__span_set_server(s, &parts);
}

static void set_client_address(otel_span_t *s, struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr)
    return;
  char text[INET6_ADDRSTRLEN] = "";
  const struct sockaddr *sa = info->client_addr;
  if (sa->sa_family == AF_INET)
    otel__ipv4_text((const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                    text);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text,
              sizeof(text));
  if (text[0])
    OTEL__SPAN_STR(s, "client.address", text);
}

void otel_mhd_begin(otel_mhd_request_t *r, struct MHD_Connection *c, const char *method,
                    const char *uri, const char *version) {
  memset(r, 0, sizeof(*r));
  r->start_ns = otel__now_mono_ns();
  otel_propagation_extract(&r->parent, header, c);
  const char *m = known_method(method);
  r->method = m;
  otel_attr_t active[] = {OTEL_ATTR_STR("http.request.method", m),
                          OTEL_ATTR_STR("url.scheme", "http")};
  otel_counter_add(otel__http_server_active_requests(), 1, active, 2);
  r->span = otel_span_start(otel__tracer_cached(&tracer, "libotel.mhd"), m, OTEL_SPAN_KIND_SERVER,
                            &r->parent);
  if (!otel_span_is_recording(r->span))
    return;
  OTEL__SPAN_STR(r->span, "http.request.method", m);
  if (m[0] == '_')
    OTEL__SPAN_STR(r->span, "http.request.method_original", method);
  const char *query = uri ? strchr(uri, '?') : NULL;
  if (uri) {
    char path[2048];
    size_t n = query ? (size_t)(query - uri) : strlen(uri);
    OTEL__SPAN_STR(r->span, "url.path", otel__str_copy(path, sizeof(path), uri, n));
  }
  if (query && query[1])
    OTEL__SPAN_STR(r->span, "url.query", query + 1);
  OTEL__SPAN_STR(r->span, "url.scheme", "http");
  set_server_address(r->span, header(c, "host"));
  set_client_address(r->span, c);
  if (version && !strncmp(version, "HTTP/", 5))
    OTEL__SPAN_STR(r->span, "network.protocol.version", version + 5);
  const char *ua = header(c, "user-agent");
  if (ua)
    OTEL__SPAN_STR(r->span, "user_agent.original", ua);
}

void otel_mhd_set_route(otel_mhd_request_t *r, const char *method, const char *route) {
  r->route = route;
  if (!otel_span_is_recording(r->span))
    return;
  char name[512];
  otel_span_update_name(r->span,
                        otel__str_join(name, sizeof(name), known_method(method), ' ', route));
  OTEL__SPAN_STR(r->span, "http.route", route);
}

void otel_mhd_enter(otel_mhd_request_t *r) {
  if (r->entered || !r->span)
    return;
  r->scopes[0] = otel_context_attach(&r->parent);
  r->scopes[1] = otel_span_attach(r->span);
  r->entered = true;
}

void otel_mhd_leave(otel_mhd_request_t *r) {
  if (!r->entered)
    return;
  otel_scope_end(&r->scopes[1]);
  otel_scope_end(&r->scopes[0]);
  r->entered = false;
}

void otel_mhd_add_trace_header(const otel_mhd_request_t *r, struct MHD_Response *response) {
  if (!r->span || !otel_span_context_is_valid(otel_span_context(r->span)))
    return; /* the SDK is off: there is no trace to point at */
  char hex[OTEL_TRACE_ID_HEX_SIZE];
  otel_span_trace_id_hex(r->span, hex);
  MHD_add_response_header(response, "X-Trace-Id", hex);
}

void otel_mhd_end(otel_mhd_request_t *r, unsigned status) {
  if (!r->span)
    return;
  otel_mhd_leave(r);
  if (status) {
    OTEL__SPAN_INT(r->span, "http.response.status_code", status);
    if (status >= 500) {
      char type[12];
      snprintf(type, sizeof(type), "%u", status);
      OTEL__SPAN_STR(r->span, "error.type", type);
      otel_span_set_status(r->span, OTEL_STATUS_ERROR, NULL);
    }
  }
  otel_span_end(r->span);
  r->span = NULL;
  otel_context_release(&r->parent);
  otel_attr_t attrs[4] = {OTEL_ATTR_STR("http.request.method", r->method),
                          OTEL_ATTR_STR("url.scheme", "http"),
                          OTEL_ATTR_INT("http.response.status_code", status)};
  otel_counter_add(otel__http_server_active_requests(), -1, attrs, 2); /* method and scheme */
  size_t n = status ? 3 : 2;
  if (r->route)
    attrs[n++] = OTEL_ATTR_STR("http.route", r->route);
  otel_histogram_record(otel__http_server_duration(),
                        otel__seconds(r->start_ns, otel__now_mono_ns()), attrs, n);
}
