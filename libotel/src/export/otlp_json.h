/*
 * OTLP/JSON from any protobuf-c message, driven by its descriptor: the
 * protobuf JSON mapping with OTLP's exceptions (trace and span ids as hex,
 * enums as integers, 64-bit integers as decimal strings).
 */
#ifndef OTEL_OTLP_JSON_H
#define OTEL_OTLP_JSON_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>

#include "common/buf.h"

/* Appends m as one compact JSON object to out. */
void otel__otlp_json(const ProtobufCMessage *m, otel__buf_t *out);

/* The bytes fields OTLP/JSON writes as hex rather than base64: trace and span ids. */
bool otel__otlp_is_id_field(const char *name);

/* The size of one member of type t in a protobuf-c message struct (an item
 * of a repeated field). */
size_t otel__pb_member_size(ProtobufCType t);

#endif
