/*
 * An attribute's value as an OTLP AnyValue message, written forward into a
 * buffer of its exact size. Attribute sets keep each value encoded so from
 * the moment it is set, and an export copies those bytes as they are.
 * Scalars are encoded inline, for every attribute of every span; arrays in
 * otlp_value.c.
 */
#ifndef OTEL_OTLP_VALUE_H
#define OTEL_OTLP_VALUE_H

#include <otel/otel.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "export/otlp_fields.h"
#include "export/pbw.h"

/* The AnyValue message of array attribute a: its size, and writing it at p
 * (returning the byte after). The strings of a string array are taken whole,
 * NULL as "". */
size_t otel__otlp_array_value_size(const otel_attr_t *a);
uint8_t *otel__otlp_array_value_write(uint8_t *p, const otel_attr_t *a);

/* The size of the AnyValue message holding a's value, a string being
 * a->v.s[0..slen). Oneof members are written even when zero: in a oneof,
 * presence is the value. */
static inline size_t otel__otlp_value_size(const otel_attr_t *a, size_t slen) {
  switch (a->type) {
  case OTEL_VALUE_STRING:
    return otel__pb_delimited_size(slen);
  case OTEL_VALUE_BOOL:
    return 2;
  case OTEL_VALUE_INT:
    return 1 + otel__pb_varint_size((uint64_t)a->v.i);
  case OTEL_VALUE_DOUBLE:
    return 9;
  default:
    return otel__otlp_array_value_size(a);
  }
}

/* Writes that message at p; returns the byte after it. */
static inline uint8_t *otel__otlp_value_write(uint8_t *p, const otel_attr_t *a, size_t slen) {
  switch (a->type) {
  case OTEL_VALUE_STRING:
    return otel__pb_put_bytes(p, OTLP_ANY_VALUE_STRING, a->v.s, slen);
  case OTEL_VALUE_BOOL:
    p = otel__pb_put_tag(p, OTLP_ANY_VALUE_BOOL, OTEL__WIRE_VARINT);
    *p++ = a->v.b ? 1 : 0;
    return p;
  case OTEL_VALUE_INT:
    p = otel__pb_put_tag(p, OTLP_ANY_VALUE_INT, OTEL__WIRE_VARINT);
    return otel__pb_put_varint(p, (uint64_t)a->v.i);
  case OTEL_VALUE_DOUBLE: {
    uint64_t bits;
    memcpy(&bits, &a->v.d, sizeof(bits));
    p = otel__pb_put_tag(p, OTLP_ANY_VALUE_DOUBLE, OTEL__WIRE_FIXED64);
    return otel__pb_put_le(p, bits, 8);
  }
  default:
    return otel__otlp_array_value_write(p, a);
  }
}

/* The fields of a KeyValue message for a key of klen bytes and an AnyValue
 * of value_len bytes: their size. */
static inline size_t otel__otlp_kv_size(size_t klen, size_t value_len) {
  return otel__pb_delimited_size(klen) + otel__pb_delimited_size(value_len);
}

/* Writes a KeyValue's key and the tag and length of its value at p; returns
 * where the value's value_len bytes go. */
static inline uint8_t *otel__otlp_kv_head(uint8_t *p, const char *key, size_t klen,
                                          size_t value_len) {
  p = otel__pb_put_bytes(p, OTLP_KEY_VALUE_KEY, key, klen);
  p = otel__pb_put_tag(p, OTLP_KEY_VALUE_VALUE, OTEL__WIRE_LEN);
  return otel__pb_put_varint(p, value_len);
}

#endif
