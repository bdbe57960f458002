/*
 * The floor under make bench's HTTP figures: a bare libmicrohttpd server,
 * configured as the services' (a thread per core, the same connection
 * buffer), answering every request with a fixed JSON body once the request
 * is complete, so connections stay alive. No routing, no telemetry, no log.
 *
 *   bare_http PORT      serves on 127.0.0.1:PORT until SIGTERM or SIGINT
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BODY "{\"status\":\"ok\"}"

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **con_cls) {
  (void)cls, (void)url, (void)method, (void)version, (void)data;
  static int began;
  if (!*con_cls) { /* the headers are in: answer when the request is complete */
    *con_cls = &began;
    return MHD_YES;
  }
  if (*data_size) {
    *data_size = 0;
    return MHD_YES;
  }
  struct MHD_Response *r =
      MHD_create_response_from_buffer(sizeof(BODY) - 1, (void *)BODY, MHD_RESPMEM_PERSISTENT);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

int main(int argc, char **argv) {
  long port = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
  if (port < 1 || port > 65535) {
    fprintf(stderr, "usage: bare_http PORT\n");
    return 2;
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the server's threads inherit it */
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, (uint16_t)port, NULL, NULL, answer, NULL,
      MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cores > 0 ? cores : 1),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "bare_http: cannot listen on port %ld\n", port);
    return 1;
  }
  printf("bare_http: listening on %ld\n", port);
  fflush(stdout);
  int sig;
  sigwait(&stop, &sig);
  MHD_stop_daemon(d);
  return 0;
}
