/*
 * The parts of a unary gRPC call that OTLP/gRPC needs on top of HTTP/2
 * (otlp_http.c makes the call): the length-prefixed message, the status
 * codes and which of them the OTLP specification retries, the HTTP statuses
 * that stand for a status, and the RetryInfo a server attaches to an error.
 * Pure functions, tested exactly.
 */
#ifndef OTEL_GRPC_H
#define OTEL_GRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otlp_codec.h"

/* The gRPC status codes the exporter tells apart. */
enum {
  OTEL__GRPC_OK = 0,
  OTEL__GRPC_CANCELLED = 1,
  OTEL__GRPC_UNKNOWN = 2,
  OTEL__GRPC_DEADLINE_EXCEEDED = 4,
  OTEL__GRPC_PERMISSION_DENIED = 7,
  OTEL__GRPC_RESOURCE_EXHAUSTED = 8,
  OTEL__GRPC_ABORTED = 10,
  OTEL__GRPC_OUT_OF_RANGE = 11,
  OTEL__GRPC_UNIMPLEMENTED = 12,
  OTEL__GRPC_INTERNAL = 13,
  OTEL__GRPC_UNAVAILABLE = 14,
  OTEL__GRPC_DATA_LOSS = 15,
  OTEL__GRPC_UNAUTHENTICATED = 16,
  OTEL__GRPC_CODES = 17
};

/* The five bytes before a message: a compressed flag and a big-endian length. */
#define OTEL__GRPC_PREFIX 5

/* A code's name as gRPC spells it ("UNAVAILABLE"); "code N" past the known ones. */
const char *otel__grpc_code_name(int code, char buf[16]);

/* Whether the OTLP specification retries a code: CANCELLED,
 * DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS, and
 * RESOURCE_EXHAUSTED only when the server said when to retry (RetryInfo). */
bool otel__grpc_retryable(int code, bool retry_info);

/* The code an HTTP status other than 200 stands for, as gRPC maps them. */
int otel__grpc_code_of_http(long status);

/* out = the prefix, then msg[0..len) (replacing out's contents). */
void otel__grpc_frame(otlp_buf_t *out, const void *msg, size_t len, bool compressed);

/* The one message of a response body. Returns 0, or -1 when the body is not
 * exactly one whole length-prefixed message. An empty body is no message
 * (*len = 0), which a reply without fields may be. */
int otel__grpc_unframe(const void *body, size_t n, bool *compressed, const uint8_t **msg,
                       size_t *len);

/* The delay of a RetryInfo in grpc-status-details-bin (a base64 google.rpc.Status),
 * in milliseconds; -1 when the value carries none or is malformed. */
int64_t otel__grpc_retry_info_ms(const char *b64, size_t n);

/* grpc-message's text with its percent-encoding undone, into out (always
 * terminated, cut to size). */
void otel__grpc_message_decode(const char *s, size_t n, char *out, size_t size);

#endif
