/*
 * Building blocks of every OTLP message: attributes as KeyValue lists, the
 * resource and the instrumentation scope, as protobuf-c structs whose memory
 * (and the strings they point to) lives in an export batch's arena.
 */
#ifndef OTEL_OTLP_COMMON_H
#define OTEL_OTLP_COMMON_H

#include "arena.h"
#include "attrs.h"
#include "buf.h"
#include "otlp/common.pb-c.h"
#include "otlp/resource.pb-c.h"

typedef Opentelemetry__Proto__Common__V1__KeyValue otel__pb_kv_t;
typedef Opentelemetry__Proto__Common__V1__AnyValue otel__pb_any_t;
typedef Opentelemetry__Proto__Common__V1__InstrumentationScope otel__pb_scope_t;
typedef Opentelemetry__Proto__Resource__V1__Resource otel__pb_resource_t;

/* KeyValue pointers for a's attributes; sets *n. NULL (with *n 0) when a is
 * empty or memory ran out. Values are borrowed from a. */
otel__pb_kv_t **otel__pb_attrs(otel__arena_t *arena, const otel__attrs_t *a, size_t *n);

otel__pb_resource_t *otel__pb_resource(otel__arena_t *arena, const otel__attrs_t *attrs);
otel__pb_scope_t *otel__pb_scope(otel__arena_t *arena, const char *name, const char *version);

/* A fixed-size protobuf-c bytes value pointing at p. */
static inline ProtobufCBinaryData otel__pb_bytes(const uint8_t *p, size_t n) {
  return (ProtobufCBinaryData){n, (uint8_t *)p};
}

/* Serialises m into out (replacing its contents). false on allocation failure. */
bool otel__pb_pack(const ProtobufCMessage *m, otel__buf_t *out);

#endif
