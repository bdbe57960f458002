/*
 * Bump allocator for memory that dies all at once: a span's copies of what it
 * records, an export batch's protobuf messages. One free releases everything.
 */
#ifndef OTEL_ARENA_H
#define OTEL_ARENA_H

#include <stddef.h>

typedef struct otel__arena_chunk otel__arena_chunk_t;

typedef struct otel__arena {
  char *pos; /* next free byte of the current block */
  char *end;
  otel__arena_chunk_t *chunks; /* blocks from malloc, newest first */
} otel__arena_t;

/* Starts an arena on a caller-provided first block (may be NULL, 0). */
void otel__arena_init(otel__arena_t *a, void *first, size_t size);

/* size bytes aligned for any type, or NULL when out of memory. */
void *otel__arena_alloc(otel__arena_t *a, size_t size);

/* size bytes at the start of a new block (aligned for any type): where an
 * allocation goes that the current block cannot hold. */
void *otel__arena_new_block(otel__arena_t *a, size_t size);

/* size bytes with no alignment, for strings and encoded messages; NULL when
 * out of memory. Inline: a few of these for every attribute of every span. */
static inline void *otel__arena_bytes(otel__arena_t *a, size_t size) {
  if (a->pos && (size_t)(a->end - a->pos) >= size) {
    char *p = a->pos;
    a->pos = p + size;
    return p;
  }
  return otel__arena_new_block(a, size);
}

/* Copies of the first n bytes of s plus a NUL; of s whole. NULL on failure. */
char *otel__arena_strndup(otel__arena_t *a, const char *s, size_t n);
char *otel__arena_strdup(otel__arena_t *a, const char *s);

/* Frees every block from malloc; the arena is empty and reusable after. */
void otel__arena_reset(otel__arena_t *a);

#endif
