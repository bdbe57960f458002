/* Bound histograms kept per attribute set (bound_cache.h). */
#include "bound_cache.h"

#include <string.h>

/* FNV-1a over a string, then its terminator, so that ("ab", "c") and
 * ("a", "bc") differ. */
static uint64_t hash_text(uint64_t h, const char *s) {
  for (; s && *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3u;
  return (h ^ 0xff) * 0x100000001b3u;
}

static bool same(const otel__bound_slot_t *s, uint64_t hash, const char *a, const char *b,
                 int64_t number) {
  return s->hash == hash && s->number == number && !strcmp(s->a, a ? a : "") &&
         !strcmp(s->b, b ? b : "");
}

static void keep(char *dst, const char *src) {
  size_t n = src ? strlen(src) : 0;
  memcpy(dst, src ? src : "", n);
  dst[n] = '\0';
}

otel_bound_histogram_t *otel__bound_cache_get(otel__bound_cache_t *c, otel_histogram_t *h,
                                              const char *a, const char *b, int64_t number,
                                              const otel_attr_t *attrs, size_t n) {
  if ((a && strlen(a) >= OTEL__BOUND_TEXT) || (b && strlen(b) >= OTEL__BOUND_TEXT))
    return NULL;
  uint64_t hash = hash_text(hash_text(0xcbf29ce484222325u ^ (uint64_t)number, a), b);
  for (size_t i = 0; i < OTEL__BOUND_SLOTS; i++) {
    otel__bound_slot_t *s = &c->slots[(hash + i) % OTEL__BOUND_SLOTS];
    int state = atomic_load_explicit(&s->state, memory_order_acquire);
    if (state == 2 && same(s, hash, a, b, number))
      return s->bound;
    if (state != 0)
      continue; /* another set's, or one being filled */
    if (!atomic_compare_exchange_strong_explicit(&s->state, &state, 1, memory_order_acquire,
                                                 memory_order_relaxed))
      continue; /* another thread took it first: its set may be this one, but go on */
    s->hash = hash;
    s->number = number;
    keep(s->a, a);
    keep(s->b, b);
    s->bound = otel_histogram_bind(h, attrs, n);
    atomic_store_explicit(&s->state, 2, memory_order_release);
    return s->bound;
  }
  return NULL;
}
