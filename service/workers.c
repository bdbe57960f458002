/* The worker pool: one mutex-guarded FIFO of jobs, threads waiting on it. */
#include "workers.h"

#include <pthread.h>
#include <stdlib.h>

struct svc_workers {
  pthread_mutex_t lock;
  pthread_cond_t ready; /* a job was queued, or the pool is stopping */
  svc_job_t *head, *tail;
  bool stopping;
  unsigned n_threads;
  pthread_t threads[];
};

/* The next job, or NULL once the pool is stopping. Called locked. */
static svc_job_t *take(svc_workers_t *w) {
  while (!w->head && !w->stopping)
    pthread_cond_wait(&w->ready, &w->lock);
  if (w->stopping)
    return NULL;
  svc_job_t *job = w->head;
  w->head = job->next;
  if (!w->head)
    w->tail = NULL;
  return job;
}

static void *work(void *arg) {
  svc_workers_t *w = arg;
  pthread_mutex_lock(&w->lock);
  for (svc_job_t *job; (job = take(w));) {
    pthread_mutex_unlock(&w->lock);
    job->run(job, false);
    pthread_mutex_lock(&w->lock);
  }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

svc_workers_t *svc_workers_start(unsigned threads) {
  svc_workers_t *w = calloc(1, sizeof(*w) + threads * sizeof(pthread_t));
  if (!w)
    return NULL;
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->ready, NULL);
  for (; w->n_threads < threads; w->n_threads++) {
    if (pthread_create(&w->threads[w->n_threads], NULL, work, w)) {
      svc_workers_free(w);
      return NULL;
    }
  }
  return w;
}

void svc_workers_submit(svc_workers_t *w, svc_job_t *job) {
  job->next = NULL;
  pthread_mutex_lock(&w->lock);
  bool stopping = w->stopping;
  if (!stopping) {
    if (w->tail)
      w->tail->next = job;
    else
      w->head = job;
    w->tail = job;
    pthread_cond_signal(&w->ready);
  }
  pthread_mutex_unlock(&w->lock);
  if (stopping)
    job->run(job, true);
}

void svc_workers_stop(svc_workers_t *w) {
  if (!w)
    return;
  pthread_mutex_lock(&w->lock);
  if (w->stopping) { /* stopped already */
    pthread_mutex_unlock(&w->lock);
    return;
  }
  w->stopping = true;
  svc_job_t *left = w->head;
  w->head = w->tail = NULL;
  pthread_cond_broadcast(&w->ready);
  pthread_mutex_unlock(&w->lock);
  for (unsigned i = 0; i < w->n_threads; i++)
    pthread_join(w->threads[i], NULL);
  while (left) {
    svc_job_t *job = left;
    left = job->next;
    job->run(job, true);
  }
}

void svc_workers_free(svc_workers_t *w) {
  if (!w)
    return;
  svc_workers_stop(w);
  pthread_cond_destroy(&w->ready);
  pthread_mutex_destroy(&w->lock);
  free(w);
}
