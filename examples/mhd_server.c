/*
 * libotel-mhd: a libmicrohttpd server whose every request is a SERVER span
 * (otel/mhd.h), with the trace context of the caller continued and the
 * trace id sent back in X-Trace-Id. Serves GET /hello on 127.0.0.1:PORT
 * (argv[1]; 8090 if none) until it has answered COUNT requests (argv[2]; 1).
 * Try it with OTEL_TRACES_EXPORTER=console. Uses only the installed public
 * headers:
 *
 *   cc mhd_server.c $(pkg-config --cflags --libs libotel-mhd)
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <otel/mhd.h>
#include <otel/otel.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_int answered;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *body,
                                  size_t *body_size, void **con_cls) {
  (void)cls, (void)body, (void)body_size;
  otel_mhd_request_t *r = *con_cls;
  if (!r) { /* the first call, on the headers: the span starts here */
    if (!(r = calloc(1, sizeof(*r))))
      return MHD_NO;
    *con_cls = r;
    otel_mhd_begin(r, c, method, url, version);
    if (!strcmp(url, "/hello")) /* the route served; any other path has none: 404 */
      otel_mhd_set_route(r, method, "/hello");
    return MHD_YES; /* answering on a later call keeps the connection alive */
  }
  unsigned status = strcmp(url, "/hello") ? MHD_HTTP_NOT_FOUND : MHD_HTTP_OK;
  const char *text = status == MHD_HTTP_OK ? "hello\n" : "not found\n";
  otel_mhd_enter(r); /* spans started here would be the request's children */
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
  otel_mhd_add_trace_header(r, resp);
  enum MHD_Result ok = MHD_queue_response(c, status, resp);
  MHD_destroy_response(resp);
  otel_mhd_leave(r);
  otel_mhd_end(r, status);
  return ok;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
  (void)cls, (void)c, (void)code;
  otel_mhd_request_t *r = *con_cls;
  if (r) {
    otel_mhd_end(r, 0); /* a request that ended without an answer; else a no-op */
    free(r);
    atomic_fetch_add(&answered, 1);
  }
}

int main(int argc, char **argv) {
  unsigned short port = (unsigned short)(argc > 1 ? atoi(argv[1]) : 8090);
  int count = argc > 2 ? atoi(argv[2]) : 1;
  otel_init("mhd-server-example");
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, port, NULL, NULL, on_request, NULL,
      MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
  if (!d)
    return 1;
  while (atomic_load(&answered) < count)
    usleep(10000);
  MHD_stop_daemon(d);
  return otel_shutdown(5000) ? 1 : 0;
}
