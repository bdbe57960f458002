/*
 * Building blocks of every OTLP message, written with the backward protobuf
 * writer: attribute lists, the resource and the instrumentation scope. Each
 * writes one field of the enclosing message.
 */
#ifndef OTEL_OTLP_COMMON_H
#define OTEL_OTLP_COMMON_H

#include <protobuf-c/protobuf-c.h>

#include "common/attrs.h"
#include "common/resource.h"
#include "otlp_codec.h"
#include "export/pbw.h"
#include <stdbool.h>

/* Writes a's attributes as repeated KeyValue field `field`, in order: the
 * bytes each was encoded to when it was set. */
void otel__otlp_put_attrs(otel__pbw_t *w, uint32_t field, const otel__attrs_t *a);

/* The same for a set whose items from `at` on are block b's (b may be
 * NULL): while they are intact, b's encoded bytes are copied whole. */
void otel__otlp_put_attrs_block(otel__pbw_t *w, uint32_t field, const otel__attrs_t *a,
                                const struct otel_attr_block *b, uint32_t at);

/* The same for attributes as the API takes them, attrs[0..n), encoded here
 * (a NULL key or string as ""). */
void otel__otlp_put_attr_array(otel__pbw_t *w, uint32_t field, const otel_attr_t *attrs, size_t n);

/* Writes the resource's attributes as a Resource, message field `field`,
 * and its schema URL beside it (ResourceSpans' and its twins' field). */
void otel__otlp_put_resource(otel__pbw_t *w, uint32_t field, const otel__resource_t *resource);

/* Writes the scope named name as message field `field`, with what
 * otel_scope_describe() said of it, and its schema URL as field
 * schema_field of the message around (ScopeMetrics, ScopeLogs). */
void otel__otlp_put_named_scope(otel__pbw_t *w, uint32_t field, uint32_t schema_field,
                                const char *name);

/* Writes an InstrumentationScope as message field `field`. */
/* An InstrumentationScope as field `field`; attrs may be NULL. */
void otel__otlp_put_scope(otel__pbw_t *w, uint32_t field, const char *name, const char *version,
                          const otel__attrs_t *attrs);

/* Decodes a protobuf message of type d and appends it as OTLP/JSON to out.
 * -EINVAL when it does not decode. */
int otel__otlp_pb_to_json(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t n,
                          otlp_buf_t *out);

/* The body to send for an encoded request: the protobuf bytes in w as they
 * are, or, for http/json, the same request (message type d) as OTLP/JSON in
 * json. *body and *len are borrowed from w or json. 0, -EINVAL or -ENOMEM. */
int otel__otlp_body(const otel__pbw_t *w, const ProtobufCMessageDescriptor *d, bool as_json,
                    otlp_buf_t *json, const void **body, size_t *len);

#endif
