/*
 * Memory for log records: carved one after another out of a pool block
 * (trace/span_pool.h) that the writing thread holds, and given back when the
 * last record in the block is freed. A record is written on a request
 * thread and freed on the export thread; through malloc that cost a lock
 * and a walk of the other thread's heap per record, here it costs an atomic
 * add and subtract.
 */
#ifndef OTEL_RECORD_SLAB_H
#define OTEL_RECORD_SLAB_H

#include <stddef.h>

typedef struct otel__record_slab otel__record_slab_t;

/* size bytes, aligned for any type, and in *slab the block they are in (NULL
 * when they came from malloc: too large for a block, or the pool was out of
 * memory); NULL when memory ran out. Thread-safe. */
void *otel__record_slab_alloc(size_t size, otel__record_slab_t **slab);

/* Frees memory from otel__record_slab_alloc(), given its slab. Thread-safe. */
void otel__record_slab_free(void *p, otel__record_slab_t *slab);

#endif
