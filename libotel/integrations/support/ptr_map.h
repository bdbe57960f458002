/*
 * A table from addresses to values (an easy handle's header list, a
 * connection's state): open addressing with linear probing, grown by
 * doubling, under one mutex that nothing else is called under. A fork()
 * while another thread holds it is covered: every map is locked across it.
 */
#ifndef OTEL_PTR_MAP_H
#define OTEL_PTR_MAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct otel__ptr_entry {
  const void *key; /* NULL: a free slot */
  void *value;
} otel__ptr_entry_t;

typedef struct otel__ptr_map {
  pthread_mutex_t lock;
  otel__ptr_entry_t *slots;
  size_t cap, used;
  bool registered; /* for fork(), under lock */
} otel__ptr_map_t;

#define OTEL__PTR_MAP_INIT                                                                         \
  { PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, false }

/* Whether key is in m; if so, its value in *value (when not NULL). */
bool otel__ptr_map_get(otel__ptr_map_t *m, const void *key, void **value);
/* Sets key's value; false when out of memory (key is then absent). */
bool otel__ptr_map_put(otel__ptr_map_t *m, const void *key, void *value);
/* Removes key; its value in *value (NULL when it was absent). */
bool otel__ptr_map_take(otel__ptr_map_t *m, const void *key, void **value);

#endif
