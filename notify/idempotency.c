/* The keys notify remembers (idempotency.h): a ring of entries, oldest
 * replaced first, indexed by a hash table with chains, under one mutex. */
#include "idempotency.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  char key[NOTIFY_KEY_MAX + 1]; /* "" while unused */
  int64_t article_id;
  uint32_t next; /* in its chain: index + 1, 0 for none */
} entry_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry_t *entries;
static uint32_t *heads; /* per bucket: index + 1 of its first entry, 0 for none */
static size_t capacity, mask, oldest;
static uint64_t seed; /* so that no client can aim its keys at one chain */

int notify_key_parse(const char *field, char out[NOTIFY_KEY_MAX + 1]) {
  const char *p = field;
  if (*p++ != '"')
    return -EINVAL;
  size_t n = 0;
  for (; *p != '"'; p++) {
    if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
      p++;
    else if (*p == '\\' || *p < 0x20 || *p > 0x7e) /* the end, a bad escape, not ASCII */
      return -EINVAL;
    if (n == NOTIFY_KEY_MAX)
      return -EINVAL;
    out[n++] = *p;
  }
  out[n] = '\0';
  p++;
  while (*p == ' ' || *p == '\t')
    p++;
  return n > 0 && (*p == '\0' || *p == ';') ? 0 : -EINVAL;
}

int notify_keys_init(size_t n) {
  free(entries);
  free(heads);
  capacity = n ? n : 1;
  oldest = 0;
  size_t buckets = 1;
  while (buckets < 2 * capacity)
    buckets *= 2;
  mask = buckets - 1;
  entries = calloc(capacity, sizeof(*entries));
  heads = calloc(buckets, sizeof(*heads));
  seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15u ^ (uint64_t)getpid() << 32 ^ (uintptr_t)&n;
  if (!entries || !heads) {
    free(entries);
    free(heads);
    entries = NULL;
    heads = NULL;
    return -ENOMEM;
  }
  return 0;
}

/* FNV-1a, seeded. */
static size_t bucket_of(const char *key) {
  uint64_t h = 0xcbf29ce484222325u ^ seed;
  for (const unsigned char *p = (const unsigned char *)key; *p; p++)
    h = (h ^ *p) * 0x100000001b3u;
  return (size_t)(h ^ h >> 29) & mask;
}

static void unlink_locked(size_t index) {
  uint32_t *link = &heads[bucket_of(entries[index].key)];
  while (*link && *link != index + 1)
    link = &entries[*link - 1].next;
  if (*link)
    *link = entries[index].next;
}

notify_key_verdict_t notify_keys_admit(const char *key, int64_t article_id) {
  if (!entries)
    return NOTIFY_KEY_NEW; /* out of memory at the start: no deduplication */
  size_t b = bucket_of(key);
  pthread_mutex_lock(&lock);
  for (uint32_t i = heads[b]; i; i = entries[i - 1].next) {
    if (!strcmp(entries[i - 1].key, key)) {
      bool same = entries[i - 1].article_id == article_id;
      pthread_mutex_unlock(&lock);
      return same ? NOTIFY_KEY_SEEN : NOTIFY_KEY_CONFLICT;
    }
  }
  size_t slot = oldest;
  oldest = (oldest + 1) % capacity;
  if (entries[slot].key[0])
    unlink_locked(slot);
  entry_t *e = &entries[slot];
  strncpy(e->key, key, NOTIFY_KEY_MAX);
  e->key[NOTIFY_KEY_MAX] = '\0';
  e->article_id = article_id;
  e->next = heads[b];
  heads[b] = (uint32_t)slot + 1;
  pthread_mutex_unlock(&lock);
  return NOTIFY_KEY_NEW;
}
