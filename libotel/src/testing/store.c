/* What an in-memory exporter keeps (store.h). */
#include "testing/store.h"

#include <stdlib.h>

void otel__store_init(otel__store_t *s, void (*hold)(void *), void (*release)(void *)) {
  *s = (otel__store_t){.hold = hold, .release = release};
  pthread_mutex_init(&s->lock, NULL);
}

bool otel__store_add(otel__store_t *s, void *const *items, size_t n) {
  pthread_mutex_lock(&s->lock);
  if (s->n + n > s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 16;
    while (cap < s->n + n)
      cap *= 2;
    void **grown = realloc(s->items, cap * sizeof(*grown));
    if (!grown) {
      pthread_mutex_unlock(&s->lock);
      return false;
    }
    s->items = grown;
    s->cap = cap;
  }
  for (size_t i = 0; i < n; i++) {
    s->hold(items[i]);
    s->items[s->n++] = items[i];
  }
  pthread_mutex_unlock(&s->lock);
  return true;
}

size_t otel__store_count(otel__store_t *s) {
  pthread_mutex_lock(&s->lock);
  size_t n = s->n;
  pthread_mutex_unlock(&s->lock);
  return n;
}

void *otel__store_at(otel__store_t *s, size_t i) {
  pthread_mutex_lock(&s->lock);
  void *item = i < s->n ? s->items[i] : NULL;
  pthread_mutex_unlock(&s->lock);
  return item;
}

void *otel__store_find(otel__store_t *s, bool (*match)(const void *item, const char *key),
                       const char *key) {
  void *found = NULL;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; !found && i < s->n; i++)
    if (match(s->items[i], key))
      found = s->items[i];
  pthread_mutex_unlock(&s->lock);
  return found;
}

void otel__store_reset(otel__store_t *s) {
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->n; i++)
    s->release(s->items[i]);
  s->n = 0;
  pthread_mutex_unlock(&s->lock);
}

void otel__store_free(otel__store_t *s) {
  otel__store_reset(s);
  free(s->items);
  pthread_mutex_destroy(&s->lock);
}
