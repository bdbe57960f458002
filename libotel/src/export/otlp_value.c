/* Array attributes as OTLP AnyValue messages (the scalars are inline in otlp_value.h). */
#include "export/otlp_value.h"

/* One element of an array attribute as a scalar attribute, and its string's length. */
static otel_attr_t array_item(const otel_attr_t *a, size_t i, size_t *slen) {
  otel_attr_t one = {.key = a->key};
  *slen = 0;
  switch (a->type) {
  case OTEL_VALUE_STRING_ARRAY: {
    const char *s = ((const char *const *)a->v.array.items)[i];
    one.type = OTEL_VALUE_STRING;
    one.v.s = s ? s : "";
    *slen = strlen(one.v.s);
    break;
  }
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

/* The fields of the ArrayValue of a: its elements, each an AnyValue. */
static size_t array_size(const otel_attr_t *a) {
  size_t n = 0;
  for (size_t i = 0; i < a->v.array.len; i++) {
    size_t slen;
    otel_attr_t one = array_item(a, i, &slen);
    size_t m = otel__otlp_value_size(&one, slen);
    n += otel__pb_delimited_size(m);
  }
  return n;
}

size_t otel__otlp_array_value_size(const otel_attr_t *a) {
  return otel__pb_delimited_size(array_size(a));
}

uint8_t *otel__otlp_array_value_write(uint8_t *p, const otel_attr_t *a) {
  p = otel__pb_put_tag(p, OTLP_ANY_VALUE_ARRAY, OTEL__WIRE_LEN);
  p = otel__pb_put_varint(p, array_size(a));
  for (size_t i = 0; i < a->v.array.len; i++) {
    size_t slen;
    otel_attr_t one = array_item(a, i, &slen);
    p = otel__pb_put_tag(p, OTLP_ARRAY_VALUE_VALUES, OTEL__WIRE_LEN);
    p = otel__pb_put_varint(p, otel__otlp_value_size(&one, slen));
    p = otel__otlp_value_write(p, &one, slen);
  }
  return p;
}
