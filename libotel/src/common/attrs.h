/*
 * Attribute sets as spans, events, links, log records, metric points and the
 * resource keep them: copies in an arena, one value per key, a count limit
 * (further keys are dropped and counted) and a value length limit (strings
 * truncated on a character boundary). Each value is also kept as the OTLP
 * AnyValue message it will be exported as, encoded when it is set, so an
 * export copies bytes rather than encoding every attribute of every span.
 */
#ifndef OTEL_ATTRS_H
#define OTEL_ATTRS_H

#include <otel/otel.h>
#include <stdatomic.h>

#include "common/arena.h"

typedef struct otel__attr_item {
  otel_attr_t attr;     /* a string value points into value, NUL-terminated after it */
  const uint8_t *value; /* the value as an OTLP AnyValue message's fields */
  uint32_t value_len;
  uint32_t key_len;
} otel__attr_item_t;

typedef struct otel__attrs {
  otel__attr_item_t *items;
  uint32_t n;
  uint32_t cap;
  uint32_t dropped;
  bool replaced; /* a key was set again (a block's bytes may no longer hold) */
} otel__attrs_t;

typedef struct otel__attr_limits {
  uint32_t count;
  uint32_t value_length; /* in characters; 0 means no limit */
} otel__attr_limits_t;

/* A constant attribute set, copied and encoded once and shared by every set
 * it is added to (otel_attr_block_new() in <otel/trace.h>). Immutable but for
 * its reference count. */
struct otel_attr_block {
  atomic_uint refs;
  uint32_t field;         /* the repeated KeyValue field encoded */
  uint32_t longest;       /* the longest string value, in bytes */
  otel__attrs_t attrs;    /* keys and values in arena */
  const uint8_t *encoded; /* attrs as field `field`'s KeyValues, in order: tags, lengths and all */
  size_t encoded_len;
  otel__arena_t arena;
};

/* Sets attr in a, copying key and value into arena. Replaces the value of an
 * existing key; past the count limit, or on allocation failure, counts a drop. */
void otel__attrs_set(otel__attrs_t *a, otel__arena_t *arena, const otel_attr_t *attr,
                     otel__attr_limits_t limits);

/* The same with the key kept as given, not copied, klen bytes long: a string
 * literal, or a key that outlives the set. */
void otel__attrs_set_literal_key(otel__attrs_t *a, otel__arena_t *arena, const otel_attr_t *attr,
                                 size_t klen, otel__attr_limits_t limits);

/* A block of attrs[0..n) to be written as repeated KeyValue field `field`,
 * with one reference; NULL when out of memory. */
struct otel_attr_block *otel__attr_block_new(const otel_attr_t *attrs, size_t n, uint32_t field);

/* Takes and gives up a reference; the last one frees the block. */
void otel__attr_block_hold(struct otel_attr_block *b);
void otel__attr_block_release(struct otel_attr_block *b);

/* Appends b's items to a, pointing at b's copies, and returns where they
 * begin; or -1, with a unchanged, when a already has one of b's keys, when
 * the count limit leaves no room for all of them, or when one of b's values
 * is longer than the length limit may allow: the caller then sets them one
 * by one. The caller holds a reference on b for as long as a lives. */
int64_t otel__attrs_add_block(otel__attrs_t *a, otel__arena_t *arena,
                              const struct otel_attr_block *b, otel__attr_limits_t limits);

/* Whether a's items from `at` on are still b's: none replaced since. */
bool otel__attrs_block_intact(const otel__attrs_t *a, uint32_t at, const struct otel_attr_block *b);

/* The value of key, or NULL. Borrowed. */
const otel_attr_t *otel__attrs_find(const otel__attrs_t *a, const char *key);

/* Whether a and b have the same key, type and value (doubles by value, with
 * 0.0 and -0.0 the same and NaN equal to itself; arrays element by element). */
bool otel__attr_equal(const otel_attr_t *a, const otel_attr_t *b);
/* The same for the type and value only. */
bool otel__attr_value_equal(const otel_attr_t *a, const otel_attr_t *b);

/* A hash of the set attrs[0..n): the same for the same attributes in any
 * order, consistent with otel__attr_equal. */
uint64_t otel__attr_set_hash(const otel_attr_t *attrs, size_t n);

/* A set as the public API reads it (<otel/otel.h>'s otel_attr_list_t). */
static inline const otel_attr_list_t *otel__attr_list(const otel__attrs_t *a) {
  return (const otel_attr_list_t *)(const void *)a;
}

/* Byte length of the longest prefix of s[0..n) with at most max characters. */
size_t otel__utf8_prefix(const char *s, size_t n, uint32_t max);

#endif
