/* Attributes, resource and scope in OTLP protobuf, and protobuf to OTLP/JSON. */
#include "export/otlp_common.h"

#include "common/scopes.h"

#include <errno.h>
#include <string.h>

#include "export/otlp_fields.h"
#include "otlp_codec.h"
#include "export/otlp_value.h"

/* a's items [from, to), backward: each reserved whole, its field's tag and
 * length included, and written forward. */
static void put_items(otel__pbw_t *w, uint32_t field, const otel__attrs_t *a, uint32_t from,
                      uint32_t to) {
  size_t tag = otel__pb_varint_size((uint64_t)field << 3 | OTEL__WIRE_LEN);
  for (uint32_t i = to; i-- > from;) {
    const otel__attr_item_t *item = &a->items[i];
    size_t size = otel__otlp_kv_size(item->key_len, item->value_len);
    uint8_t *p = otel__pbw_reserve(w, tag + otel__pb_varint_size(size) + size);
    if (!p)
      return; /* the writer has failed */
    p = otel__pb_put_varint(otel__pb_put_tag(p, field, OTEL__WIRE_LEN), size);
    otel__pb_copy(otel__otlp_kv_head(p, item->attr.key, item->key_len, item->value_len),
                  item->value, item->value_len);
  }
}

void otel__otlp_put_attrs(otel__pbw_t *w, uint32_t field, const otel__attrs_t *a) {
  put_items(w, field, a, 0, a->n);
}

void otel__otlp_put_attrs_block(otel__pbw_t *w, uint32_t field, const otel__attrs_t *a,
                                const struct otel_attr_block *b, uint32_t at) {
  if (!b || b->field != field || !otel__attrs_block_intact(a, at, b)) {
    put_items(w, field, a, 0, a->n);
    return;
  }
  put_items(w, field, a, at + b->attrs.n, a->n);
  uint8_t *p = otel__pbw_reserve(w, b->encoded_len);
  if (p && b->encoded_len)
    memcpy(p, b->encoded, b->encoded_len);
  put_items(w, field, a, 0, at);
}

void otel__otlp_put_attr_array(otel__pbw_t *w, uint32_t field, const otel_attr_t *attrs, size_t n) {
  for (size_t i = n; i-- > 0;) {
    otel_attr_t a = attrs[i];
    if (a.type == OTEL_VALUE_STRING && !a.v.s)
      a.v.s = "";
    const char *key = a.key ? a.key : "";
    size_t klen = strlen(key), slen = a.type == OTEL_VALUE_STRING ? strlen(a.v.s) : 0;
    size_t value_len = otel__otlp_value_size(&a, slen);
    size_t size = otel__otlp_kv_size(klen, value_len);
    uint8_t *p = otel__pbw_reserve(w, size);
    if (p)
      otel__otlp_value_write(otel__otlp_kv_head(p, key, klen, value_len), &a, slen);
    otel__pbw_raw_varint(w, size);
    otel__pbw_tag(w, field, OTEL__WIRE_LEN);
  }
}

void otel__otlp_put_resource(otel__pbw_t *w, uint32_t field, const otel__resource_t *resource) {
  const otel__attrs_t *attrs = &resource->attrs;
  otel__pbw_string_nz(w, OTLP_RESOURCE_SIGNAL_SCHEMA_URL, resource->schema_url);
  size_t mark = otel__pbw_mark(w);
  otel__pbw_varint_nz(w, OTLP_RESOURCE_DROPPED_ATTRIBUTES_COUNT, attrs->dropped);
  otel__otlp_put_attrs(w, OTLP_RESOURCE_ATTRIBUTES, attrs);
  otel__pbw_close(w, field, mark);
}

void otel__otlp_put_named_scope(otel__pbw_t *w, uint32_t field, uint32_t schema_field,
                                const char *name) {
  const otel__scope_t *d = otel__scope_find(name);
  otel__pbw_string_nz(w, schema_field, d ? d->schema_url : NULL);
  otel__otlp_put_scope(w, field, name, d ? d->version : NULL, d ? &d->attrs : NULL);
}

void otel__otlp_put_scope(otel__pbw_t *w, uint32_t field, const char *name, const char *version,
                          const otel__attrs_t *attrs) {
  size_t mark = otel__pbw_mark(w);
  if (attrs) {
    otel__pbw_varint_nz(w, OTLP_SCOPE_DROPPED_ATTRIBUTES_COUNT, attrs->dropped);
    otel__otlp_put_attrs(w, OTLP_SCOPE_ATTRIBUTES, attrs);
  }
  otel__pbw_string_nz(w, OTLP_SCOPE_VERSION, version);
  otel__pbw_string_nz(w, OTLP_SCOPE_NAME, name);
  otel__pbw_close(w, field, mark);
}

int otel__otlp_pb_to_json(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t n,
                          otlp_buf_t *out) {
  ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, n, p);
  if (!m)
    return -EINVAL;
  otlp_json_encode(m, out);
  protobuf_c_message_free_unpacked(m, NULL);
  return out->failed ? -ENOMEM : 0;
}

int otel__otlp_body(const otel__pbw_t *w, const ProtobufCMessageDescriptor *d, bool as_json,
                    otlp_buf_t *json, const void **body, size_t *len) {
  *body = otel__pbw_data(w);
  *len = otel__pbw_len(w);
  if (!as_json)
    return 0;
  otlp_buf_clear(json);
  int rc = otel__otlp_pb_to_json(d, otel__pbw_data(w), otel__pbw_len(w), json);
  *body = json->data;
  *len = json->len;
  return rc;
}
