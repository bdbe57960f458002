/* Attribute sets as the public API reads them (otel_attr_list_t, <otel/otel.h>). */
#include "common/attrs.h"

static const otel__attrs_t *attrs_of(const otel_attr_list_t *l) {
  return (const otel__attrs_t *)(const void *)l;
}

size_t otel_attr_list_len(const otel_attr_list_t *list) { return list ? attrs_of(list)->n : 0; }

const otel_attr_t *otel_attr_list_at(const otel_attr_list_t *list, size_t i) {
  return i < otel_attr_list_len(list) ? &attrs_of(list)->items[i].attr : NULL;
}

const otel_attr_t *otel_attr_list_find(const otel_attr_list_t *list, const char *key) {
  return list && key ? otel__attrs_find(attrs_of(list), key) : NULL;
}

uint32_t otel_attr_list_dropped(const otel_attr_list_t *list) {
  return list ? attrs_of(list)->dropped : 0;
}
