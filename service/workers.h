/*
 * A fixed pool of threads running jobs in the order they were queued. The
 * HTTP server hands it the handlers that wait on slow things (a write's
 * commit, a call to another service), so that its own few threads go on
 * serving the other connections meanwhile.
 */
#ifndef SVC_WORKERS_H
#define SVC_WORKERS_H

#include <stdbool.h>

/* A job, owned by the caller and linked into the queue without allocating.
 * run is called once, on a worker thread; cancelled is true when the pool
 * was stopping before the job started (answer without doing the work). */
typedef struct svc_job {
  struct svc_job *next;
  void (*run)(struct svc_job *job, bool cancelled);
} svc_job_t;

typedef struct svc_workers svc_workers_t;

/* Starts the threads; NULL when they cannot be created. */
svc_workers_t *svc_workers_start(unsigned threads);

/* Queues job; once the pool is stopping, runs it at once, cancelled, on the
 * calling thread. */
void svc_workers_submit(svc_workers_t *w, svc_job_t *job);

/* Lets the running jobs finish, runs the queued ones cancelled and joins the
 * threads. The pool stays, stopping: a job submitted from then on runs
 * cancelled at once, so the server may go on submitting until it stops. */
void svc_workers_stop(svc_workers_t *w);

/* Stops the pool if it is not stopped, and frees it: once nothing can
 * submit to it any more. */
void svc_workers_free(svc_workers_t *w);

#endif
