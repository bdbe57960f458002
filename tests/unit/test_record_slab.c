/* Log record memory: records carved from pool blocks on one thread and
 * freed on another, each block given back with its last record (ASan's
 * leak check sees any that is not), long records from malloc. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "logs/record_slab.h"
#include "test.h"

#define N 1000

typedef struct {
  void *p[N];
  otel__record_slab_t *slab[N];
} records_t;

static void *carve(void *arg) {
  records_t *r = arg;
  for (size_t i = 0; i < N; i++) {
    size_t size = 40 + i % 300;
    r->p[i] = otel__record_slab_alloc(size, &r->slab[i]);
    if (r->p[i])
      memset(r->p[i], (int)i, size); /* ASan: within what was given */
  }
  return NULL; /* the thread's end gives up the block it carved last */
}

TEST(records_from_blocks_freed_elsewhere) {
  static records_t r;
  pthread_t t;
  CHECK_INT(pthread_create(&t, NULL, carve, &r), 0);
  pthread_join(t, NULL);
  size_t in_blocks = 0, shared = 0;
  for (size_t i = 0; i < N; i++) {
    CHECK(r.p[i] != NULL);
    CHECK_INT((uintptr_t)r.p[i] % 16, 0);
    in_blocks += r.slab[i] != NULL;
    shared += i && r.slab[i] == r.slab[i - 1];
  }
  CHECK_INT(in_blocks, N);
  CHECK(shared > N / 2);         /* several records to a block */
  for (size_t i = 0; i < N; i++) /* freed on this thread, in another order */
    otel__record_slab_free(r.p[(i * 7) % N], r.slab[(i * 7) % N]);
}

TEST(long_records_from_malloc) {
  otel__record_slab_t *slab;
  void *p = otel__record_slab_alloc(1500, &slab);
  CHECK(p && slab == NULL);
  memset(p, 0, 1500);
  otel__record_slab_free(p, slab);
  void *q = otel__record_slab_alloc(100, &slab); /* this thread carves on */
  CHECK(q && slab != NULL);
  otel__record_slab_free(q, slab);
}

TEST_MAIN("record_slab", TEST_CASE(records_from_blocks_freed_elsewhere),
          TEST_CASE(long_records_from_malloc))
