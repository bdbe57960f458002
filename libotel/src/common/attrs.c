/* Attribute sets: copying, replacing by key, and the specification's limits. */
#include "common/attrs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export/otlp_value.h"

size_t otel__utf8_prefix(const char *s, size_t n, uint32_t max) {
  uint32_t chars = 0;
  for (size_t i = 0; i < n; i++) {
    if (((unsigned char)s[i] & 0xc0) != 0x80) { /* not a continuation byte */
      if (chars == max)
        return i;
      chars++;
    }
  }
  return n;
}

static const char *copy_string(otel__arena_t *arena, const char *s, uint32_t max_chars) {
  if (!s)
    s = "";
  size_t n = strlen(s);
  if (max_chars)
    n = otel__utf8_prefix(s, n, max_chars);
  return otel__arena_strndup(arena, s, n);
}

/* Copies attr's value into *out, arrays into the arena; *slen is 0 (strings
 * are keep()'s own). */
static bool copy_value(otel_attr_t *out, size_t *slen, const otel_attr_t *attr,
                       otel__arena_t *arena, uint32_t max_chars) {
  out->type = attr->type;
  *slen = 0;
  switch (attr->type) {
  case OTEL_VALUE_STRING: /* encoded by keep() itself */
    return false;
  case OTEL_VALUE_BOOL:
  case OTEL_VALUE_INT:
  case OTEL_VALUE_DOUBLE:
    out->v = attr->v;
    return true;
  case OTEL_VALUE_STRING_ARRAY: {
    size_t n = attr->v.array.len;
    const char **items = otel__arena_alloc(arena, n * sizeof(*items) + 1);
    if (!items)
      return false;
    const char *const *src = attr->v.array.items;
    for (size_t i = 0; i < n; i++)
      if (!(items[i] = copy_string(arena, src[i], max_chars)))
        return false;
    out->v.array.items = items;
    out->v.array.len = n;
    return true;
  }
  case OTEL_VALUE_BOOL_ARRAY:
  case OTEL_VALUE_INT_ARRAY:
  case OTEL_VALUE_DOUBLE_ARRAY: {
    size_t size = attr->type == OTEL_VALUE_BOOL_ARRAY ? sizeof(bool) : 8;
    size_t bytes = attr->v.array.len * size;
    void *items = otel__arena_alloc(arena, bytes + 1);
    if (!items)
      return false;
    if (bytes)
      memcpy(items, attr->v.array.items, bytes);
    out->v.array.items = items;
    out->v.array.len = attr->v.array.len;
    return true;
  }
  }
  return false;
}

/* Fills *item with key[0..klen) and attr's value, encoded; false when out of memory. */
static bool keep(otel__attr_item_t *item, const char *key, size_t klen, const otel_attr_t *attr,
                 otel__arena_t *arena, uint32_t max_chars) {
  otel_attr_t value;
  size_t slen, n;
  uint8_t *encoded;
  if (!key)
    return false;
  if (attr->type == OTEL_VALUE_STRING) { /* most values: encoded here in one go */
    const char *s = attr->v.s ? attr->v.s : "";
    slen = strlen(s);
    if (max_chars && slen > max_chars) /* (no more characters than bytes) */
      slen = otel__utf8_prefix(s, slen, max_chars);
    n = otel__pb_delimited_size(slen);
    if (!(encoded = otel__arena_bytes(arena, n + 1)))
      return false;
    value.type = OTEL_VALUE_STRING;
    value.v.s = (const char *)otel__pb_put_bytes(encoded, OTLP_ANY_VALUE_STRING, s, slen) - slen;
  } else {
    if (!copy_value(&value, &slen, attr, arena, max_chars))
      return false;
    n = otel__otlp_value_size(&value, slen);
    if (!(encoded = otel__arena_bytes(arena, n + 1)))
      return false;
    otel__otlp_value_write(encoded, &value, slen);
  }
  if (n > UINT32_MAX)
    return false;
  encoded[n] = '\0'; /* a string value is a C string too */
  value.key = key;
  item->attr = value;
  item->value = encoded;
  item->value_len = (uint32_t)n;
  item->key_len = (uint32_t)klen;
  return true;
}

static otel__attr_item_t *find(const otel__attrs_t *a, const char *key, size_t klen) {
  for (uint32_t i = 0; i < a->n; i++) {
    const otel__attr_item_t *item = &a->items[i];
    if (item->key_len == klen && !memcmp(item->attr.key, key, klen))
      return (otel__attr_item_t *)item;
  }
  return NULL;
}

const otel_attr_t *otel__attrs_find(const otel__attrs_t *a, const char *key) {
  const otel__attr_item_t *item = find(a, key, strlen(key));
  return item ? &item->attr : NULL;
}

/* Whether a has room for `more` items within the count limit, its array
 * grown (doubling, up to the limit) when needed. */
static bool room(otel__attrs_t *a, otel__arena_t *arena, uint32_t more,
                 otel__attr_limits_t limits) {
  if (more > limits.count || a->n > limits.count - more)
    return false;
  if (a->n + more <= a->cap)
    return true;
  uint32_t cap = a->cap ? a->cap * 2 : 8;
  if (cap < a->n + more)
    cap = a->n + more;
  if (cap > limits.count)
    cap = limits.count;
  otel__attr_item_t *items = otel__arena_alloc(arena, cap * sizeof(*items));
  if (!items)
    return false;
  if (a->n)
    memcpy(items, a->items, a->n * sizeof(*items));
  a->items = items;
  a->cap = cap;
  return true;
}

static void set(otel__attrs_t *a, otel__arena_t *arena, const otel_attr_t *attr, size_t klen,
                otel__attr_limits_t limits, bool copy_key) {
  if (!klen || klen > UINT32_MAX) {
    a->dropped++;
    return;
  }
  otel__attr_item_t *slot = find(a, attr->key, klen);
  const char *key;
  if (slot) { /* a new value for the key; on failure the old one stays */
    key = slot->attr.key;
  } else if ((a->n < a->cap && a->n < limits.count) || room(a, arena, 1, limits)) {
    key = copy_key ? otel__arena_strndup(arena, attr->key, klen) : attr->key;
  } else {
    a->dropped++;
    return;
  }
  otel__attr_item_t item;
  if (!keep(&item, key, klen, attr, arena, limits.value_length))
    a->dropped += !slot;
  else if (slot)
    *slot = item, a->replaced = true;
  else
    a->items[a->n++] = item;
}

void otel__attrs_set(otel__attrs_t *a, otel__arena_t *arena, const otel_attr_t *attr,
                     otel__attr_limits_t limits) {
  set(a, arena, attr, attr->key ? strlen(attr->key) : 0, limits, true);
}

void otel__attrs_set_literal_key(otel__attrs_t *a, otel__arena_t *arena, const otel_attr_t *attr,
                                 size_t klen, otel__attr_limits_t limits) {
  set(a, arena, attr, klen, limits, false);
}

/* --- blocks: constant sets encoded once --- */

/* The longest string in a's value, in bytes. */
static size_t longest_string(const otel_attr_t *a) {
  if (a->type == OTEL_VALUE_STRING)
    return strlen(a->v.s);
  size_t longest = 0;
  if (a->type == OTEL_VALUE_STRING_ARRAY)
    for (size_t i = 0; i < a->v.array.len; i++) {
      size_t n = strlen(((const char *const *)a->v.array.items)[i]);
      longest = n > longest ? n : longest;
    }
  return longest;
}

struct otel_attr_block *otel__attr_block_new(const otel_attr_t *attrs, size_t n, uint32_t field) {
  struct otel_attr_block *b = calloc(1, sizeof(*b));
  if (!b || n > UINT32_MAX)
    return free(b), NULL;
  atomic_init(&b->refs, 1);
  b->field = field;
  otel__attr_limits_t whole = {(uint32_t)n, 0};
  for (size_t i = 0; i < n; i++)
    otel__attrs_set(&b->attrs, &b->arena, &attrs[i], whole);
  size_t size = 0;
  for (uint32_t i = 0; i < b->attrs.n; i++) {
    const otel__attr_item_t *item = &b->attrs.items[i];
    size_t longest = longest_string(&item->attr);
    b->longest =
        longest > b->longest ? (uint32_t)(longest > UINT32_MAX ? UINT32_MAX : longest) : b->longest;
    size_t kv = otel__otlp_kv_size(item->key_len, item->value_len);
    size += otel__pb_varint_size((uint64_t)field << 3) + otel__pb_varint_size(kv) + kv;
  }
  uint8_t *p = otel__arena_bytes(&b->arena, size ? size : 1);
  if (!p) {
    otel__attr_block_release(b);
    return NULL;
  }
  b->encoded = p;
  b->encoded_len = size;
  for (uint32_t i = 0; i < b->attrs.n; i++) {
    const otel__attr_item_t *item = &b->attrs.items[i];
    p = otel__pb_put_tag(p, field, OTEL__WIRE_LEN);
    p = otel__pb_put_varint(p, otel__otlp_kv_size(item->key_len, item->value_len));
    p = otel__otlp_kv_head(p, item->attr.key, item->key_len, item->value_len);
    memcpy(p, item->value, item->value_len);
    p += item->value_len;
  }
  return b;
}

void otel__attr_block_hold(struct otel_attr_block *b) {
  atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
}

void otel__attr_block_release(struct otel_attr_block *b) {
  if (!b || atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) != 1)
    return;
  otel__arena_reset(&b->arena);
  free(b);
}

int64_t otel__attrs_add_block(otel__attrs_t *a, otel__arena_t *arena,
                              const struct otel_attr_block *b, otel__attr_limits_t limits) {
  if (limits.value_length && b->longest > limits.value_length)
    return -1; /* (bytes against characters: a value may be within the limit yet go this way) */
  for (uint32_t i = 0; a->n && i < b->attrs.n; i++)
    if (find(a, b->attrs.items[i].attr.key, b->attrs.items[i].key_len))
      return -1;
  if (!room(a, arena, b->attrs.n, limits))
    return -1;
  uint32_t at = a->n;
  if (b->attrs.n)
    memcpy(&a->items[at], b->attrs.items, b->attrs.n * sizeof(*a->items));
  a->n += b->attrs.n;
  a->dropped += b->attrs.dropped;
  return at;
}

bool otel__attrs_block_intact(const otel__attrs_t *a, uint32_t at,
                              const struct otel_attr_block *b) {
  return !a->replaced && at <= a->n && a->n - at >= b->attrs.n;
}

/* --- identity of attribute sets, for metric points --- */

static const char *or_empty(const char *s) { return s ? s : ""; }

/* A double's bits with -0.0 folded into 0.0, so that equal values hash alike. */
static uint64_t double_bits(double d) {
  uint64_t bits = 0;
  if (d != 0)
    memcpy(&bits, &d, sizeof(bits));
  return bits;
}

static size_t item_size(otel_value_type_t t) {
  return t == OTEL_VALUE_BOOL_ARRAY ? sizeof(bool) : 8;
}

bool otel__attr_equal(const otel_attr_t *a, const otel_attr_t *b) {
  return !strcmp(or_empty(a->key), or_empty(b->key)) && otel__attr_value_equal(a, b);
}

bool otel__attr_value_equal(const otel_attr_t *a, const otel_attr_t *b) {
  if (a->type != b->type)
    return false;
  switch (a->type) {
  case OTEL_VALUE_STRING:
    return !strcmp(or_empty(a->v.s), or_empty(b->v.s));
  case OTEL_VALUE_BOOL:
    return a->v.b == b->v.b;
  case OTEL_VALUE_INT:
    return a->v.i == b->v.i;
  case OTEL_VALUE_DOUBLE:
    return double_bits(a->v.d) == double_bits(b->v.d);
  case OTEL_VALUE_STRING_ARRAY: {
    if (a->v.array.len != b->v.array.len)
      return false;
    const char *const *x = a->v.array.items, *const *y = b->v.array.items;
    for (size_t i = 0; i < a->v.array.len; i++)
      if (strcmp(or_empty(x[i]), or_empty(y[i])))
        return false;
    return true;
  }
  case OTEL_VALUE_DOUBLE_ARRAY: {
    if (a->v.array.len != b->v.array.len)
      return false;
    const double *x = a->v.array.items, *y = b->v.array.items;
    for (size_t i = 0; i < a->v.array.len; i++)
      if (double_bits(x[i]) != double_bits(y[i]))
        return false;
    return true;
  }
  case OTEL_VALUE_BOOL_ARRAY:
  case OTEL_VALUE_INT_ARRAY:
    return a->v.array.len == b->v.array.len &&
           (!a->v.array.len ||
            !memcmp(a->v.array.items, b->v.array.items, a->v.array.len * item_size(a->type)));
  }
  return false;
}

/* Hashes n bytes eight at a time (a byte at a time would be a chain of
 * dependent multiplications as long as the string, on every measurement);
 * the last word overlaps the one before when n is not a multiple of 8. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  const uint64_t k = 0x9e3779b97f4a7c15ull;
  uint64_t w = 0;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      memcpy(&w, s + i, 8);
      h = (h ^ w) * k;
      h ^= h >> 32;
    }
    memcpy(&w, s + n - 8, 8);
  } else {
    for (size_t i = 0; i < n; i++)
      w |= (uint64_t)s[i] << (8 * i);
  }
  h = ((h ^ w) * k ^ n) * k; /* the length: "ab","c" differs from "a","bc" */
  return h ^ (h >> 32);
}

static uint64_t hash_str(uint64_t h, const char *s) {
  s = or_empty(s);
  return hash_bytes(h, s, strlen(s));
}

static uint64_t mix(uint64_t x) { /* the splitmix64 finaliser */
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* The key enters by its length and its first and last bytes only: an
 * instrument's points share their keys and differ in their values, and
 * hashing every key's bytes on every measurement was a third of the hash's
 * cost. Sets told apart only by the rest of a key are told apart by
 * otel__attr_equal when they meet. */
static uint64_t key_hash(const char *key) {
  key = or_empty(key);
  size_t n = strlen(key);
  unsigned char first = (unsigned char)key[0], last = n ? (unsigned char)key[n - 1] : 0;
  return mix((uint64_t)n << 16 | (uint64_t)first << 8 | last);
}

static uint64_t attr_hash(const otel_attr_t *a) {
  uint64_t h = key_hash(a->key) ^ (uint64_t)a->type;
  uint64_t bits;
  switch (a->type) {
  case OTEL_VALUE_STRING:
    return hash_str(h, a->v.s);
  case OTEL_VALUE_BOOL:
    return h ^ mix(a->v.b);
  case OTEL_VALUE_INT:
    return h ^ mix((uint64_t)a->v.i);
  case OTEL_VALUE_DOUBLE:
    return h ^ mix(double_bits(a->v.d));
  case OTEL_VALUE_STRING_ARRAY: {
    const char *const *items = a->v.array.items;
    for (size_t i = 0; i < a->v.array.len; i++)
      h = hash_str(h, items[i]);
    return h;
  }
  case OTEL_VALUE_DOUBLE_ARRAY: {
    const double *items = a->v.array.items;
    for (size_t i = 0; i < a->v.array.len; i++)
      bits = double_bits(items[i]), h = hash_bytes(h, &bits, sizeof(bits));
    return h;
  }
  case OTEL_VALUE_BOOL_ARRAY:
  case OTEL_VALUE_INT_ARRAY:
    return hash_bytes(h, a->v.array.items, a->v.array.len * item_size(a->type));
  }
  return h;
}

uint64_t otel__attr_set_hash(const otel_attr_t *attrs, size_t n) {
  uint64_t h = mix(n);
  for (size_t i = 0; i < n; i++)
    h += mix(attr_hash(&attrs[i])); /* a sum: the order does not matter */
  return h;
}
