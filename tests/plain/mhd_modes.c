/*
 * mhd_modes: a libmicrohttpd server with no telemetry of its own, in one of
 * libmicrohttpd's threading modes, suspending and resuming connections.
 *
 *   mhd_modes PORT MODE    MODE: external (the program's own loop around
 *                          MHD_run_wait), polling (one internal thread),
 *                          pool (a pool of three), per-connection (a thread
 *                          per connection)
 *
 *   GET /now     answered at once
 *   GET /later   suspended, resumed 50 ms later by another thread, then
 *                answered (in per-connection mode, where libmicrohttpd
 *                cannot suspend, the handler waits the 50 ms itself)
 *
 * Each handler says what it answered through syslog(3) ("answered /now").
 * Serves 127.0.0.1:PORT until SIGTERM.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static volatile sig_atomic_t stopping;
static bool may_suspend;

static void on_term(int sig) {
  (void)sig;
  stopping = 1;
}

static void *resume_later(void *connection) {
  nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
  MHD_resume_connection(connection);
  return NULL;
}

static enum MHD_Result answer(struct MHD_Connection *c, const char *text) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
  enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **state) {
  (void)cls, (void)method, (void)version, (void)data, (void)size;
  static int headers, suspended; /* two distinct addresses, as states */
  if (!*state) {
    *state = &headers;
    return MHD_YES;
  }
  if (!strcmp(url, "/later")) {
    if (*state == &headers && may_suspend) {
      *state = &suspended;
      MHD_suspend_connection(c);
      pthread_t t;
      pthread_create(&t, NULL, resume_later, c);
      pthread_detach(t);
      return MHD_YES;
    }
    if (*state == &headers)
      nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
    syslog(LOG_INFO, "answered %s", url);
    return answer(c, "later");
  }
  syslog(LOG_INFO, "answered %s", url);
  return answer(c, "now");
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PORT external|polling|pool|per-connection\n", argv[0]);
    return 2;
  }
  const char *mode = argv[2];
  unsigned flags = 0, pool = 0;
  if (!strcmp(mode, "polling")) {
    flags |= MHD_USE_INTERNAL_POLLING_THREAD;
  } else if (!strcmp(mode, "pool")) {
    flags |= MHD_USE_INTERNAL_POLLING_THREAD;
    pool = 3;
  } else if (!strcmp(mode, "per-connection")) {
    flags |= MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
  } else if (strcmp(mode, "external")) {
    fprintf(stderr, "mhd_modes: unknown mode %s\n", mode);
    return 2;
  }
  may_suspend = !(flags & MHD_USE_THREAD_PER_CONNECTION);
  if (may_suspend)
    flags |= MHD_ALLOW_SUSPEND_RESUME;
  struct sigaction term = {.sa_handler = on_term};
  sigaction(SIGTERM, &term, NULL);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct MHD_Daemon *d =
      pool ? MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &addr,
                              MHD_OPTION_THREAD_POOL_SIZE, pool, MHD_OPTION_END)
           : MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &addr,
                              MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "mhd_modes: cannot start in mode %s\n", mode);
    return 1;
  }
  printf("listening\n");
  fflush(stdout);
  while (!stopping) {
    if (!strcmp(mode, "external"))
      MHD_run_wait(d, 100);
    else
      nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
  }
  MHD_stop_daemon(d);
  return 0;
}
