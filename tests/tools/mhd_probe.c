/*
 * mhd_probe: a libmicrohttpd server instrumented through otel/mhd.h, for the
 * suites that check what the integration records and what a client sent.
 *
 *   mhd_probe PORT COUNT [CERT KEY]
 *
 * Serves 127.0.0.1:PORT (over TLS with the PEM files CERT and KEY) until it
 * has answered COUNT requests, then shuts the SDK down. GET /probe is the
 * route "/probe" and answers 200; any other path answers 404 with no route.
 * Prints "listening" once it serves, and for each request "request METHOD
 * PATH" then a "header NAME: VALUE" line per request header.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <otel/mhd.h>
#include <otel/otel.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_int answered;

static enum MHD_Result print_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
  (void)cls, (void)kind;
  printf("header %s: %s\n", key, value ? value : "");
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *body,
                                  size_t *body_size, void **con_cls) {
  (void)cls, (void)body, (void)body_size;
  otel_mhd_request_t *r = *con_cls;
  if (!r) {
    if (!(r = calloc(1, sizeof(*r))))
      return MHD_NO;
    *con_cls = r;
    otel_mhd_begin(r, c, method, url, version);
    if (!strcmp(url, "/probe"))
      otel_mhd_set_route(r, method, "/probe");
    return MHD_YES;
  }
  printf("request %s %s\n", method, url);
  MHD_get_connection_values(c, MHD_HEADER_KIND, print_header, NULL);
  fflush(stdout);
  unsigned status = strcmp(url, "/probe") ? MHD_HTTP_NOT_FOUND : MHD_HTTP_OK;
  struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
  otel_mhd_add_trace_header(r, resp);
  enum MHD_Result ok = MHD_queue_response(c, status, resp);
  MHD_destroy_response(resp);
  otel_mhd_end(r, status);
  return ok;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
  (void)cls, (void)c, (void)code;
  otel_mhd_request_t *r = *con_cls;
  if (r) {
    otel_mhd_end(r, 0);
    free(r);
    atomic_fetch_add(&answered, 1);
  }
}

/* The whole of a file, NUL-terminated; NULL when it cannot be read. */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *text = calloc(1, 65536);
  size_t n = text ? fread(text, 1, 65535, f) : 0;
  fclose(f);
  if (text && !n) {
    free(text);
    return NULL;
  }
  return text;
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 5) {
    fprintf(stderr, "usage: %s PORT COUNT [CERT KEY]\n", argv[0]);
    return 2;
  }
  unsigned short port = (unsigned short)atoi(argv[1]);
  int count = atoi(argv[2]);
  char *cert = argc == 5 ? slurp(argv[3]) : NULL, *key = argc == 5 ? slurp(argv[4]) : NULL;
  if (argc == 5 && (!cert || !key)) {
    fprintf(stderr, "mhd_probe: cannot read %s or %s\n", argv[3], argv[4]);
    return 2;
  }
  otel_init("mhd-probe");
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | (cert ? MHD_USE_TLS : 0);
  struct MHD_Daemon *d =
      cert
          ? MHD_start_daemon(flags, port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &addr,
                             MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                             MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
                             MHD_OPTION_END)
          : MHD_start_daemon(flags, port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &addr,
                             MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "mhd_probe: cannot serve port %u\n", (unsigned)port);
    return 1;
  }
  printf("listening\n");
  fflush(stdout);
  while (atomic_load(&answered) < count)
    usleep(10000);
  MHD_stop_daemon(d);
  free(cert);
  free(key);
  return otel_shutdown(5000) ? 1 : 0;
}
