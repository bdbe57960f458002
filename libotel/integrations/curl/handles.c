/*
 * The program's easy handles and their header lists (handles.h): a hash
 * table keyed by the handle's address, open addressing with linear probing,
 * grown by doubling, under one mutex that nothing else is called under.
 * fork() while another thread holds it is covered by pthread_atfork.
 */
#include "handles.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct {
  CURL *handle; /* NULL: a free slot */
  struct curl_slist *list;
} entry_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static entry_t *slots; /* the table, under lock */
static size_t cap, used;

_Thread_local bool otel__curl_performing;

static void take(void) { pthread_mutex_lock(&lock); }
static void give(void) { pthread_mutex_unlock(&lock); }
static void register_fork_handlers(void) { pthread_atfork(take, give, give); }

static size_t home(const CURL *h, size_t capacity) {
  uint64_t x = (uint64_t)(uintptr_t)h;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull; /* a 64-bit finaliser's multiplier: spreads aligned addresses */
  x ^= x >> 33;
  return (size_t)(x & (capacity - 1));
}

/* The slot holding h, or the free slot where it would go. */
static size_t find_locked(const CURL *h) {
  size_t i = home(h, cap);
  while (slots[i].handle && slots[i].handle != h)
    i = (i + 1) & (cap - 1);
  return i;
}

/* Room for one more, keeping the table at most half full; false when out of memory. */
static bool reserve_locked(void) {
  if ((used + 1) * 2 <= cap)
    return true;
  size_t bigger = cap ? cap * 2 : 64;
  entry_t *old = slots, *fresh = calloc(bigger, sizeof(*fresh));
  if (!fresh)
    return false;
  size_t old_cap = cap;
  slots = fresh, cap = bigger;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].handle)
      slots[find_locked(old[i].handle)] = old[i];
  free(old);
  return true;
}

static void put_locked(CURL *h, struct curl_slist *list) {
  if (cap) {
    size_t i = find_locked(h);
    if (slots[i].handle) {
      slots[i].list = list;
      return;
    }
  }
  if (!reserve_locked())
    return; /* the handle stays unknown: otel_curl_perform then leaves its headers alone */
  size_t i = find_locked(h);
  slots[i] = (entry_t){h, list};
  used++;
}

/* Removes h, moving back the entries after it that probed past its slot. */
static void remove_locked(const CURL *h) {
  if (!cap)
    return;
  size_t i = find_locked(h);
  if (!slots[i].handle)
    return;
  slots[i].handle = NULL;
  used--;
  for (size_t j = (i + 1) & (cap - 1); slots[j].handle; j = (j + 1) & (cap - 1)) {
    size_t want = home(slots[j].handle, cap);
    /* j's entry may move to i when i lies on its probe path, from want to j */
    if (((j - want) & (cap - 1)) >= ((j - i) & (cap - 1))) {
      slots[i] = slots[j];
      slots[j].handle = NULL;
      i = j;
    }
  }
}

void otel__curl_handle_new(CURL *h) { otel__curl_handle_set_headers(h, NULL); }

void otel__curl_handle_set_headers(CURL *h, struct curl_slist *list) {
  pthread_once(&once, register_fork_handlers);
  take();
  put_locked(h, list);
  give();
}

void otel__curl_handle_copy(CURL *h, CURL *copy) {
  struct curl_slist *list = NULL;
  if (otel__curl_handle_headers(h, &list))
    otel__curl_handle_set_headers(copy, list);
}

void otel__curl_handle_gone(CURL *h) {
  take();
  remove_locked(h);
  give();
}

bool otel__curl_handle_headers(CURL *h, struct curl_slist **list) {
  take();
  bool known = false;
  if (cap) {
    const entry_t *e = &slots[find_locked(h)];
    known = e->handle != NULL;
    *list = e->list;
  }
  give();
  return known;
}
