/*
 * Recycled memory for sampled spans. Spans are allocated on request threads
 * and freed on the export thread; through malloc that means every free takes
 * the allocating thread's arena lock, and the heap is trimmed and faulted in
 * again. The pool keeps blocks for reuse instead, moving them between threads
 * in bulk.
 */
#ifndef OTEL_SPAN_POOL_H
#define OTEL_SPAN_POOL_H

#include <stddef.h>

/* Every block is this size: a span and the first block of its arena. */
#define OTEL__SPAN_BLOCK_SIZE 2048

/* A block, or NULL when memory ran out. Thread-safe. */
void *otel__span_block_alloc(void);

/* Returns a block to the pool (or to malloc when the pool is full). Thread-safe. */
void otel__span_block_free(void *block);

#endif
