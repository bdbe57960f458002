/*
 * Recycled memory for sampled spans. Spans are allocated on request threads
 * and freed on the export thread; through malloc that means every free takes
 * the allocating thread's arena lock, and the heap is trimmed and faulted in
 * again. The pool keeps blocks for reuse instead, moving them between threads
 * in bulk.
 */
#ifndef OTEL_SPAN_POOL_H
#define OTEL_SPAN_POOL_H

#include <stdbool.h>
#include <stddef.h>

/* Every block is this size: a span and the first block of its arena. */
#define OTEL__SPAN_BLOCK_SIZE 2048

/* A block, or NULL when memory ran out. Thread-safe. */
void *otel__span_block_alloc(void);

/* Returns a block to the pool (or to malloc when the pool is full). Thread-safe. */
void otel__span_block_free(void *block);

/* fork() (common/fork.c): prepare takes the pool's lock; after releases it,
 * and in the child frees the caches of the threads that did not follow. */
void otel__span_pool_fork_prepare(void);
void otel__span_pool_fork_after(bool child);

#endif
