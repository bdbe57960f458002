/* Attributes, resource and scope in OTLP protobuf, and protobuf to OTLP/JSON. */
#include "otlp_common.h"

#include <errno.h>
#include <string.h>

#include "otlp_fields.h"
#include "otlp_json.h"

/* One element of an array attribute as a scalar attribute. */
static otel_attr_t array_item(const otel_attr_t *a, size_t i) {
  otel_attr_t one = {.key = a->key};
  switch (a->type) {
  case OTEL_VALUE_STRING_ARRAY:
    one.type = OTEL_VALUE_STRING;
    one.v.s = ((const char *const *)a->v.array.items)[i];
    break;
  case OTEL_VALUE_BOOL_ARRAY:
    one.type = OTEL_VALUE_BOOL;
    one.v.b = ((const bool *)a->v.array.items)[i];
    break;
  case OTEL_VALUE_INT_ARRAY:
    one.type = OTEL_VALUE_INT;
    one.v.i = ((const int64_t *)a->v.array.items)[i];
    break;
  default:
    one.type = OTEL_VALUE_DOUBLE;
    one.v.d = ((const double *)a->v.array.items)[i];
    break;
  }
  return one;
}

/* An AnyValue as field `field`. Oneof members are written even when zero:
 * in a oneof, presence is the value. */
void otel__otlp_put_value(otel__pbw_t *w, uint32_t field, const otel_attr_t *a) {
  size_t mark = otel__pbw_mark(w);
  switch (a->type) {
  case OTEL_VALUE_STRING:
    otel__pbw_bytes(w, OTLP_ANY_VALUE_STRING, a->v.s, strlen(a->v.s));
    break;
  case OTEL_VALUE_BOOL:
    otel__pbw_varint(w, OTLP_ANY_VALUE_BOOL, a->v.b);
    break;
  case OTEL_VALUE_INT:
    otel__pbw_varint(w, OTLP_ANY_VALUE_INT, (uint64_t)a->v.i);
    break;
  case OTEL_VALUE_DOUBLE:
    otel__pbw_double(w, OTLP_ANY_VALUE_DOUBLE, a->v.d);
    break;
  default: {
    size_t array = otel__pbw_mark(w);
    for (size_t i = a->v.array.len; i-- > 0;) {
      otel_attr_t one = array_item(a, i);
      otel__otlp_put_value(w, OTLP_ARRAY_VALUE_VALUES, &one);
    }
    otel__pbw_close(w, OTLP_ANY_VALUE_ARRAY, array);
    break;
  }
  }
  otel__pbw_close(w, field, mark);
}

void otel__otlp_put_attrs(otel__pbw_t *w, uint32_t field, const otel__attrs_t *a) {
  for (uint32_t i = a->n; i-- > 0;) {
    size_t mark = otel__pbw_mark(w);
    otel__otlp_put_value(w, OTLP_KEY_VALUE_VALUE, &a->items[i]);
    otel__pbw_bytes(w, OTLP_KEY_VALUE_KEY, a->items[i].key, strlen(a->items[i].key));
    otel__pbw_close(w, field, mark);
  }
}

void otel__otlp_put_resource(otel__pbw_t *w, uint32_t field, const otel__attrs_t *attrs) {
  size_t mark = otel__pbw_mark(w);
  otel__pbw_varint_nz(w, OTLP_RESOURCE_DROPPED_ATTRIBUTES_COUNT, attrs->dropped);
  otel__otlp_put_attrs(w, OTLP_RESOURCE_ATTRIBUTES, attrs);
  otel__pbw_close(w, field, mark);
}

void otel__otlp_put_scope(otel__pbw_t *w, uint32_t field, const char *name, const char *version) {
  size_t mark = otel__pbw_mark(w);
  otel__pbw_string_nz(w, OTLP_SCOPE_VERSION, version);
  otel__pbw_string_nz(w, OTLP_SCOPE_NAME, name);
  otel__pbw_close(w, field, mark);
}

int otel__otlp_pb_to_json(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t n,
                          otel__buf_t *out) {
  ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, n, p);
  if (!m)
    return -EINVAL;
  otel__otlp_json(m, out);
  protobuf_c_message_free_unpacked(m, NULL);
  return out->failed ? -ENOMEM : 0;
}

int otel__otlp_body(const otel__pbw_t *w, const ProtobufCMessageDescriptor *d, bool as_json,
                    otel__buf_t *json, const void **body, size_t *len) {
  *body = otel__pbw_data(w);
  *len = otel__pbw_len(w);
  if (!as_json)
    return 0;
  otel__buf_clear(json);
  int rc = otel__otlp_pb_to_json(d, otel__pbw_data(w), otel__pbw_len(w), json);
  *body = json->data;
  *len = json->len;
  return rc;
}
