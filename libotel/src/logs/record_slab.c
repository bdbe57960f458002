/* Log record memory carved from pool blocks (record_slab.h). */
#include "logs/record_slab.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "trace/span_pool.h"

/* A block's header; its records follow. refs counts its records not yet
 * freed, plus one while a thread still carves from it. */
struct otel__record_slab {
  atomic_uint refs;
  size_t used;
  alignas(max_align_t) char data[];
};

#define SLAB_ROOM (OTEL__SPAN_BLOCK_SIZE - offsetof(otel__record_slab_t, data))

static _Thread_local otel__record_slab_t *carving;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;

static void release(otel__record_slab_t *s) {
  if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
    otel__span_block_free(s);
}

/* A thread that ends gives up the block it was carving. */
static void on_thread_exit(void *slab) {
  release(slab);
  carving = NULL;
}

static void make_key(void) { pthread_key_create(&exit_key, on_thread_exit); }

void *otel__record_slab_alloc(size_t size, otel__record_slab_t **slab) {
  size = (size + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t);
  *slab = NULL;
  if (size > SLAB_ROOM / 2) /* a long record would waste most of a block */
    return malloc(size);
  otel__record_slab_t *s = carving;
  if (!s || SLAB_ROOM - s->used < size) {
    otel__record_slab_t *fresh = otel__span_block_alloc();
    if (!fresh)
      return malloc(size);
    atomic_init(&fresh->refs, 1);
    fresh->used = 0;
    if (s)
      release(s);
    else
      pthread_once(&key_once, make_key);
    carving = s = fresh;
    pthread_setspecific(exit_key, s);
  }
  void *p = s->data + s->used;
  s->used += size;
  atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
  *slab = s;
  return p;
}

void otel__record_slab_free(void *p, otel__record_slab_t *slab) {
  if (slab)
    release(slab);
  else
    free(p);
}
