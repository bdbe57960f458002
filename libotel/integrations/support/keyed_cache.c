/* Values kept per key (keyed_cache.h). */
#include "keyed_cache.h"

#include <string.h>

void otel__key_bytes(otel__cache_key_t *k, const void *p, size_t n) {
  if (k->len > OTEL__CACHE_KEY || n > OTEL__CACHE_KEY - k->len) {
    k->len = OTEL__CACHE_KEY + 1;
    return;
  }
  memcpy(k->bytes + k->len, p, n);
  k->len += n;
}

void otel__key_text(otel__cache_key_t *k, const char *s) {
  if (s)
    otel__key_bytes(k, s, strlen(s) + 1);
  else
    otel__key_bytes(k, "\xff", 1); /* not UTF-8, and no string's end */
}

void otel__key_number(otel__cache_key_t *k, int64_t n) { otel__key_bytes(k, &n, sizeof(n)); }

/* The key's bytes taken eight at a time (the last word padded with zeros,
 * the length mixed in at the end), each folded in by a multiply and a shift:
 * a key is hashed on every request, a byte at a time was a fifth of its cost. */
static uint64_t hash_key(const otel__cache_key_t *k) {
  uint64_t h = 0x243f6a8885a308d3u;
  for (size_t i = 0; i < k->len; i += 8) {
    uint64_t word = 0;
    if (k->len - i >= 8)
      memcpy(&word, k->bytes + i, 8);
    else
      memcpy(&word, k->bytes + i, k->len - i);
    h = (h + word) * 0xff51afd7ed558ccdu;
    h ^= h >> 29;
  }
  h = (h ^ k->len) * 0xc4ceb9fe1a85ec53u;
  return h ^ (h >> 32);
}

void *otel__keyed_cache_get(otel__keyed_cache_t *c, const otel__cache_key_t *k,
                            void *(*make)(void *arg), void *arg) {
  if (k->len > OTEL__CACHE_KEY)
    return NULL;
  uint64_t hash = hash_key(k);
  for (size_t i = 0; i < OTEL__CACHE_SLOTS; i++) {
    otel__cache_slot_t *s = &c->slots[(hash + i) % OTEL__CACHE_SLOTS];
    int state = atomic_load_explicit(&s->state, memory_order_acquire);
    if (state == 2 && s->hash == hash && s->len == k->len && !memcmp(s->key, k->bytes, k->len))
      return s->value;
    if (state != 0)
      continue; /* another key's, or one being filled */
    if (!atomic_compare_exchange_strong_explicit(&s->state, &state, 1, memory_order_acquire,
                                                 memory_order_relaxed))
      continue; /* another thread took it first: its key may be this one, but go on */
    s->hash = hash;
    s->len = k->len;
    memcpy(s->key, k->bytes, k->len);
    s->value = make(arg);
    atomic_store_explicit(&s->state, 2, memory_order_release);
    return s->value;
  }
  return NULL;
}

static bool same(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

static bool last_is(const otel__cache_last_t *l, const otel__cache_query_t *q) {
  if (!l->found || l->number != q->number)
    return false;
  for (int i = 0; i < OTEL__CACHE_TEXTS; i++)
    if (!same(l->null[i] ? NULL : l->text[i], q->text[i]))
      return false;
  return true;
}

static void last_keep(otel__cache_last_t *l, const void *found, const otel__cache_query_t *q) {
  l->found = NULL;
  size_t len[OTEL__CACHE_TEXTS];
  for (int i = 0; i < OTEL__CACHE_TEXTS; i++)
    if ((len[i] = q->text[i] ? strlen(q->text[i]) : 0) >= OTEL__CACHE_LAST_TEXT)
      return;
  for (int i = 0; i < OTEL__CACHE_TEXTS; i++) {
    l->null[i] = !q->text[i];
    memcpy(l->text[i], q->text[i] ? q->text[i] : "", len[i] + 1);
  }
  l->number = q->number;
  l->found = found;
}

void *otel__keyed_cache_find(otel__keyed_cache_t *c, otel__cache_last_t *last,
                             const otel__cache_query_t *q, void *(*make)(void *arg), void *arg) {
  if (last_is(last, q))
    return (void *)last->found;
  otel__cache_key_t key;
  key.len = 0;
  otel__key_number(&key, q->number);
  for (int i = 0; i < OTEL__CACHE_TEXTS; i++)
    otel__key_text(&key, q->text[i]);
  void *found = otel__keyed_cache_get(c, &key, make, arg);
  last_keep(last, found, q);
  return found;
}
