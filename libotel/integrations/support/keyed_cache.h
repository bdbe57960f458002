/*
 * What an integration derives again and again from the same few strings (a
 * method, a route and a status; a Host header; a statement and its
 * connection), derived once and kept for the life of the process: a bound
 * histogram, a block of span attributes.
 *
 * A fixed table, keyed by a short byte string that the caller builds and
 * compared by content. Lock-free: a slot is claimed once, filled, then
 * published; readers only ever see whole slots. A key too long to keep, or
 * one that finds no free slot, gets NULL: the caller then does the work
 * itself.
 */
#ifndef OTEL_KEYED_CACHE_H
#define OTEL_KEYED_CACHE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OTEL__CACHE_SLOTS 256
#define OTEL__CACHE_KEY 200 /* the longest key kept, in bytes */

typedef struct otel__cache_key {
  size_t len; /* > OTEL__CACHE_KEY once too long */
  char bytes[OTEL__CACHE_KEY];
} otel__cache_key_t;

typedef struct otel__cache_slot {
  atomic_int state; /* 0 empty, 1 being filled, 2 published */
  uint64_t hash;
  size_t len;
  char key[OTEL__CACHE_KEY];
  void *value;
} otel__cache_slot_t;

typedef struct otel__keyed_cache {
  otel__cache_slot_t slots[OTEL__CACHE_SLOTS];
} otel__keyed_cache_t;

/* Appends to k: a string and its NUL (NULL as a byte no string holds, so
 * that it differs from ""), a number, any bytes. */
void otel__key_text(otel__cache_key_t *k, const char *s);
void otel__key_number(otel__cache_key_t *k, int64_t n);
void otel__key_bytes(otel__cache_key_t *k, const void *p, size_t n);

/* The value kept for k in c; on the first call for k, make(arg)'s, kept even
 * when NULL. NULL when k cannot be kept. Thread-safe: racing first calls for
 * one key may each make a value, and each keep it in a slot of its own. */
void *otel__keyed_cache_get(otel__keyed_cache_t *c, const otel__cache_key_t *k,
                            void *(*make)(void *arg), void *arg);

/* A lookup by up to OTEL__CACHE_TEXTS strings (NULL is a value of its own)
 * and a number. */
#define OTEL__CACHE_TEXTS 4
typedef struct otel__cache_query {
  const char *text[OTEL__CACHE_TEXTS];
  int64_t number;
} otel__cache_query_t;

/* A thread's last query and what it found, kept to skip the table when the
 * next one repeats it, as requests on one connection do (strings of up to
 * OTEL__CACHE_LAST_TEXT - 1 bytes). */
#define OTEL__CACHE_LAST_TEXT 128
typedef struct otel__cache_last {
  const void *found; /* NULL: nothing kept */
  int64_t number;
  bool null[OTEL__CACHE_TEXTS];
  char text[OTEL__CACHE_TEXTS][OTEL__CACHE_LAST_TEXT];
} otel__cache_last_t;

/* The value kept for q in c, as otel__keyed_cache_get() gives it; last is
 * the calling thread's own (a _Thread_local per call site). */
void *otel__keyed_cache_find(otel__keyed_cache_t *c, otel__cache_last_t *last,
                             const otel__cache_query_t *q, void *(*make)(void *arg), void *arg);

#endif
