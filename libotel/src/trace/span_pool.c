/*
 * Span block pool. Each thread keeps a small cache of free blocks. The shared
 * store holds bundles of BUNDLE blocks already chained together, so a thread
 * that runs dry takes a bundle, and one that overflows gives one back, in a
 * single step under the mutex: no walk over blocks whose memory another core
 * last touched. The store is capped: beyond it blocks go back to malloc, so a
 * burst cannot pin memory for ever. A thread's cache is freed when it exits.
 *
 * The threads' parts are listed (under the mutex), so that a child after
 * fork(), where only the forking thread goes on, takes back the blocks the
 * other threads' caches held, and so that their counts can be summed.
 */
#include "trace/span_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#define BUNDLE 32                      /* blocks moved at a time */
#define CACHE_MAX (2 * BUNDLE)         /* blocks a thread keeps */
#define SHARED_BUNDLES (8192 / BUNDLE) /* blocks kept for all threads: 16 MiB */

typedef struct otel__span_block block_t;
struct otel__span_block {
  block_t *next;
};

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static block_t *shared[SHARED_BUNDLES]; /* each a chain of BUNDLE blocks */
static size_t n_shared;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;

_Thread_local otel__span_thread_t otel__span_thread;
static otel__span_thread_t *threads; /* every thread's part, under shared_lock */
static otel__span_counts_t retired;  /* the exited threads', under shared_lock */

static void free_chain(block_t *b) {
  while (b) {
    block_t *next = b->next;
    free(b);
    b = next;
  }
}

static void unlist_locked(otel__span_thread_t *c) {
  if (c->prev)
    c->prev->next = c->next;
  else
    threads = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->prev = c->next = NULL;
}

/* Adds c's counts to out. */
static void add_counts(otel__span_counts_t *out, const otel__span_thread_t *c) {
  for (int o = 0; o < OTEL__ORIGINS; o++)
    for (int s = 0; s < 2; s++)
      out->started[o][s] += atomic_load_explicit(&c->started[o][s], memory_order_relaxed);
  out->ended += atomic_load_explicit(&c->ended, memory_order_relaxed);
}

static void zero_counts(otel__span_thread_t *c) {
  for (int o = 0; o < OTEL__ORIGINS; o++)
    for (int s = 0; s < 2; s++)
      atomic_store_explicit(&c->started[o][s], 0, memory_order_relaxed);
  atomic_store_explicit(&c->ended, 0, memory_order_relaxed);
}

static void on_thread_exit(void *unused) {
  (void)unused;
  pthread_mutex_lock(&shared_lock);
  unlist_locked(&otel__span_thread);
  add_counts(&retired, &otel__span_thread);
  zero_counts(&otel__span_thread);
  pthread_mutex_unlock(&shared_lock);
  free_chain(otel__span_thread.head);
  otel__span_thread.head = NULL;
  otel__span_thread.count = 0;
  otel__span_thread.registered = false;
}

static void make_key(void) { pthread_key_create(&exit_key, on_thread_exit); }

void otel__span_thread_register(void) {
  pthread_once(&key_once, make_key);
  pthread_setspecific(exit_key, &otel__span_thread); /* any non-NULL value: runs the destructor */
  pthread_mutex_lock(&shared_lock);
  otel__span_thread.next = threads;
  if (threads)
    threads->prev = &otel__span_thread;
  threads = &otel__span_thread;
  pthread_mutex_unlock(&shared_lock);
  otel__span_thread.registered = true;
}

static inline void ensure_registered(void) {
  if (__builtin_expect(!otel__span_thread.registered, 0))
    otel__span_thread_register();
}

void otel__span_pool_fork_prepare(void) { pthread_mutex_lock(&shared_lock); }

void otel__span_pool_fork_after(bool child) {
  /* In the child, the other threads' threads are memory no thread will use. */
  for (otel__span_thread_t *c = threads, *next; child && c; c = next) {
    next = c->next;
    if (c != &otel__span_thread) {
      free_chain(c->head);
      unlist_locked(c);
    }
  }
  if (child) {
    retired = (otel__span_counts_t){0};
    zero_counts(&otel__span_thread);
  }
  pthread_mutex_unlock(&shared_lock);
}

void *otel__span_block_alloc(void) {
  if (!otel__span_thread.head) {
    pthread_mutex_lock(&shared_lock);
    if (n_shared) {
      otel__span_thread.head = shared[--n_shared];
      otel__span_thread.count = BUNDLE;
    }
    pthread_mutex_unlock(&shared_lock);
    if (otel__span_thread.head)
      ensure_registered();
  }
  block_t *b = otel__span_thread.head;
  if (!b)
    return malloc(OTEL__SPAN_BLOCK_SIZE);
  otel__span_thread.head = b->next;
  otel__span_thread.count--;
  /* The next block was last written on another core: start fetching the
   * lines a span start touches while this span is being filled. */
  if (otel__span_thread.head)
    for (int line = 0; line < 12; line++)
      __builtin_prefetch((char *)otel__span_thread.head + 64 * line, 1);
  return b;
}

void otel__span_block_free(void *p) {
  if (!p)
    return;
  ensure_registered();
  block_t *b = p;
  b->next = otel__span_thread.head;
  otel__span_thread.head = b;
  if (++otel__span_thread.count <= CACHE_MAX)
    return;
  /* Hand the newest BUNDLE blocks to the shared store as one chain. */
  block_t *bundle = otel__span_thread.head, *last = bundle;
  for (int i = 1; i < BUNDLE; i++)
    last = last->next;
  otel__span_thread.head = last->next;
  otel__span_thread.count -= BUNDLE;
  last->next = NULL;
  pthread_mutex_lock(&shared_lock);
  bool kept = n_shared < SHARED_BUNDLES;
  if (kept)
    shared[n_shared++] = bundle;
  pthread_mutex_unlock(&shared_lock);
  if (!kept)
    free_chain(bundle);
}

otel__span_counts_t otel__span_counts(void) {
  pthread_mutex_lock(&shared_lock);
  otel__span_counts_t out = retired;
  for (const otel__span_thread_t *c = threads; c; c = c->next)
    add_counts(&out, c);
  pthread_mutex_unlock(&shared_lock);
  return out;
}
