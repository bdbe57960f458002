/*
 * The HTTP server both services run: libmicrohttpd with a thread pool, a
 * route table, bodies read incrementally under a size cap, JSON responses
 * and errors as docs/api.md writes them, one access log line per request,
 * and a SERVER span per request through libotel.
 *
 * A request's data path: the route is matched once the headers are in (404,
 * 405 with Allow, 415 and 413 are answered here), the body is collected, and
 * when it is complete the handler runs with the request's span current. The
 * handler fills a response; this file sends it.
 *
 * The server's threads are few (one per core serves a short handler best), so
 * a handler that waits on something slow runs on a worker thread instead,
 * with its connection suspended meanwhile: the route says which.
 */
#ifndef SVC_HTTP_H
#define SVC_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct svc_request svc_request_t;

typedef struct svc_response {
  unsigned status;
  json_t *body;       /* taken: sent compact and released; NULL for no body */
  char location[128]; /* a Location header when not empty */
} svc_response_t;

typedef void (*svc_handler_fn)(svc_request_t *req, svc_response_t *res);

/* What a route asks of the server. */
enum {
  SVC_JSON_BODY = 1, /* the request must carry a JSON body (415 otherwise) */
  SVC_BLOCKING = 2,  /* the handler waits on something slow (a commit, another
                        service): it runs on a worker thread */
  SVC_AUTH = 4,      /* with a token configured, the request must carry it */
};

/* A route: method and path template, where "{id}" matches a positive decimal
 * int64 (anything else there is 404, as for an unknown path). */
typedef struct svc_route {
  const char *method;
  const char *path;
  svc_handler_fn handler;
  unsigned flags; /* SVC_JSON_BODY, SVC_BLOCKING, SVC_AUTH */
} svc_route_t;

typedef struct svc_http_config {
  const char *host;
  unsigned port;
  unsigned threads;    /* the server's, each serving its share of the connections */
  unsigned workers;    /* for the blocking routes */
  size_t max_body;     /* larger bodies get 413 (and are never stored) */
  unsigned per_client; /* connections one client address may hold at once */
  const svc_route_t *routes;
  size_t n_routes;
  const char *log_name; /* the access log's logger name */
  const char *token;    /* SVC_AUTH routes need "Authorization: Bearer <token>"
                           (401 otherwise); NULL: nothing is required */
} svc_http_config_t;

typedef struct svc_http svc_http_t;

/* Starts listening; NULL (with a log line) when the port cannot be bound. */
svc_http_t *svc_http_start(const svc_http_config_t *cfg);

/* Stops accepting connections, lets requests in flight finish (waiting at most
 * timeout_ms), then stops the server's threads and frees it. */
void svc_http_stop(svc_http_t *s, unsigned timeout_ms);

/* --- For handlers --- */

/* The {id} of the matched route. */
int64_t svc_request_id(const svc_request_t *req);
/* A query parameter, or NULL. Borrowed. */
const char *svc_request_query(const svc_request_t *req, const char *name);
/* A request header's first field line (borrowed), or NULL; *lines says how
 * many lines named name (in any case) the request carried. */
const char *svc_request_header(const svc_request_t *req, const char *name, size_t *lines);
/* The request body (not NUL-terminated) and its length. Borrowed. */
const char *svc_request_body(const svc_request_t *req, size_t *len);

/* Fills res with the error body of docs/api.md {"status_code","detail"[,"extra"]};
 * extra is taken (may be NULL). */
void svc_error(svc_response_t *res, unsigned status, const char *detail, json_t *extra);

/* One validation problem for an error's "extra" list. */
json_t *svc_problem(const char *message, const char *key, const char *source);

#endif
