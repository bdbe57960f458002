/* Attribute sets: copying, replacing by key, and the specification's limits. */
#include "attrs.h"

#include <string.h>

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

/* Copies attr's value into *out, strings and arrays into the arena. */
static bool copy_value(otel_attr_t *out, const otel_attr_t *attr, otel__arena_t *arena,
                       uint32_t max_chars) {
  out->type = attr->type;
  switch (attr->type) {
  case OTEL_VALUE_STRING:
    out->v.s = copy_string(arena, attr->v.s, max_chars);
    return out->v.s != NULL;
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

const otel_attr_t *otel__attrs_find(const otel__attrs_t *a, const char *key) {
  for (uint32_t i = 0; i < a->n; i++)
    if (a->items[i].key[0] == key[0] && !strcmp(a->items[i].key, key))
      return &a->items[i];
  return NULL;
}

void otel__attrs_set(otel__attrs_t *a, otel__arena_t *arena, const otel_attr_t *attr,
                     otel__attr_limits_t limits) {
  if (!attr->key || !attr->key[0]) {
    a->dropped++;
    return;
  }
  otel_attr_t *slot = (otel_attr_t *)otel__attrs_find(a, attr->key);
  if (slot) {
    otel_attr_t copy;
    if (copy_value(&copy, attr, arena, limits.value_length)) {
      copy.key = slot->key;
      *slot = copy;
    }
    return;
  }
  if (a->n >= limits.count) {
    a->dropped++;
    return;
  }
  if (a->n == a->cap) {
    uint32_t cap = a->cap ? a->cap * 2 : 8;
    if (cap > limits.count)
      cap = limits.count;
    otel_attr_t *items = otel__arena_alloc(arena, cap * sizeof(*items));
    if (!items) {
      a->dropped++;
      return;
    }
    if (a->n)
      memcpy(items, a->items, a->n * sizeof(*items));
    a->items = items;
    a->cap = cap;
  }
  otel_attr_t *out = &a->items[a->n];
  out->key = otel__arena_strdup(arena, attr->key);
  if (!out->key || !copy_value(out, attr, arena, limits.value_length)) {
    a->dropped++;
    return;
  }
  a->n++;
}
