/* Attributes, resource and scope as OTLP protobuf-c structs, allocated in an arena. */
#include "otlp_common.h"

#include <string.h>

/* protobuf-c's struct fields are not const, but packing never writes them. */
#define MUTABLE(s) ((char *)(s))

static bool fill_value(otel__arena_t *arena, otel__pb_any_t *v, const otel_attr_t *a) {
  opentelemetry__proto__common__v1__any_value__init(v);
  switch (a->type) {
  case OTEL_VALUE_STRING:
    v->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
    v->string_value = MUTABLE(a->v.s);
    return true;
  case OTEL_VALUE_BOOL:
    v->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE;
    v->bool_value = a->v.b;
    return true;
  case OTEL_VALUE_INT:
    v->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
    v->int_value = a->v.i;
    return true;
  case OTEL_VALUE_DOUBLE:
    v->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE;
    v->double_value = a->v.d;
    return true;
  case OTEL_VALUE_STRING_ARRAY:
  case OTEL_VALUE_BOOL_ARRAY:
  case OTEL_VALUE_INT_ARRAY:
  case OTEL_VALUE_DOUBLE_ARRAY:
    break;
  }
  size_t n = a->v.array.len;
  Opentelemetry__Proto__Common__V1__ArrayValue *arr = otel__arena_alloc(arena, sizeof(*arr));
  otel__pb_any_t *items = otel__arena_alloc(arena, n * sizeof(*items) + 1);
  otel__pb_any_t **ptrs = otel__arena_alloc(arena, n * sizeof(*ptrs) + 1);
  if (!arr || !items || !ptrs)
    return false;
  opentelemetry__proto__common__v1__array_value__init(arr);
  for (size_t i = 0; i < n; i++) {
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
    fill_value(arena, &items[i], &one);
    ptrs[i] = &items[i];
  }
  arr->n_values = n;
  arr->values = ptrs;
  v->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE;
  v->array_value = arr;
  return true;
}

otel__pb_kv_t **otel__pb_attrs(otel__arena_t *arena, const otel__attrs_t *a, size_t *n) {
  *n = 0;
  if (!a->n)
    return NULL;
  otel__pb_kv_t *kvs = otel__arena_alloc(arena, a->n * sizeof(*kvs));
  otel__pb_any_t *values = otel__arena_alloc(arena, a->n * sizeof(*values));
  otel__pb_kv_t **ptrs = otel__arena_alloc(arena, a->n * sizeof(*ptrs));
  if (!kvs || !values || !ptrs)
    return NULL;
  for (uint32_t i = 0; i < a->n; i++) {
    opentelemetry__proto__common__v1__key_value__init(&kvs[i]);
    kvs[i].key = MUTABLE(a->items[i].key);
    if (!fill_value(arena, &values[i], &a->items[i]))
      return NULL;
    kvs[i].value = &values[i];
    ptrs[i] = &kvs[i];
  }
  *n = a->n;
  return ptrs;
}

otel__pb_resource_t *otel__pb_resource(otel__arena_t *arena, const otel__attrs_t *attrs) {
  otel__pb_resource_t *r = otel__arena_alloc(arena, sizeof(*r));
  if (!r)
    return NULL;
  opentelemetry__proto__resource__v1__resource__init(r);
  r->attributes = otel__pb_attrs(arena, attrs, &r->n_attributes);
  r->dropped_attributes_count = attrs->dropped;
  return r;
}

otel__pb_scope_t *otel__pb_scope(otel__arena_t *arena, const char *name, const char *version) {
  otel__pb_scope_t *s = otel__arena_alloc(arena, sizeof(*s));
  if (!s)
    return NULL;
  opentelemetry__proto__common__v1__instrumentation_scope__init(s);
  s->name = MUTABLE(name ? name : "");
  s->version = MUTABLE(version ? version : "");
  return s;
}

bool otel__pb_pack(const ProtobufCMessage *m, otel__buf_t *out) {
  otel__buf_clear(out);
  size_t size = protobuf_c_message_get_packed_size(m);
  if (!otel__buf_reserve(out, size))
    return false;
  out->len = protobuf_c_message_pack(m, (uint8_t *)out->data);
  return true;
}
