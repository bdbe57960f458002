/*
 * Descriptor-driven OTLP/JSON writer. Walking the descriptor instead of each
 * message type by hand means traces, metrics and logs share one writer, and
 * a field added to the .proto needs no code here.
 */
#include "otlp_codec.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

/* The lowerCamelCase JSON name of a snake_case field name. */
static void put_json_name(otlp_buf_t *out, const char *name) {
  otlp_buf_putc(out, '"');
  for (const char *p = name; *p; p++) {
    if (*p == '_' && p[1]) {
      p++;
      otlp_buf_putc(out, (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
    } else {
      otlp_buf_putc(out, *p);
    }
  }
  otlp_buf_puts(out, "\":");
}

/* OTLP encodes these bytes fields as hex rather than base64. */
bool otlp_json_is_id_field(const char *name) {
  return !strcmp(name, "trace_id") || !strcmp(name, "span_id") || !strcmp(name, "parent_span_id");
}

static void put_double(otlp_buf_t *out, double d) {
  if (isnan(d))
    otlp_buf_puts(out, "\"NaN\"");
  else if (isinf(d))
    otlp_buf_puts(out, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  else
    otlp_buf_put_double(out, d);
}

static void put_scalar(otlp_buf_t *out, const ProtobufCFieldDescriptor *f, const void *p) {
  switch (f->type) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32:
  case PROTOBUF_C_TYPE_ENUM:
    otlp_buf_printf(out, "%" PRId32, *(const int32_t *)p);
    break;
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32:
    otlp_buf_printf(out, "%" PRIu32, *(const uint32_t *)p);
    break;
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
    otlp_buf_printf(out, "\"%" PRId64 "\"", *(const int64_t *)p);
    break;
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
    otlp_buf_printf(out, "\"%" PRIu64 "\"", *(const uint64_t *)p);
    break;
  case PROTOBUF_C_TYPE_FLOAT:
    put_double(out, *(const float *)p);
    break;
  case PROTOBUF_C_TYPE_DOUBLE:
    put_double(out, *(const double *)p);
    break;
  case PROTOBUF_C_TYPE_BOOL:
    otlp_buf_puts(out, *(const protobuf_c_boolean *)p ? "true" : "false");
    break;
  case PROTOBUF_C_TYPE_STRING: {
    const char *s = *(char *const *)p;
    otlp_buf_json_string(out, s ? s : "", s ? strlen(s) : 0);
    break;
  }
  case PROTOBUF_C_TYPE_BYTES: {
    const ProtobufCBinaryData *b = p;
    otlp_buf_putc(out, '"');
    if (otlp_json_is_id_field(f->name))
      otlp_buf_hex(out, b->data, b->len);
    else
      otlp_buf_base64(out, b->data, b->len);
    otlp_buf_putc(out, '"');
    break;
  }
  case PROTOBUF_C_TYPE_MESSAGE:
    otlp_json_encode(*(ProtobufCMessage *const *)p, out);
    break;
  }
}

size_t otlp_pb_member_size(ProtobufCType t) {
  switch (t) {
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
  case PROTOBUF_C_TYPE_DOUBLE:
    return 8;
  case PROTOBUF_C_TYPE_BOOL:
    return sizeof(protobuf_c_boolean);
  case PROTOBUF_C_TYPE_STRING:
  case PROTOBUF_C_TYPE_MESSAGE:
    return sizeof(void *);
  case PROTOBUF_C_TYPE_BYTES:
    return sizeof(ProtobufCBinaryData);
  default:
    return 4;
  }
}

/* Whether a singular proto3 field holds its default, which JSON leaves out. */
static bool is_default(const ProtobufCFieldDescriptor *f, const void *p) {
  switch (f->type) {
  case PROTOBUF_C_TYPE_STRING: {
    const char *s = *(char *const *)p;
    return !s || !*s;
  }
  case PROTOBUF_C_TYPE_MESSAGE:
    return *(void *const *)p == NULL;
  case PROTOBUF_C_TYPE_BYTES:
    return ((const ProtobufCBinaryData *)p)->len == 0;
  case PROTOBUF_C_TYPE_DOUBLE:
    return *(const double *)p == 0.0 && !signbit(*(const double *)p);
  case PROTOBUF_C_TYPE_FLOAT:
    return *(const float *)p == 0.0f;
  default: {
    static const uint8_t zero[8];
    return !memcmp(p, zero, otlp_pb_member_size(f->type));
  }
  }
}

void otlp_json_encode(const ProtobufCMessage *m, otlp_buf_t *out) {
  const ProtobufCMessageDescriptor *d = m->descriptor;
  const char *base = (const char *)m;
  bool first = true;
  otlp_buf_putc(out, '{');
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    const void *member = base + f->offset;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *(const size_t *)(base + f->quantifier_offset);
      if (!n)
        continue;
      if (!first)
        otlp_buf_putc(out, ',');
      first = false;
      put_json_name(out, f->name);
      otlp_buf_putc(out, '[');
      const char *items = *(char *const *)member;
      size_t step = otlp_pb_member_size(f->type);
      for (size_t k = 0; k < n; k++) {
        if (k)
          otlp_buf_putc(out, ',');
        put_scalar(out, f, items + k * step);
      }
      otlp_buf_putc(out, ']');
      continue;
    }
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      if (*(const uint32_t *)(base + f->quantifier_offset) != f->id)
        continue;
    } else if (is_default(f, member)) {
      continue;
    }
    if (!first)
      otlp_buf_putc(out, ',');
    first = false;
    put_json_name(out, f->name);
    put_scalar(out, f, member);
  }
  otlp_buf_putc(out, '}');
}
