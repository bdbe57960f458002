/*
 * Recycled memory for sampled spans. Spans are allocated on request threads
 * and freed on the export thread; through malloc that means every free takes
 * the allocating thread's arena lock, and the heap is trimmed and faulted in
 * again. The pool keeps blocks for reuse instead, moving them between threads
 * in bulk.
 *
 * Each thread's part of the pool also counts the spans the thread started
 * and ended, written by that thread alone, so that counting shares no cache
 * line: the SDK's own otel.sdk.span.started and otel.sdk.span.live.
 */
#ifndef OTEL_SPAN_POOL_H
#define OTEL_SPAN_POOL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every block is this size: a span and the first block of its arena. */
#define OTEL__SPAN_BLOCK_SIZE 2048

/* A block, or NULL when memory ran out. Thread-safe. */
void *otel__span_block_alloc(void);

/* Returns a block to the pool (or to malloc when the pool is full). Thread-safe. */
void otel__span_block_free(void *block);

/* otel.span.parent.origin: no parent, one in this process, one from afar. */
typedef enum {
  OTEL__ORIGIN_NONE,
  OTEL__ORIGIN_LOCAL,
  OTEL__ORIGIN_REMOTE,
  OTEL__ORIGINS
} otel__span_origin_t;

/* Spans started, by their parent's origin and whether they were sampled
 * ([origin][sampled]), and the sampled ones ended. */
typedef struct otel__span_counts {
  uint64_t started[OTEL__ORIGINS][2];
  uint64_t ended;
} otel__span_counts_t;

/* Each thread's part of the pool: its cache of free blocks, and its
 * counts, written by the thread alone (a load and a store, no locked
 * instruction; inline, as span starts and ends count), read by
 * otel__span_counts(). Listed on first use, under the pool's lock. */
typedef struct otel__span_thread {
  struct otel__span_block *head;
  size_t count;
  bool registered;
  _Atomic uint64_t started[OTEL__ORIGINS][2];
  _Atomic uint64_t ended;
  struct otel__span_thread *prev, *next; /* the list of them, under the pool's lock */
} otel__span_thread_t;

extern _Thread_local otel__span_thread_t otel__span_thread;

/* Lists this thread's part; once, before its first use. */
void otel__span_thread_register(void);

static inline void otel__span_count(_Atomic uint64_t *n) {
  if (__builtin_expect(!otel__span_thread.registered, 0))
    otel__span_thread_register();
  atomic_store_explicit(n, atomic_load_explicit(n, memory_order_relaxed) + 1, memory_order_relaxed);
}

/* Counts a span this thread starts, or a sampled one it ends. */
static inline void otel__span_counted_start(otel__span_origin_t origin, bool sampled) {
  otel__span_count(&otel__span_thread.started[origin][sampled]);
}
static inline void otel__span_counted_end(void) { otel__span_count(&otel__span_thread.ended); }

/* Every thread's counts, those of the threads that exited included. Thread-safe. */
otel__span_counts_t otel__span_counts(void);

/* fork() (common/fork.c): prepare takes the pool's lock; after releases it,
 * and in the child frees the caches of the threads that did not follow and
 * starts the counts again from zero: the child is a process of its own. */
void otel__span_pool_fork_prepare(void);
void otel__span_pool_fork_after(bool child);

#endif
