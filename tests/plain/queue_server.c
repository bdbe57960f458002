/*
 * queue_server: a libmicrohttpd server that hands its database work to a
 * thread of its own through a queue, as many programs do; no telemetry of
 * its own but <otel/instrument.h>'s handoff, on one route.
 *
 *   queue_server PORT DATABASE_URL
 *
 *   GET /direct/{n}   SELECT n in the access handler
 *   GET /queued/{n}   SELECT n on the worker thread, the handler waiting
 *   GET /handed/{n}   the same, the context handed over with the job
 *
 * Answers {"n":N}. Serves 127.0.0.1:PORT until SIGTERM.
 */
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <otel/instrument.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct job {
  const char *n;
  long result;
  bool done;
  bool handed;
  otel_handoff_t handoff;
  struct job *next;
} job_t;

static const char *database_url;
static PGconn *direct_db; /* the daemon's one thread's */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queued = PTHREAD_COND_INITIALIZER, finished = PTHREAD_COND_INITIALIZER;
static job_t *head, **tail = &head;

static long select_n(PGconn *db, const char *n) {
  const char *values[] = {n};
  PGresult *r = PQexecParams(db, "SELECT $1::int AS n", 1, NULL, values, NULL, NULL, 0);
  long result = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;
  PQclear(r);
  return result;
}

static void *worker(void *unused) {
  (void)unused;
  PGconn *db = PQconnectdb(database_url);
  for (;;) {
    pthread_mutex_lock(&lock);
    while (!head)
      pthread_cond_wait(&queued, &lock);
    job_t *job = head;
    if (!(head = job->next))
      tail = &head;
    pthread_mutex_unlock(&lock);
    if (job->handed)
      otel_handoff_enter(&job->handoff);
    long result = select_n(db, job->n);
    if (job->handed)
      otel_handoff_leave(&job->handoff);
    pthread_mutex_lock(&lock);
    job->result = result;
    job->done = true;
    pthread_cond_broadcast(&finished);
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

/* The job's result, once the worker has run it. */
static long through_the_queue(const char *n, bool handed) {
  job_t job = {.n = n, .handed = handed};
  if (handed)
    job.handoff = otel_handoff_capture();
  pthread_mutex_lock(&lock);
  *tail = &job;
  tail = &job.next;
  pthread_cond_signal(&queued);
  while (!job.done)
    pthread_cond_wait(&finished, &lock);
  pthread_mutex_unlock(&lock);
  return job.result;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **state) {
  (void)cls, (void)method, (void)version, (void)data, (void)size;
  if (!*state) {
    *state = c;
    return MHD_YES;
  }
  long n = -1;
  if (!strncmp(url, "/direct/", 8)) {
    if (!direct_db)
      direct_db = PQconnectdb(database_url);
    n = select_n(direct_db, url + 8);
  } else if (!strncmp(url, "/queued/", 8)) {
    n = through_the_queue(url + 8, false);
  } else if (!strncmp(url, "/handed/", 8)) {
    n = through_the_queue(url + 8, true);
  }
  char text[64];
  snprintf(text, sizeof(text), "{\"n\":%ld}", n);
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_COPY);
  enum MHD_Result ok = MHD_queue_response(c, n < 0 ? MHD_HTTP_NOT_FOUND : MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ok;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PORT DATABASE_URL\n", argv[0]);
    return 2;
  }
  database_url = argv[2];
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  pthread_t thread;
  pthread_create(&thread, NULL, worker, NULL);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct MHD_Daemon *d =
      MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL, on_request,
                       NULL, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END);
  if (!d)
    return 1;
  printf("listening\n");
  fflush(stdout);
  int sig;
  sigwait(&stop, &sig);
  MHD_stop_daemon(d);
  PQfinish(direct_db);
  return 0;
}
