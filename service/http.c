/* The services' HTTP server on libmicrohttpd: routing, bodies, responses, access log, spans. */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <otel/log.h>
#include <otel/mhd.h>
#include <otel/trace.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "json_text.h"
#include "workers.h"

#define CONNECTION_LIMIT 1024 /* in all; svc_http_config_t.per_client for one address */
#define CONNECTION_TIMEOUT_S 30
/* Each connection's buffer: the request line and headers must fit (431 or
 * 414 past it). libmicrohttpd clears the whole buffer before each request on
 * a kept-alive connection, so its size is paid per request (0.17 µs here for
 * 16 KiB, 0.7 µs for 64 KiB), and it is held per connection. */
#define CONNECTION_MEMORY 16384
#define MAX_ALLOW 64
#define SENDING_TIMEOUT_MS 1000 /* at a stop, for the answers already made */
/* A refused request's body is read and dropped, so that a client that writes
 * it whole before reading still gets the answer (closing with unread data
 * makes the kernel reset the connection, and the answer is lost): at most
 * this much, for at most this long, after which the answer goes at once. */
#define DRAIN_MAX_BYTES (64u << 20)
#define DRAIN_MAX_MS 10000

struct svc_http {
  struct MHD_Daemon *daemon;
  svc_workers_t *workers;
  svc_http_config_t cfg;
  atomic_int active;    /* requests begun and not completed */
  atomic_bool stopping; /* answers close their connections, so keep-alive clients let go */
};

struct svc_request {
  svc_http_t *server;
  struct MHD_Connection *conn;
  char *uri; /* the raw request target: path and query */
  char method[16];
  const svc_route_t *route;
  int64_t id;
  otel_mhd_request_t tel;
  char *body;
  size_t len;
  svc_job_t job; /* a blocking route's handler, queued for a worker */
  bool started;
  bool answered;
  unsigned refused;      /* 401, 404, 405, 413 or 415: sent once the body is drained */
  size_t drained;        /* bytes of a refused body dropped */
  char allow[MAX_ALLOW]; /* for a 405 */
  unsigned status;
  struct timespec began;
};

/* --- routing --- */

/* A positive decimal that fits in int64, or 0. */
static int64_t parse_id(const char *s, size_t n) {
  if (n == 0 || n > 19)
    return 0;
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return 0;
    if (v > (INT64_MAX - (s[i] - '0')) / 10)
      return 0;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* Whether path matches the template; *id gets the {id} segment's value. */
static bool path_matches(const char *tmpl, const char *path, size_t path_len, int64_t *id) {
  const char *t = tmpl, *p = path, *end = path + path_len;
  while (*t && p < end) {
    if (!strncmp(t, "{id}", 4)) {
      const char *seg = p;
      while (p < end && *p != '/')
        p++;
      if (!(*id = parse_id(seg, (size_t)(p - seg))))
        return false;
      t += 4;
    } else if (*t++ != *p++) {
      return false;
    }
  }
  return !*t && p == end;
}

/* The route for method and path; else 404, or 405 with the allowed methods.
 * Every GET route answers HEAD too (RFC 9110 section 9.3.2): the handler runs
 * as for GET, and libmicrohttpd sends the headers without the body. */
static const svc_route_t *route_find(const svc_http_config_t *cfg, const char *method,
                                     const char *path, int64_t *id, unsigned *status,
                                     char allow[MAX_ALLOW]) {
  size_t n = strlen(path);
  if (n > 1 && path[n - 1] == '/') /* a trailing slash is accepted */
    n--;
  if (!strcmp(method, "HEAD"))
    method = "GET";
  allow[0] = '\0';
  for (size_t i = 0; i < cfg->n_routes; i++) {
    const svc_route_t *r = &cfg->routes[i];
    if (!path_matches(r->path, path, n, id))
      continue;
    if (!strcmp(r->method, method))
      return r;
    size_t used = strlen(allow);
    snprintf(allow + used, MAX_ALLOW - used, "%s%s%s", used ? ", " : "", r->method,
             strcmp(r->method, "GET") ? "" : ", HEAD");
  }
  *status = allow[0] ? 405 : 404;
  return NULL;
}

/* --- responses --- */

json_t *svc_problem(const char *message, const char *key, const char *source) {
  return json_pack("{s:s,s:s,s:s}", "message", message, "key", key, "source", source);
}

void svc_error(svc_response_t *res, unsigned status, const char *detail, json_t *extra) {
  res->status = status;
  json_decref(res->body);
  res->body = json_pack("{s:i,s:s}", "status_code", (int)status, "detail", detail);
  if (extra)
    json_object_set_new(res->body, "extra", extra);
}

static enum MHD_Result send_response(svc_request_t *req, svc_response_t *res, const char *allow) {
  size_t len = 0;
  char *text = res->body ? svc_json_text(res->body, &len) : NULL;
  json_decref(res->body);
  res->body = NULL;
  struct MHD_Response *r =
      text ? MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE)
           : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  if (!r) {
    free(text);
    return MHD_NO;
  }
  if (text)
    MHD_add_response_header(r, "Content-Type", "application/json");
  if (res->location[0])
    MHD_add_response_header(r, "Location", res->location);
  if (allow && *allow)
    MHD_add_response_header(r, "Allow", allow);
  if (res->status == 401)
    MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
  otel_mhd_add_trace_header(&req->tel, r);
  if (atomic_load(&req->server->stopping))
    MHD_add_response_header(r, "Connection", "close");
  req->status = res->status;
  req->answered = true;
  enum MHD_Result ret = MHD_queue_response(req->conn, res->status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result send_error(svc_request_t *req, unsigned status, const char *detail,
                                  const char *allow) {
  svc_response_t res = {0};
  svc_error(&res, status, detail, NULL);
  return send_response(req, &res, allow);
}

/* --- the request's life --- */

static bool is_json(const char *type) {
  if (!type)
    return false;
  while (*type == ' ')
    type++;
  size_t n = strcspn(type, "; ");
  return n == 16 && !strncasecmp(type, "application/json", 16);
}

/* Whether the client waits for a go-ahead before it sends the body. */
static bool expects_continue(struct MHD_Connection *c) {
  const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "expect");
  return expect && !strcasecmp(expect, "100-continue");
}

/* Whether value is "Bearer <token>", token compared in constant time: how
 * long the comparison takes tells nothing of how much of it matched. */
static bool bearer_matches(const char *value, const char *token) {
  if (!value || strncasecmp(value, "Bearer ", 7))
    return false;
  const char *given = value + 7;
  size_t n = strlen(token), m = strlen(given);
  unsigned char diff = n != m;
  for (size_t i = 0; i < n; i++)
    diff |= (unsigned char)(token[i] ^ (i < m ? given[i] : 0));
  return diff == 0;
}

/* The headers are in: start the span, find the route. A refusal is sent when
 * the body has been read and dropped, so the connection stays alive and the
 * client reads the answer; only a client that waits for a go-ahead before an
 * oversize body is refused at once, since it sends nothing more. */
static enum MHD_Result on_headers(svc_request_t *req, const char *method, const char *version) {
  req->started = true;
  snprintf(req->method, sizeof(req->method), "%s", method);
  otel_mhd_begin(&req->tel, req->conn, method, req->uri, version);

  const char *path = req->uri ? req->uri : "/";
  char path_only[2048];
  snprintf(path_only, sizeof(path_only), "%.*s", (int)strcspn(path, "?"), path);
  req->route =
      route_find(&req->server->cfg, method, path_only, &req->id, &req->refused, req->allow);
  if (!req->route)
    return MHD_YES;
  otel_mhd_set_route(&req->tel, method, req->route->path);

  const char *token = req->server->cfg.token;
  if ((req->route->flags & SVC_AUTH) && token &&
      !bearer_matches(MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "authorization"),
                      token)) {
    req->refused = 401;
    return MHD_YES;
  }

  if ((req->route->flags & SVC_JSON_BODY) &&
      !is_json(MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "content-type"))) {
    req->refused = 415;
    return MHD_YES;
  }
  const char *length = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "content-length");
  if (length && strtoull(length, NULL, 10) > req->server->cfg.max_body) {
    if (expects_continue(req->conn))
      return send_error(req, 413, "Request Entity Too Large", NULL);
    req->refused = 413;
  }
  return MHD_YES;
}

static enum MHD_Result send_refusal(svc_request_t *req) {
  switch (req->refused) {
  case 401:
    return send_error(req, 401, "Unauthorized", NULL);
  case 405:
    return send_error(req, 405, "Method Not Allowed", req->allow);
  case 413:
    return send_error(req, 413, "Request Entity Too Large", NULL);
  case 415:
    return send_error(req, 415, "Unsupported Media Type", NULL);
  default:
    return send_error(req, 404, "Not Found", NULL);
  }
}

static unsigned ms_since(const struct timespec *t) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (unsigned)((now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000);
}

/* A refused body is dropped as it comes, within the drain's bounds; past
 * them the answer goes at once and the connection closes after it. */
static enum MHD_Result drain(svc_request_t *req, size_t n) {
  req->drained += n;
  if (req->drained > DRAIN_MAX_BYTES || ms_since(&req->began) > DRAIN_MAX_MS)
    return send_refusal(req);
  return MHD_YES;
}

static enum MHD_Result on_body(svc_request_t *req, const char *data, size_t n) {
  if (req->answered)
    return MHD_YES;
  if (req->refused)
    return drain(req, n);
  if (req->len + n > req->server->cfg.max_body) { /* chunked bodies have no length */
    free(req->body);
    req->body = NULL;
    req->len = 0;
    req->refused = 413;
    return drain(req, n);
  }
  char *grown = realloc(req->body, req->len + n + 1);
  if (!grown)
    return send_error(req, 500, "Internal Server Error", NULL);
  memcpy(grown + req->len, data, n);
  req->body = grown;
  req->len += n;
  return MHD_YES;
}

static enum MHD_Result run_handler(svc_request_t *req) {
  svc_response_t res = {.status = 200};
  otel_mhd_enter(&req->tel);
  req->route->handler(req, &res);
  otel_mhd_leave(&req->tel);
  return send_response(req, &res, NULL);
}

/* A blocking route's handler, on a worker thread while its connection is
 * suspended (a response may be queued then); resuming hands the request
 * back to the server's thread, so nothing here touches req after that. */
static void run_blocking(svc_job_t *job, bool cancelled) {
  svc_request_t *req = (svc_request_t *)((char *)job - offsetof(svc_request_t, job));
  struct MHD_Connection *conn = req->conn;
  if (cancelled) /* the server stopped before a worker was free */
    send_error(req, 503, "Service Unavailable", NULL);
  else
    run_handler(req);
  MHD_resume_connection(conn);
}

static enum MHD_Result on_complete(svc_request_t *req) {
  if (req->answered)
    return MHD_YES;
  if (req->refused)
    return send_refusal(req);
  if (!(req->route->flags & SVC_BLOCKING))
    return run_handler(req);
  MHD_suspend_connection(req->conn);
  req->job.run = run_blocking;
  svc_workers_submit(req->server->workers, &req->job);
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls) {
  (void)cls, (void)url;
  svc_request_t *req = *con_cls;
  if (!req)
    return MHD_NO;
  req->conn = c;
  if (!req->started)
    return on_headers(req, method, version);
  if (*data_size) {
    enum MHD_Result ret = on_body(req, data, *data_size);
    *data_size = 0;
    return ret;
  }
  return on_complete(req); /* answered only now, so the connection stays alive */
}

/* Called first for each request, with its raw target (path and query). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  svc_http_t *s = cls;
  svc_request_t *req = calloc(1, sizeof(*req));
  if (!req)
    return NULL;
  req->server = s;
  req->conn = c;
  req->uri = strdup(uri ? uri : "/");
  clock_gettime(CLOCK_MONOTONIC, &req->began);
  atomic_fetch_add(&s->active, 1);
  return req;
}

static void access_log(svc_request_t *req) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double ms = (double)(now.tv_sec - req->began.tv_sec) * 1e3 +
              (double)(now.tv_nsec - req->began.tv_nsec) / 1e6;
  const char *path = req->uri ? req->uri : "";
  char redacted[2048];
  if (otel_url_needs_redaction(path))
    path = otel_url_redact(path, redacted, sizeof(redacted));
  char message[2304];
  snprintf(message, sizeof(message), "%s %s %u", req->method, path, req->status);
  otel_attr_t fields[] = {
      OTEL_ATTR_STR("method", req->method),
      OTEL_ATTR_STR("path", path),
      OTEL_ATTR_INT("status_code", req->status),
      OTEL_ATTR_DOUBLE("duration_ms", (double)(int64_t)(ms * 1000) / 1000),
  };
  otel_mhd_enter(&req->tel);
  otel_log(req->status >= 500 ? OTEL_SEVERITY_ERROR : OTEL_SEVERITY_INFO, req->server->cfg.log_name,
           message, fields, 4);
  otel_mhd_leave(&req->tel);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
  (void)c, (void)code;
  svc_http_t *s = cls;
  svc_request_t *req = *con_cls;
  if (!req)
    return;
  if (req->started)
    access_log(req);
  otel_mhd_end(&req->tel, req->status);
  free(req->body);
  free(req->uri);
  free(req);
  *con_cls = NULL;
  atomic_fetch_sub(&s->active, 1);
}

/* --- the server --- */

static bool parse_address(const char *host, unsigned port, struct sockaddr_storage *out,
                          bool *ipv6) {
  memset(out, 0, sizeof(*out));
  struct sockaddr_in *v4 = (struct sockaddr_in *)out;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    *ipv6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    *ipv6 = true;
    return true;
  }
  return false;
}

svc_http_t *svc_http_start(const svc_http_config_t *cfg) {
  struct sockaddr_storage addr;
  bool ipv6;
  if (!parse_address(cfg->host, cfg->port, &addr, &ipv6)) {
    otel_log(OTEL_SEVERITY_ERROR, cfg->log_name, "HOST is not an IP address",
             &OTEL_ATTR_STR("host", cfg->host), 1);
    return NULL;
  }
  svc_http_t *s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  s->cfg = *cfg;
  if (!(s->workers = svc_workers_start(cfg->workers))) {
    otel_log(OTEL_SEVERITY_ERROR, cfg->log_name, "cannot start the worker threads", NULL, 0);
    free(s);
    return NULL;
  }
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
                   (ipv6 ? MHD_USE_IPv6 : 0);
  s->daemon = MHD_start_daemon(
      flags, (uint16_t)cfg->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &addr,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned)CONNECTION_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_client,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_URI_LOG_CALLBACK,
      on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
  if (!s->daemon) {
    otel_log(OTEL_SEVERITY_ERROR, cfg->log_name, "cannot listen",
             (otel_attr_t[]){OTEL_ATTR_STR("host", cfg->host), OTEL_ATTR_INT("port", cfg->port)},
             2);
    svc_workers_free(s->workers);
    free(s);
    return NULL;
  }
  return s;
}

/* Waits until no request is in flight, or timeout_ms passed. */
static void wait_idle(svc_http_t *s, unsigned timeout_ms) {
  for (unsigned waited = 0; atomic_load(&s->active) > 0 && waited < timeout_ms; waited += 10)
    nanosleep(&(struct timespec){0, 10000000}, NULL);
}

void svc_http_stop(svc_http_t *s, unsigned timeout_ms) {
  if (!s)
    return;
  atomic_store(&s->stopping, true);
  MHD_socket listener = MHD_quiesce_daemon(s->daemon); /* no new connections */
  if (listener != MHD_INVALID_SOCKET)
    close(listener);
  wait_idle(s, timeout_ms);
  /* Jobs still queued are answered 503; a running one is let finish. Every
   * connection the workers held is resumed then, and its answer goes out on
   * a server thread: let those finish too, briefly, before the daemon stops.
   * Until it has, a kept-alive connection may still bring a request for the
   * pool, which answers it 503 at once: the pool is freed only after. */
  svc_workers_stop(s->workers);
  wait_idle(s, SENDING_TIMEOUT_MS);
  MHD_stop_daemon(s->daemon);
  svc_workers_free(s->workers);
  free(s);
}

int64_t svc_request_id(const svc_request_t *req) { return req->id; }

const char *svc_request_query(const svc_request_t *req, const char *name) {
  return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

typedef struct {
  const char *name;
  const char *first;
  size_t lines;
} header_lines_t;

static enum MHD_Result count_line(void *ud, enum MHD_ValueKind kind, const char *key,
                                  const char *value) {
  (void)kind;
  header_lines_t *h = ud;
  if (strcasecmp(key, h->name) == 0 && h->lines++ == 0)
    h->first = value;
  return MHD_YES;
}

const char *svc_request_header(const svc_request_t *req, const char *name, size_t *lines) {
  header_lines_t h = {name, NULL, 0};
  MHD_get_connection_values(req->conn, MHD_HEADER_KIND, count_line, &h);
  *lines = h.lines;
  return h.first;
}

const char *svc_request_body(const svc_request_t *req, size_t *len) {
  *len = req->len;
  return req->body ? req->body : "";
}
