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
