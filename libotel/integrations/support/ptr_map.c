/* Tables from addresses to values (ptr_map.h). */
#include "ptr_map.h"

#include <stdint.h>
#include <stdlib.h>

/* Every map, for fork(): locked before, unlocked after, in both processes. */
#define MAPS_MAX 16
static otel__ptr_map_t *maps[MAPS_MAX];
static size_t n_maps;
static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;

static void fork_prepare(void) {
  pthread_mutex_lock(&maps_lock);
  for (size_t i = 0; i < n_maps; i++)
    pthread_mutex_lock(&maps[i]->lock);
}

static void fork_after(void) {
  for (size_t i = n_maps; i-- > 0;)
    pthread_mutex_unlock(&maps[i]->lock);
  pthread_mutex_unlock(&maps_lock);
}

static void register_fork_handlers(void) { pthread_atfork(fork_prepare, fork_after, fork_after); }

/* Called with m->lock held: adds m to the maps locked across fork(). */
static void register_locked(otel__ptr_map_t *m) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  if (m->registered)
    return;
  pthread_once(&once, register_fork_handlers);
  pthread_mutex_unlock(&m->lock); /* the order fork_prepare takes them in */
  pthread_mutex_lock(&maps_lock);
  pthread_mutex_lock(&m->lock);
  if (!m->registered && n_maps < MAPS_MAX)
    maps[n_maps++] = m;
  m->registered = true;
  pthread_mutex_unlock(&maps_lock);
}

static size_t home(const void *key, size_t cap) {
  uint64_t x = (uint64_t)(uintptr_t)key;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull; /* a 64-bit finaliser's multiplier: spreads aligned addresses */
  x ^= x >> 33;
  return (size_t)(x & (cap - 1));
}

/* The slot holding key, or the free slot where it would go. */
static size_t find_locked(const otel__ptr_map_t *m, const void *key) {
  size_t i = home(key, m->cap);
  while (m->slots[i].key && m->slots[i].key != key)
    i = (i + 1) & (m->cap - 1);
  return i;
}

/* Room for one more, keeping the table at most half full. */
static bool reserve_locked(otel__ptr_map_t *m) {
  if ((m->used + 1) * 2 <= m->cap)
    return true;
  size_t bigger = m->cap ? m->cap * 2 : 64, old_cap = m->cap;
  otel__ptr_entry_t *old = m->slots, *fresh = calloc(bigger, sizeof(*fresh));
  if (!fresh)
    return false;
  m->slots = fresh, m->cap = bigger;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].key)
      m->slots[find_locked(m, old[i].key)] = old[i];
  free(old);
  return true;
}

bool otel__ptr_map_get(otel__ptr_map_t *m, const void *key, void **value) {
  pthread_mutex_lock(&m->lock);
  bool found = false;
  if (m->cap) {
    const otel__ptr_entry_t *e = &m->slots[find_locked(m, key)];
    found = e->key != NULL;
    if (found && value)
      *value = e->value;
  }
  pthread_mutex_unlock(&m->lock);
  return found;
}

bool otel__ptr_map_put(otel__ptr_map_t *m, const void *key, void *value) {
  pthread_mutex_lock(&m->lock);
  register_locked(m);
  bool ok = true;
  size_t i = m->cap ? find_locked(m, key) : 0;
  if (m->cap && m->slots[i].key) {
    m->slots[i].value = value;
  } else if ((ok = reserve_locked(m))) {
    i = find_locked(m, key);
    m->slots[i] = (otel__ptr_entry_t){key, value};
    m->used++;
  }
  pthread_mutex_unlock(&m->lock);
  return ok;
}

bool otel__ptr_map_take(otel__ptr_map_t *m, const void *key, void **value) {
  if (value)
    *value = NULL;
  pthread_mutex_lock(&m->lock);
  size_t i = m->cap ? find_locked(m, key) : 0;
  bool found = m->cap && m->slots[i].key;
  if (found) {
    if (value)
      *value = m->slots[i].value;
    m->slots[i].key = NULL;
    m->used--;
    /* The entries after it that probed past its slot move back into it. */
    for (size_t j = (i + 1) & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
      size_t want = home(m->slots[j].key, m->cap);
      if (((j - want) & (m->cap - 1)) >= ((j - i) & (m->cap - 1))) {
        m->slots[i] = m->slots[j];
        m->slots[j].key = NULL;
        i = j;
      }
    }
  }
  pthread_mutex_unlock(&m->lock);
  return found;
}
