/* The services' worker pool: every job runs once, on a worker, in order; stopping
 * lets running jobs finish and cancels the queued ones and any submitted later. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "test.h"
#include "workers.h"

typedef struct {
  svc_job_t job;
  int index;
  atomic_bool started;
  atomic_int runs;
  atomic_bool cancelled;
  pthread_t thread;      /* where it ran */
  atomic_bool *wait_for; /* when set, run waits until *wait_for is true */
} job_t;

static int order[10000];
static atomic_int finished;

static void run(svc_job_t *j, bool cancelled) {
  job_t *job = (job_t *)j;
  atomic_store(&job->started, true);
  while (job->wait_for && !atomic_load(job->wait_for))
    nanosleep(&(struct timespec){0, 1000000}, NULL);
  job->thread = pthread_self();
  atomic_store(&job->cancelled, cancelled);
  atomic_fetch_add(&job->runs, 1);
  order[atomic_fetch_add(&finished, 1)] = job->index;
}

static job_t *jobs_new(int n) {
  job_t *jobs = calloc((size_t)n, sizeof(*jobs));
  for (int i = 0; i < n; i++) {
    jobs[i].job.run = run;
    jobs[i].index = i;
  }
  atomic_store(&finished, 0);
  return jobs;
}

static void wait_finished(int n) {
  for (int i = 0; i < 5000 && atomic_load(&finished) < n; i++)
    nanosleep(&(struct timespec){0, 1000000}, NULL);
}

TEST(one_worker_runs_jobs_in_order) {
  job_t *jobs = jobs_new(1000);
  svc_workers_t *w = svc_workers_start(1);
  CHECK(w != NULL);
  for (int i = 0; i < 1000; i++)
    svc_workers_submit(w, &jobs[i].job);
  wait_finished(1000);
  svc_workers_free(w);
  CHECK_INT(atomic_load(&finished), 1000);
  for (int i = 0; i < 1000; i++) {
    CHECK_INT(order[i], i);
    CHECK(!atomic_load(&jobs[i].cancelled));
    CHECK(!pthread_equal(jobs[i].thread, pthread_self()));
  }
  free(jobs);
}

TEST(many_workers_run_every_job_once) {
  enum { N = 10000 };
  job_t *jobs = jobs_new(N);
  svc_workers_t *w = svc_workers_start(4);
  for (int i = 0; i < N; i++)
    svc_workers_submit(w, &jobs[i].job);
  wait_finished(N);
  svc_workers_free(w);
  for (int i = 0; i < N; i++) {
    CHECK_INT(atomic_load(&jobs[i].runs), 1);
    CHECK(!atomic_load(&jobs[i].cancelled));
  }
  free(jobs);
}

static void *stop_pool(void *w) {
  svc_workers_stop(w);
  return NULL;
}

/* One worker busy with job 0, job 1 queued, then a stop: job 0 finishes, job 1
 * and whatever is submitted from then on run cancelled. The test knows the
 * stop has begun when a submitted job runs at once on its own thread. */
TEST(stop_finishes_running_jobs_and_cancels_the_rest) {
  enum { N = 5000 };
  atomic_bool release = false;
  job_t *jobs = jobs_new(N);
  jobs[0].wait_for = &release;
  svc_workers_t *w = svc_workers_start(1);
  svc_workers_submit(w, &jobs[0].job);
  svc_workers_submit(w, &jobs[1].job);
  for (int i = 0; i < 5000 && !atomic_load(&jobs[0].started); i++)
    nanosleep(&(struct timespec){0, 1000000}, NULL);
  pthread_t stopper;
  pthread_create(&stopper, NULL, stop_pool, w);
  int probe = 2;
  for (; probe < N; probe++) {
    svc_workers_submit(w, &jobs[probe].job);
    if (atomic_load(&jobs[probe].runs))
      break; /* ran inline: the pool is stopping */
    nanosleep(&(struct timespec){0, 1000000}, NULL);
  }
  CHECK(probe < N);
  CHECK(atomic_load(&jobs[probe].cancelled));
  CHECK(pthread_equal(jobs[probe].thread, pthread_self()));
  atomic_store(&release, true);
  pthread_join(stopper, NULL);
  CHECK_INT(atomic_load(&jobs[0].runs), 1);
  CHECK(!atomic_load(&jobs[0].cancelled));
  for (int i = 1; i <= probe; i++) {
    CHECK_INT(atomic_load(&jobs[i].runs), 1);
    CHECK(atomic_load(&jobs[i].cancelled));
  }
  svc_workers_free(w);
  free(jobs);
}

/* The server goes on submitting after the stop, until its own threads have
 * stopped: the stopped pool answers each job cancelled, at once, and only
 * svc_workers_free ends it (before, the stop freed it: a use after free). */
TEST(a_stopped_pool_cancels_what_comes_until_it_is_freed) {
  job_t *jobs = jobs_new(3);
  svc_workers_t *w = svc_workers_start(2);
  svc_workers_submit(w, &jobs[0].job);
  wait_finished(1);
  svc_workers_stop(w);
  svc_workers_stop(w); /* a second stop changes nothing */
  svc_workers_submit(w, &jobs[1].job);
  svc_workers_submit(w, &jobs[2].job);
  CHECK_INT(atomic_load(&jobs[0].runs), 1);
  CHECK(!atomic_load(&jobs[0].cancelled));
  for (int i = 1; i < 3; i++) {
    CHECK_INT(atomic_load(&jobs[i].runs), 1);
    CHECK(atomic_load(&jobs[i].cancelled));
    CHECK(pthread_equal(jobs[i].thread, pthread_self()));
  }
  svc_workers_free(w);
  free(jobs);
}

TEST_MAIN("workers", TEST_CASE(one_worker_runs_jobs_in_order),
          TEST_CASE(many_workers_run_every_job_once),
          TEST_CASE(stop_finishes_running_jobs_and_cancels_the_rest),
          TEST_CASE(a_stopped_pool_cancels_what_comes_until_it_is_freed))
