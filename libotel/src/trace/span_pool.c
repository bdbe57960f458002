/*
 * Span block pool. Each thread keeps a small cache of free blocks. The shared
 * store holds bundles of BUNDLE blocks already chained together, so a thread
 * that runs dry takes a bundle, and one that overflows gives one back, in a
 * single step under the mutex: no walk over blocks whose memory another core
 * last touched. The store is capped: beyond it blocks go back to malloc, so a
 * burst cannot pin memory for ever. A thread's cache is freed when it exits.
 *
 * The caches are listed (under the mutex), so that a child after fork(),
 * where only the forking thread goes on, takes back the blocks the other
 * threads' caches held.
 */
#include "trace/span_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define BUNDLE 32                      /* blocks moved at a time */
#define CACHE_MAX (2 * BUNDLE)         /* blocks a thread keeps */
#define SHARED_BUNDLES (8192 / BUNDLE) /* blocks kept for all threads: 16 MiB */

typedef struct block {
  struct block *next;
} block_t;

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static block_t *shared[SHARED_BUNDLES]; /* each a chain of BUNDLE blocks */
static size_t n_shared;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;

typedef struct cache {
  block_t *head;
  size_t count;
  bool registered;
  struct cache *prev, *next; /* the list of caches, under shared_lock */
} cache_t;

static _Thread_local cache_t cache;
static cache_t *caches;

static void free_chain(block_t *b) {
  while (b) {
    block_t *next = b->next;
    free(b);
    b = next;
  }
}

static void unlist_locked(cache_t *c) {
  if (c->prev)
    c->prev->next = c->next;
  else
    caches = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->prev = c->next = NULL;
}

static void on_thread_exit(void *unused) {
  (void)unused;
  pthread_mutex_lock(&shared_lock);
  unlist_locked(&cache);
  pthread_mutex_unlock(&shared_lock);
  free_chain(cache.head);
  cache.head = NULL;
  cache.count = 0;
  cache.registered = false;
}

static void make_key(void) { pthread_key_create(&exit_key, on_thread_exit); }

static void ensure_registered(void) {
  if (cache.registered)
    return;
  pthread_once(&key_once, make_key);
  pthread_setspecific(exit_key, &cache); /* any non-NULL value: runs the destructor */
  pthread_mutex_lock(&shared_lock);
  cache.next = caches;
  if (caches)
    caches->prev = &cache;
  caches = &cache;
  pthread_mutex_unlock(&shared_lock);
  cache.registered = true;
}

void otel__span_pool_fork_prepare(void) { pthread_mutex_lock(&shared_lock); }

void otel__span_pool_fork_after(bool child) {
  /* In the child, the other threads' caches are memory no thread will use. */
  for (cache_t *c = caches, *next; child && c; c = next) {
    next = c->next;
    if (c != &cache) {
      free_chain(c->head);
      unlist_locked(c);
    }
  }
  pthread_mutex_unlock(&shared_lock);
}

void *otel__span_block_alloc(void) {
  if (!cache.head) {
    pthread_mutex_lock(&shared_lock);
    if (n_shared) {
      cache.head = shared[--n_shared];
      cache.count = BUNDLE;
    }
    pthread_mutex_unlock(&shared_lock);
    if (cache.head)
      ensure_registered();
  }
  block_t *b = cache.head;
  if (!b)
    return malloc(OTEL__SPAN_BLOCK_SIZE);
  cache.head = b->next;
  cache.count--;
  /* The next block was last written on another core: start fetching the
   * lines a span start touches while this span is being filled. */
  if (cache.head)
    for (int line = 0; line < 12; line++)
      __builtin_prefetch((char *)cache.head + 64 * line, 1);
  return b;
}

void otel__span_block_free(void *p) {
  if (!p)
    return;
  ensure_registered();
  block_t *b = p;
  b->next = cache.head;
  cache.head = b;
  if (++cache.count <= CACHE_MAX)
    return;
  /* Hand the newest BUNDLE blocks to the shared store as one chain. */
  block_t *bundle = cache.head, *last = bundle;
  for (int i = 1; i < BUNDLE; i++)
    last = last->next;
  cache.head = last->next;
  cache.count -= BUNDLE;
  last->next = NULL;
  pthread_mutex_lock(&shared_lock);
  bool kept = n_shared < SHARED_BUNDLES;
  if (kept)
    shared[n_shared++] = bundle;
  pthread_mutex_unlock(&shared_lock);
  if (!kept)
    free_chain(bundle);
}
