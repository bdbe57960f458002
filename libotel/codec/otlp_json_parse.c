/*
 * Descriptor-driven OTLP/JSON reader: the inverse of otlp_json.c, for
 * receivers. Field names are accepted in lowerCamelCase or as in the .proto;
 * trace and span ids are hex; 64-bit integers come as strings or numbers;
 * enums as integers; other bytes as base64. Unknown fields are ignored, as
 * the protocol asks. The message is built with malloc, so
 * protobuf_c_message_free_unpacked(m, NULL) frees it.
 */
#include "otlp_codec.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32 /* OTLP nests about 10 deep; AnyValue arrays add some */

/* The field of d named key in lowerCamelCase or snake_case. */
static const ProtobufCFieldDescriptor *field_named(const ProtobufCMessageDescriptor *d,
                                                   const char *key) {
  const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, key);
  if (f)
    return f;
  char snake[128];
  size_t n = 0;
  for (const char *p = key; *p && n + 2 < sizeof(snake); p++) {
    if (*p >= 'A' && *p <= 'Z') {
      snake[n++] = '_';
      snake[n++] = (char)(*p + 32);
    } else {
      snake[n++] = *p;
    }
  }
  snake[n] = '\0';
  return protobuf_c_message_descriptor_get_field_by_name(d, snake);
}

static int parse_bytes(const char *s, bool hex, ProtobufCBinaryData *out) {
  size_t n = strlen(s);
  uint8_t *data = malloc(n + 1);
  if (!data)
    return -ENOMEM;
  size_t len = 0;
  if (hex) {
    if (n % 2)
      goto bad;
    for (size_t i = 0; i < n; i += 2) {
      int hi = otlp_hex_value(s[i]), lo = otlp_hex_value(s[i + 1]);
      if (hi < 0 || lo < 0)
        goto bad;
      data[len++] = (uint8_t)(hi << 4 | lo);
    }
  } else if (otlp_base64_decode(s, n, data, &len)) {
    goto bad;
  }
  out->data = data;
  out->len = len;
  return 0;
bad:
  free(data);
  return -EINVAL;
}

static int parse_double(const json_t *v, double *out) {
  if (json_is_number(v)) {
    *out = json_number_value(v);
    return 0;
  }
  const char *s = json_string_value(v);
  if (!s)
    return -EINVAL;
  if (!strcmp(s, "NaN"))
    *out = NAN;
  else if (!strcmp(s, "Infinity"))
    *out = INFINITY;
  else if (!strcmp(s, "-Infinity"))
    *out = -INFINITY;
  else
    return -EINVAL;
  return 0;
}

/* An integer as a JSON number or a decimal string. */
static int parse_integer(const json_t *v, bool is_signed, uint64_t *out) {
  if (json_is_integer(v)) {
    *out = (uint64_t)json_integer_value(v);
    return 0;
  }
  const char *s = json_string_value(v);
  if (!s || !*s)
    return -EINVAL;
  char *end;
  errno = 0;
  *out = is_signed ? (uint64_t)strtoll(s, &end, 10) : strtoull(s, &end, 10);
  return errno || *end || (!is_signed && s[0] == '-') ? -EINVAL : 0;
}

static int parse_message(const ProtobufCMessageDescriptor *d, const json_t *obj, int depth,
                         ProtobufCMessage **out);

/* Parses v into the member at p, of field f's type. */
static int parse_scalar(const ProtobufCFieldDescriptor *f, const json_t *v, void *p, int depth) {
  uint64_t u;
  double dbl;
  switch (f->type) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32:
  case PROTOBUF_C_TYPE_ENUM:
    if (parse_integer(v, true, &u) || (int64_t)u < INT32_MIN || (int64_t)u > INT32_MAX)
      return -EINVAL;
    *(int32_t *)p = (int32_t)u;
    return 0;
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32:
    if (parse_integer(v, false, &u) || u > UINT32_MAX)
      return -EINVAL;
    *(uint32_t *)p = (uint32_t)u;
    return 0;
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64: {
    bool is_signed = f->type != PROTOBUF_C_TYPE_UINT64 && f->type != PROTOBUF_C_TYPE_FIXED64;
    if (parse_integer(v, is_signed, &u))
      return -EINVAL;
    *(uint64_t *)p = u;
    return 0;
  }
  case PROTOBUF_C_TYPE_FLOAT:
    if (parse_double(v, &dbl))
      return -EINVAL;
    *(float *)p = (float)dbl;
    return 0;
  case PROTOBUF_C_TYPE_DOUBLE:
    return parse_double(v, (double *)p);
  case PROTOBUF_C_TYPE_BOOL:
    if (!json_is_boolean(v))
      return -EINVAL;
    *(protobuf_c_boolean *)p = json_is_true(v);
    return 0;
  case PROTOBUF_C_TYPE_STRING: {
    const char *s = json_string_value(v);
    if (!s)
      return -EINVAL;
    char *copy = strdup(s);
    if (!copy)
      return -ENOMEM;
    *(char **)p = copy;
    return 0;
  }
  case PROTOBUF_C_TYPE_BYTES: {
    const char *s = json_string_value(v);
    return s ? parse_bytes(s, otlp_json_is_id_field(f->name), p) : -EINVAL;
  }
  case PROTOBUF_C_TYPE_MESSAGE:
    return parse_message(f->descriptor, v, depth + 1, (ProtobufCMessage **)p);
  }
  return -EINVAL;
}

static int parse_repeated(const ProtobufCFieldDescriptor *f, const json_t *v, char *base,
                          int depth) {
  if (!json_is_array(v))
    return -EINVAL;
  size_t n = json_array_size(v), size = otlp_pb_member_size(f->type);
  if (*(size_t *)(base + f->quantifier_offset))
    return -EINVAL; /* the same field twice */
  char *items = calloc(n ? n : 1, size);
  if (!items)
    return -ENOMEM;
  *(void **)(base + f->offset) = items;
  for (size_t i = 0; i < n; i++) {
    int rc = parse_scalar(f, json_array_get(v, i), items + i * size, depth);
    /* Counted items are freed with the message: a half-made message too. */
    if (rc == 0 || (f->type == PROTOBUF_C_TYPE_MESSAGE && *(void **)(items + i * size)))
      *(size_t *)(base + f->quantifier_offset) = i + 1;
    if (rc)
      return rc;
  }
  return 0;
}

static int parse_message(const ProtobufCMessageDescriptor *d, const json_t *obj, int depth,
                         ProtobufCMessage **out) {
  *out = NULL;
  if (!json_is_object(obj) || depth > MAX_DEPTH)
    return -EINVAL;
  ProtobufCMessage *m = malloc(d->sizeof_message);
  if (!m)
    return -ENOMEM;
  d->message_init(m);
  *out = m;
  char *base = (char *)m;
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)obj, key, v) {
    const ProtobufCFieldDescriptor *f = field_named(d, key);
    if (!f || json_is_null(v))
      continue; /* unknown fields are skipped */
    int rc;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      rc = parse_repeated(f, v, base, depth);
    } else {
      void *member = base + f->offset;
      if (f->type == PROTOBUF_C_TYPE_MESSAGE && *(void **)member)
        return -EINVAL; /* the same field twice */
      if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        uint32_t *which = (uint32_t *)(base + f->quantifier_offset);
        if (*which)
          return -EINVAL; /* two members of one oneof: the freeing must know which */
        rc = parse_scalar(f, v, member, depth);
        if (rc == 0 || f->type == PROTOBUF_C_TYPE_MESSAGE || f->type == PROTOBUF_C_TYPE_STRING ||
            f->type == PROTOBUF_C_TYPE_BYTES)
          *which = f->id; /* set even on failure, so what was made is freed */
      } else {
        /* A field given twice (as traceId and trace_id): the first must not leak. */
        if (f->type == PROTOBUF_C_TYPE_STRING) {
          const char *old = *(char **)member;
          if (old && old != protobuf_c_empty_string && old != (const char *)f->default_value)
            return -EINVAL;
        }
        if (f->type == PROTOBUF_C_TYPE_BYTES && ((ProtobufCBinaryData *)member)->data)
          return -EINVAL;
        rc = parse_scalar(f, v, member, depth);
        if (rc == 0 && f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset)
          *(protobuf_c_boolean *)(base + f->quantifier_offset) = 1;
      }
    }
    if (rc)
      return rc;
  }
  return 0;
}

int otlp_json_decode(const ProtobufCMessageDescriptor *d, const char *json, size_t len,
                     ProtobufCMessage **out) {
  json_error_t error;
  json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &error);
  *out = NULL;
  if (!root)
    return -EINVAL;
  ProtobufCMessage *m = NULL;
  int rc = parse_message(d, root, 0, &m);
  json_decref(root);
  if (rc) {
    if (m)
      protobuf_c_message_free_unpacked(m, NULL);
    return rc;
  }
  *out = m;
  return 0;
}
