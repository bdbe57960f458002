/*
 * What an in-memory exporter keeps (<otel/testing.h>): the items it was
 * given, each held (a span, a log record's copy), in order, under a lock
 * (an exporter may be called from any thread), until reset.
 */
#ifndef OTEL_STORE_H
#define OTEL_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct otel__store {
  pthread_mutex_t lock;
  void **items;
  size_t n, cap;
  void (*hold)(void *item);
  void (*release)(void *item);
} otel__store_t;

void otel__store_init(otel__store_t *s, void (*hold)(void *), void (*release)(void *));

/* Holds and keeps items[0..n); false (nothing kept) when out of memory. */
bool otel__store_add(otel__store_t *s, void *const *items, size_t n);

size_t otel__store_count(otel__store_t *s);

/* The i-th item, or NULL. */
void *otel__store_at(otel__store_t *s, size_t i);

/* The first item for which match(item, key) is true, or NULL. */
void *otel__store_find(otel__store_t *s, bool (*match)(const void *item, const char *key),
                       const char *key);

/* Lets go of every item. */
void otel__store_reset(otel__store_t *s);

/* Lets go of every item and frees the store's own memory. */
void otel__store_free(otel__store_t *s);

#endif
