/* libmicrohttpd server spans: context extraction, attributes, status. */
#include <arpa/inet.h>
#include <stdatomic.h>
#include <otel/mhd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keyed_cache.h"
#include "support.h"
#include "text.h"
#include "durations.h"
#include "url_parts.h"

static _Atomic(const otel_tracer_t *) tracer;

/* The headers a server span reads, gathered in one pass over the request's
 * header lines: the first line of each and how many came. */
enum { H_TRACEPARENT, H_TRACESTATE, H_BAGGAGE, H_HOST, H_USER_AGENT, H_COUNT };
static const char *const HEADER_NAMES[H_COUNT] = {"traceparent", "tracestate", "baggage", "host",
                                                  "user-agent"};

typedef struct {
  struct MHD_Connection *c;
  const char *first[H_COUNT];
  size_t lines[H_COUNT];
} headers_t;

/* Which of HEADER_NAMES key is, by its first letter and then in full; H_COUNT for none. */
static int header_index(const char *key) {
  int i;
  switch (key[0] | 0x20) { /* ASCII lowercase, for the letters this looks at */
  case 't':
    if (!strcasecmp(key, HEADER_NAMES[H_TRACEPARENT]))
      return H_TRACEPARENT;
    i = H_TRACESTATE;
    break;
  case 'b':
    i = H_BAGGAGE;
    break;
  case 'h':
    i = H_HOST;
    break;
  case 'u':
    i = H_USER_AGENT;
    break;
  default:
    return H_COUNT;
  }
  return strcasecmp(key, HEADER_NAMES[i]) ? H_COUNT : i;
}

static enum MHD_Result gather(void *cls, enum MHD_ValueKind kind, const char *key,
                              const char *value) {
  (void)kind;
  headers_t *h = cls;
  int i = key[0] ? header_index(key) : H_COUNT;
  if (i < H_COUNT && h->lines[i]++ == 0)
    h->first[i] = value ? value : "";
  return MHD_YES;
}

/* A later line of a header that came more than once: rare, so found by a walk of its own. */
typedef struct {
  const char *name;
  size_t index;
  const char *value;
} nth_line_t;

static enum MHD_Result find_nth(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value) {
  (void)kind;
  nth_line_t *q = cls;
  if (strcasecmp(key, q->name) || q->index-- > 0)
    return MHD_YES;
  q->value = value ? value : "";
  return MHD_NO;
}

/* Which of HEADER_NAMES a propagator's field name is: a lowercase name, so
 * compared as it is; H_COUNT for none. */
static int field_index(const char *name) {
  for (int i = 0; i < H_COUNT; i++)
    if (name[0] == HEADER_NAMES[i][0] && !strcmp(name, HEADER_NAMES[i]))
      return i;
  return H_COUNT;
}

/* The carrier of otel_propagation_extract(): every line of each header. */
static const char *header_line(void *carrier, const char *name, size_t index) {
  const headers_t *h = carrier;
  int i = field_index(name);
  if (i == H_COUNT || index >= h->lines[i])
    return NULL;
  if (index == 0)
    return h->first[i];
  nth_line_t q = {name, index, NULL};
  MHD_get_connection_values(h->c, MHD_HEADER_KIND, find_nth, &q);
  return q.value;
}

/* The semantic conventions' methods: the known ones as they are, the others
 * "_OTHER" (the last). */
static const char *const METHODS[] = {"GET",     "POST",  "PUT",   "DELETE",  "HEAD",
                                      "OPTIONS", "PATCH", "TRACE", "CONNECT", "_OTHER"};
#define N_METHODS (sizeof(METHODS) / sizeof(METHODS[0]))

static size_t method_index(const char *m) {
  size_t i = 0;
  while (i < N_METHODS - 1 && strcmp(m, METHODS[i]))
    i++;
  return i;
}

static const char *known_method(const char *m) { return METHODS[method_index(m)]; }

/* url.scheme: a daemon's, by whether it speaks TLS (the index). */
static const char *const SCHEMES[2] = {"http", "https"};

static const char *daemon_scheme(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *conn = MHD_get_connection_info(c, MHD_CONNECTION_INFO_DAEMON);
  const union MHD_DaemonInfo *daemon =
      conn && conn->daemon ? MHD_get_daemon_info(conn->daemon, MHD_DAEMON_INFO_FLAGS) : NULL;
  return SCHEMES[daemon && (daemon->flags & MHD_USE_TLS)];
}

static bool is_tls(const char *scheme) { return scheme == SCHEMES[1]; }

/* http.server.active_requests, bound to each method's set (the method and
 * the scheme) on first use: a request adds and takes away one without a
 * lookup. */
static otel_bound_counter_t *active_requests(const char *method, const char *scheme) {
  static _Atomic(otel_bound_counter_t *) bound[2][N_METHODS];
  size_t i = method_index(method), tls = is_tls(scheme);
  otel_bound_counter_t *b = atomic_load_explicit(&bound[tls][i], memory_order_acquire);
  if (!b) { /* racing first calls bind the same point */
    otel_attr_t set[] = {OTEL_ATTR_STR("http.request.method", METHODS[i]),
                         OTEL_ATTR_STR("url.scheme", scheme)};
    b = otel_counter_bind(otel__http_server_active_requests(), set, 2);
    atomic_store_explicit(&bound[tls][i], b, memory_order_release);
  }
  return b;
}

/* What a server span shares with the requests before it: the method, the
 * scheme, the protocol version, the address the client asked for and the
 * route. */
typedef struct {
  const char *method;
  const char *scheme;  /* "http" or "https" */
  const char *version; /* "1.1", or NULL */
  const char *host;    /* the Host header, or NULL */
  const char *route;   /* or NULL */
} server_set_t;

/* Those as a block of attributes, and the span's name. */
typedef struct {
  otel_attr_block_t *block;
  char name[]; /* "{method} {route}", or the method */
} server_kept_t;

static void *keep_server(void *arg) {
  const server_set_t *set = arg;
  otel_attr_t attrs[6] = {OTEL_ATTR_STR("http.request.method", set->method),
                          OTEL_ATTR_STR("url.scheme", set->scheme)};
  size_t n = 2;
  if (set->version)
    attrs[n++] = OTEL_ATTR_STR("network.protocol.version", set->version);
  otel__url_parts_t parts = {.host = ""};
  if (set->host && *set->host)
    otel__host_header_parts(set->host, &parts);
  if (parts.host[0])
    attrs[n++] = OTEL_ATTR_STR("server.address", parts.host);
  if (parts.port)
    attrs[n++] = OTEL_ATTR_INT("server.port", parts.port);
  if (set->route)
    attrs[n++] = OTEL_ATTR_STR("http.route", set->route);
  size_t size = strlen(set->method) + (set->route ? strlen(set->route) + 1 : 0) + 1;
  server_kept_t *k = malloc(sizeof(*k) + size);
  if (!k || !(k->block = otel_attr_block_new(attrs, n)))
    return free(k), NULL;
  if (set->route)
    otel__str_join(k->name, size, set->method, ' ', set->route);
  else
    otel__str_copy(k->name, size, set->method, strlen(set->method));
  return k;
}

/* The server's attributes and the span's name on s: made once per method,
 * scheme, protocol version, Host header and route, and kept; one by one when they
 * cannot be kept (a client sending endless Host headers fills the table,
 * and no more). */
static void set_server_attrs(otel_span_t *s, const server_set_t *set) {
  static _Thread_local otel__cache_last_t last;
  static otel__keyed_cache_t kept;
  otel__cache_query_t q = {{set->method, set->version, set->host, set->route}, is_tls(set->scheme)};
  const server_kept_t *k = otel__keyed_cache_find(&kept, &last, &q, keep_server, (void *)set);
  server_kept_t *made = k ? NULL : keep_server((void *)set);
  if (!k && !(k = made))
    return;
  otel_span_set_block(s, k->block);
  if (set->route)
    otel_span_update_name(s, k->name);
  if (made) {
    otel_attr_block_release(made->block);
    free(made);
  }
}

/* Once per request, when the route is known or at its end without one. */
static void set_server(otel_mhd_request_t *r) {
  if (r->server_set || !OTEL_SPAN_RECORDING(r->span))
    return;
  server_set_t set = {r->method, r->scheme, r->version, r->host, r->route};
  set_server_attrs(r->span, &set);
  r->server_set = true;
}

static void set_client_address(otel_span_t *s, struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr)
    return;
  const struct sockaddr *sa = info->client_addr;
  if (sa->sa_family == AF_INET) {
    /* The address of a thread's last IPv4 client, as text: the next request
     * on a connection comes from the same one. */
    static _Thread_local struct {
      uint32_t addr; /* 0: none kept */
      char text[16];
    } last;
    uint32_t addr;
    memcpy(&addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, sizeof(addr));
    if (!addr || addr != last.addr) {
      otel__ipv4_text((const uint8_t *)&addr, last.text);
      last.addr = addr;
    }
    OTEL_SPAN_SET_STR(s, "client.address", last.text);
  } else if (sa->sa_family == AF_INET6) {
    char text[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text,
                  sizeof(text)))
      OTEL_SPAN_SET_STR(s, "client.address", text);
  }
}

void otel_mhd_begin(otel_mhd_request_t *r, struct MHD_Connection *c, const char *method,
                    const char *uri, const char *version) {
  memset(r, 0, sizeof(*r));
  r->start_ns = otel__integration_now_ns();
  headers_t h = {.c = c};
  MHD_get_connection_values(c, MHD_HEADER_KIND, gather, &h);
  /* A request without any of the fields read has nothing to extract: its
   * parent stays the empty context. */
  if (h.lines[H_TRACEPARENT] || h.lines[H_TRACESTATE] || h.lines[H_BAGGAGE])
    otel_propagation_extract(&r->parent, header_line, &h);
  const char *m = known_method(method);
  r->method = m;
  r->scheme = daemon_scheme(c);
  otel_bound_counter_add(active_requests(m, r->scheme), 1);
  r->span = otel_span_start(otel__integration_tracer(&tracer, "libotel.mhd"), m,
                            OTEL_SPAN_KIND_SERVER, &r->parent);
  if (!otel_span_is_recording(r->span))
    return;
  r->version = version && !strncmp(version, "HTTP/", 5) ? version + 5 : NULL;
  r->host = h.first[H_HOST];
  if (m[0] == '_')
    OTEL_SPAN_SET_STR(r->span, "http.request.method_original", method);
  const char *query = uri ? strchr(uri, '?') : NULL;
  if (uri) {
    char path[2048];
    size_t n = query ? (size_t)(query - uri) : strlen(uri);
    OTEL_SPAN_SET_STR(r->span, "url.path", otel__str_copy(path, sizeof(path), uri, n));
  }
  if (query && query[1]) {
    char redacted[2048];
    OTEL_SPAN_SET_STR(r->span, "url.query", otel_url_redact(query, redacted, sizeof(redacted)) + 1);
  }
  set_client_address(r->span, c);
  if (h.first[H_USER_AGENT])
    OTEL_SPAN_SET_STR(r->span, "user_agent.original", h.first[H_USER_AGENT]);
}

void otel_mhd_set_route(otel_mhd_request_t *r, const char *method, const char *route) {
  (void)method; /* the request's, as otel_mhd_begin() was given it */
  r->route = route;
  set_server(r);
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
  set_server(r); /* a request that found no route */
  if (status) {
    OTEL_SPAN_SET_INT(r->span, "http.response.status_code", status);
    if (status >= 500) {
      char type[12];
      snprintf(type, sizeof(type), "%u", status);
      OTEL_SPAN_SET_STR(r->span, "error.type", type);
      otel_span_set_status(r->span, OTEL_STATUS_ERROR, NULL);
    }
  }
  otel__duration_set_t set = {.histogram = otel__http_server_duration(), .n = status ? 3 : 2};
  set.attrs[0] = OTEL_ATTR_STR("http.request.method", r->method);
  set.attrs[1] = OTEL_ATTR_STR("url.scheme", r->scheme);
  set.attrs[2] = OTEL_ATTR_INT("http.response.status_code", status);
  if (r->route)
    set.attrs[set.n++] = OTEL_ATTR_STR("http.route", r->route);
  /* Before the span ends: an exemplar of the duration points to it. The
   * set is the method, the route, the scheme and the status: bound once,
   * kept. */
  static _Thread_local otel__cache_last_t last;
  static otel__keyed_cache_t durations;
  double seconds = otel__integration_seconds(r->start_ns, otel__integration_now_ns());
  otel__cache_query_t q = {{r->method, r->route, r->scheme}, status};
  otel_bound_histogram_t *bound =
      otel__keyed_cache_find(&durations, &last, &q, otel__bind_duration, &set);
  if (bound)
    otel_bound_histogram_record_in(bound, seconds, r->span);
  else
    otel_histogram_record_in(set.histogram, seconds, set.attrs, set.n, r->span);
  otel_span_end(r->span);
  r->span = NULL;
  otel_context_release(&r->parent);
  otel_bound_counter_add(active_requests(r->method, r->scheme), -1);
}
