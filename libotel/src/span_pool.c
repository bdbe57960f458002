/*
 * Span block pool. Each thread keeps a small cache of free blocks; when it
 * runs dry it takes a bundle from the shared list, and when it overflows it
 * gives a bundle back, so the shared mutex is taken once per bundle, not per
 * span. The shared list is capped: beyond it blocks go back to malloc, so a
 * burst cannot pin memory for ever. A thread's cache returns to the shared
 * list when the thread exits.
 */
#include "span_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define CACHE_MAX 64  /* blocks a thread keeps */
#define BUNDLE 32     /* blocks moved at a time */
#define SHARED_MAX 8192 /* blocks kept for all threads: 16 MiB */

typedef struct block {
  struct block *next;
} block_t;

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static block_t *shared;
static size_t shared_count;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;

static _Thread_local struct {
  block_t *head;
  size_t count;
  bool registered;
} cache;

static void give_back(block_t *list, size_t n);

static void on_thread_exit(void *unused) {
  (void)unused;
  give_back(cache.head, cache.count);
  cache.head = NULL;
  cache.count = 0;
}

static void make_key(void) { pthread_key_create(&exit_key, on_thread_exit); }

/* Moves a list of n blocks to the shared list, freeing what exceeds its cap. */
static void give_back(block_t *list, size_t n) {
  pthread_mutex_lock(&shared_lock);
  while (list && shared_count < SHARED_MAX) {
    block_t *next = list->next;
    list->next = shared;
    shared = list;
    shared_count++;
    list = next;
    n--;
  }
  pthread_mutex_unlock(&shared_lock);
  while (list) {
    block_t *next = list->next;
    free(list);
    list = next;
  }
}

static void refill(void) {
  pthread_mutex_lock(&shared_lock);
  for (int i = 0; i < BUNDLE && shared; i++) {
    block_t *b = shared;
    shared = b->next;
    shared_count--;
    b->next = cache.head;
    cache.head = b;
    cache.count++;
  }
  pthread_mutex_unlock(&shared_lock);
}

static void ensure_registered(void) {
  if (cache.registered)
    return;
  pthread_once(&key_once, make_key);
  pthread_setspecific(exit_key, &cache); /* any non-NULL value: runs the destructor */
  cache.registered = true;
}

void *otel__span_block_alloc(void) {
  if (!cache.head)
    refill();
  block_t *b = cache.head;
  if (!b)
    return malloc(OTEL__SPAN_BLOCK_SIZE);
  cache.head = b->next;
  cache.count--;
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
  /* Hand a bundle to the shared list. */
  block_t *bundle = cache.head, *last = bundle;
  for (int i = 1; i < BUNDLE; i++)
    last = last->next;
  cache.head = last->next;
  cache.count -= BUNDLE;
  last->next = NULL;
  give_back(bundle, BUNDLE);
}
