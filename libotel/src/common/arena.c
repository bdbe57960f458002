/* Bump allocator: blocks grow geometrically, allocations are never freed one by one. */
#include "common/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_MIN_BLOCK 4096

struct otel__arena_chunk {
  otel__arena_chunk_t *next;
  size_t size;
  alignas(max_align_t) char data[];
};

void otel__arena_init(otel__arena_t *a, void *first, size_t size) {
  a->pos = first;
  a->end = first ? (char *)first + size : NULL;
  a->chunks = NULL;
}

static size_t align_up(uintptr_t p) {
  const uintptr_t m = alignof(max_align_t) - 1;
  return (size_t)((p + m) & ~m);
}

void *otel__arena_new_block(otel__arena_t *a, size_t size) {
  size_t block = a->chunks ? a->chunks->size * 2 : ARENA_MIN_BLOCK;
  if (block < size)
    block = size;
  otel__arena_chunk_t *c = malloc(sizeof(*c) + block);
  if (!c)
    return NULL;
  c->next = a->chunks;
  c->size = block;
  a->chunks = c;
  a->pos = c->data + size;
  a->end = c->data + block;
  return c->data;
}

void *otel__arena_alloc(otel__arena_t *a, size_t size) {
  if (a->pos) {
    char *p = (char *)align_up((uintptr_t)a->pos);
    if (p <= a->end && (size_t)(a->end - p) >= size) {
      a->pos = p + size;
      return p;
    }
  }
  return otel__arena_new_block(a, size);
}

char *otel__arena_strndup(otel__arena_t *a, const char *s, size_t n) {
  char *p = otel__arena_bytes(a, n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

char *otel__arena_strdup(otel__arena_t *a, const char *s) {
  return otel__arena_strndup(a, s, strlen(s));
}

void otel__arena_reset(otel__arena_t *a) {
  otel__arena_chunk_t *c = a->chunks;
  while (c) {
    otel__arena_chunk_t *next = c->next;
    free(c);
    c = next;
  }
  a->pos = a->end = NULL;
  a->chunks = NULL;
}
