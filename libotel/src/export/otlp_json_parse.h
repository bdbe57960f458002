/*
 * OTLP/JSON to protobuf-c messages, driven by the descriptor: what a receiver
 * needs to accept http/json exports. The inverse of otlp_json.h.
 */
#ifndef OTEL_OTLP_JSON_PARSE_H
#define OTEL_OTLP_JSON_PARSE_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* Parses json[0..len) as a message of type d into *out (free it with
 * protobuf_c_message_free_unpacked(*out, NULL)). Returns 0, -EINVAL for input
 * that is not such a message, or -ENOMEM. */
int otel__otlp_json_parse(const ProtobufCMessageDescriptor *d, const char *json, size_t len,
                          ProtobufCMessage **out);

#endif
