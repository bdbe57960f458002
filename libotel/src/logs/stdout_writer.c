/*
 * stdout from a writer thread (stdout_writer.h). Two buffers: callers append
 * to `fill` under `lock`; the writer swaps it with `spare` and writes it out
 * while callers go on filling the other. `out` is held by whoever is
 * writing to the file descriptor, so batches and direct writes never
 * interleave; it is taken before `lock`, never after.
 *
 * After each batch the writer lets lines gather for a moment (PAUSE_MS, or
 * until the buffer is half full) before it looks again. Callers signal it
 * only when it waits on an empty buffer or when they fill the buffer past
 * half during a pause: under load almost no line costs a system call. When
 * stdout is slower than the lines come, a caller waits on `space` for the
 * writer to empty a buffer: no line is ever dropped.
 */
#include "logs/stdout_writer.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "export/interrupt.h"

/* Per buffer: about 30 ms of access log lines at 20,000 requests a second. */
#define CAPACITY (256 * 1024)
#define PAUSE_MS 10

static struct {
  pthread_mutex_t lock, out;
  pthread_cond_t wake;  /* the writer waits on it while there is nothing to write */
  pthread_cond_t space; /* callers wait on it while fill has no room for their line */
  pthread_t thread;
  bool running, stopping;
  bool waiting;       /* the writer waits for a first line */
  bool pausing;       /* the writer lets lines gather after a batch */
  char *fill, *spare; /* spare: NULL while the writer writes it */
  size_t len;         /* bytes in fill */
} w = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .out = PTHREAD_MUTEX_INITIALIZER,
       .wake = PTHREAD_COND_INITIALIZER,
       .space = PTHREAD_COND_INITIALIZER};

/* Everything, unless stdout is gone (a closed pipe, a full disk): then the
 * rest is lost, as it would be from printf. */
static void write_all(const char *p, size_t n) {
  while (n) {
    ssize_t done = write(STDOUT_FILENO, p, n);
    if (done > 0) {
      p += done, n -= (size_t)done;
    } else if (done < 0 && errno == EAGAIN) { /* a non-blocking stdout */
      struct pollfd pfd = {.fd = STDOUT_FILENO, .events = POLLOUT};
      poll(&pfd, 1, 100);
    } else if (!(done < 0 && errno == EINTR)) {
      return;
    }
  }
}

static void *writer(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&w.lock);
    while (w.len == 0 && !w.stopping) {
      w.waiting = true;
      pthread_cond_wait(&w.wake, &w.lock);
    }
    w.waiting = false;
    if (w.len == 0) { /* stopping, and all written: later lines go direct */
      w.running = false;
      pthread_cond_broadcast(&w.space);
      pthread_mutex_unlock(&w.lock);
      return NULL;
    }
    pthread_mutex_unlock(&w.lock);

    pthread_mutex_lock(&w.out);
    pthread_mutex_lock(&w.lock);
    char *batch = w.fill;
    size_t n = w.len;
    w.fill = w.spare, w.spare = NULL, w.len = 0;
    pthread_cond_broadcast(&w.space);
    pthread_mutex_unlock(&w.lock);
    write_all(batch, n);
    pthread_mutex_lock(&w.lock);
    w.spare = batch;
    pthread_mutex_unlock(&w.out);
    uint64_t until = otel__deadline_after_ms(PAUSE_MS); /* let lines gather; stop cuts it short */
    w.pausing = true;
    while (!w.stopping && w.len < CAPACITY / 2 &&
           otel__cond_wait_until(&w.wake, &w.lock, until) == 0)
      ;
    w.pausing = false;
    pthread_mutex_unlock(&w.lock);
  }
}

/* w.wake waits on the monotonic clock; made once, and again after a fork. */
static bool wake_monotonic;

int otel__stdout_start(void) {
  pthread_mutex_lock(&w.lock);
  int rc = 0;
  if (!w.running && !w.stopping) { /* not started, or stopped and joined */
    if (!wake_monotonic && otel__cond_init_monotonic(&w.wake) == 0)
      wake_monotonic = true;
    w.fill = malloc(CAPACITY);
    w.spare = malloc(CAPACITY);
    if (!w.fill || !w.spare)
      rc = -ENOMEM;
    else if ((rc = -pthread_create(&w.thread, NULL, writer, NULL)) == 0)
      w.running = true;
    if (rc) {
      free(w.fill), free(w.spare);
      w.fill = w.spare = NULL;
    }
  }
  pthread_mutex_unlock(&w.lock);
  return rc;
}

/* Holding `out` means the writer is not in the middle of a batch, so both
 * buffers are in w (a fork waits for a write under way, as a line would). */
void otel__stdout_fork_prepare(void) {
  pthread_mutex_lock(&w.out);
  pthread_mutex_lock(&w.lock);
}

void otel__stdout_fork_after(bool child) {
  if (child) {
    /* The lines queued are the parent's, which its writer writes: here they
     * would be written twice. The writer did not follow: a new one. */
    w.len = 0;
    w.waiting = w.pausing = false;
    /* The condition variables still count the parent's waiters, which are
     * not here to wake: a signal would wait for them for ever. */
    pthread_cond_init(&w.space, NULL);
    if (!wake_monotonic || otel__cond_init_monotonic(&w.wake))
      pthread_cond_init(&w.wake, NULL);
    if (w.running && (w.stopping || pthread_create(&w.thread, NULL, writer, NULL)))
      w.running = w.stopping = false; /* lines are written by their callers */
  }
  pthread_mutex_unlock(&w.lock);
  pthread_mutex_unlock(&w.out);
}

void otel__stdout_stop(void) {
  pthread_mutex_lock(&w.lock);
  bool running = w.running && !w.stopping;
  w.stopping = true;
  pthread_cond_signal(&w.wake);
  pthread_mutex_unlock(&w.lock);
  if (!running)
    return;
  pthread_join(w.thread, NULL);
  pthread_mutex_lock(&w.out);
  pthread_mutex_lock(&w.lock);
  free(w.fill), free(w.spare);
  w.fill = w.spare = NULL;
  w.stopping = false;
  pthread_mutex_unlock(&w.lock);
  pthread_mutex_unlock(&w.out);
}

void otel__stdout_line(const char *line, size_t len) {
  pthread_mutex_lock(&w.lock);
  while (w.running && len <= CAPACITY && w.len + len > CAPACITY) { /* stdout lags: wait */
    if (w.waiting || w.pausing)
      pthread_cond_signal(&w.wake);
    pthread_cond_wait(&w.space, &w.lock);
  }
  if (!w.running || len > CAPACITY) {
    pthread_mutex_unlock(&w.lock);
    otel__stdout_now(line, len);
    return;
  }
  memcpy(w.fill + w.len, line, len);
  bool wake = w.waiting || (w.pausing && w.len < CAPACITY / 2 && w.len + len >= CAPACITY / 2);
  w.len += len;
  w.waiting = false;
  pthread_mutex_unlock(&w.lock);
  if (wake)
    pthread_cond_signal(&w.wake);
}

void otel__stdout_now(const char *data, size_t len) {
  pthread_mutex_lock(&w.out);
  pthread_mutex_lock(&w.lock);
  char *pending = NULL;
  size_t n = 0;
  if (w.len) { /* queued lines come first; the writer is not using spare */
    pending = w.fill, n = w.len;
    w.fill = w.spare, w.spare = pending, w.len = 0;
    pthread_cond_broadcast(&w.space);
  }
  pthread_mutex_unlock(&w.lock);
  if (pending)
    write_all(pending, n);
  write_all(data, len);
  pthread_mutex_unlock(&w.out);
}
