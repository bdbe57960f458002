/* gRPC's framing, status codes and retry information, for OTLP/gRPC. */
#include "export/grpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/status.pb-c.h"

#define RETRY_INFO_TYPE "type.googleapis.com/google.rpc.RetryInfo"
/* A details value longer than this is not decoded: no RetryInfo is that big. */
#define DETAILS_MAX 4096

const char *otel__grpc_code_name(int code, char buf[16]) {
  static const char *const NAMES[OTEL__GRPC_CODES] = {"OK",
                                                      "CANCELLED",
                                                      "UNKNOWN",
                                                      "INVALID_ARGUMENT",
                                                      "DEADLINE_EXCEEDED",
                                                      "NOT_FOUND",
                                                      "ALREADY_EXISTS",
                                                      "PERMISSION_DENIED",
                                                      "RESOURCE_EXHAUSTED",
                                                      "FAILED_PRECONDITION",
                                                      "ABORTED",
                                                      "OUT_OF_RANGE",
                                                      "UNIMPLEMENTED",
                                                      "INTERNAL",
                                                      "UNAVAILABLE",
                                                      "DATA_LOSS",
                                                      "UNAUTHENTICATED"};
  if (code >= 0 && code < OTEL__GRPC_CODES)
    return NAMES[code];
  snprintf(buf, 16, "code %d", code);
  return buf;
}

bool otel__grpc_retryable(int code, bool retry_info) {
  switch (code) {
  case OTEL__GRPC_CANCELLED:
  case OTEL__GRPC_DEADLINE_EXCEEDED:
  case OTEL__GRPC_ABORTED:
  case OTEL__GRPC_OUT_OF_RANGE:
  case OTEL__GRPC_UNAVAILABLE:
  case OTEL__GRPC_DATA_LOSS:
    return true;
  case OTEL__GRPC_RESOURCE_EXHAUSTED:
    return retry_info;
  default:
    return false;
  }
}

int otel__grpc_code_of_http(long status) {
  switch (status) {
  case 400:
    return OTEL__GRPC_INTERNAL;
  case 401:
    return OTEL__GRPC_UNAUTHENTICATED;
  case 403:
    return OTEL__GRPC_PERMISSION_DENIED;
  case 404:
    return OTEL__GRPC_UNIMPLEMENTED;
  case 429:
  case 502:
  case 503:
  case 504:
    return OTEL__GRPC_UNAVAILABLE;
  default:
    return OTEL__GRPC_UNKNOWN;
  }
}

void otel__grpc_frame(otlp_buf_t *out, const void *msg, size_t len, bool compressed) {
  uint8_t prefix[OTEL__GRPC_PREFIX] = {compressed, (uint8_t)(len >> 24), (uint8_t)(len >> 16),
                                       (uint8_t)(len >> 8), (uint8_t)len};
  otlp_buf_clear(out);
  if (len > UINT32_MAX) {
    out->failed = true;
    return;
  }
  otlp_buf_append(out, prefix, sizeof(prefix));
  otlp_buf_append(out, msg, len);
}

int otel__grpc_unframe(const void *body, size_t n, bool *compressed, const uint8_t **msg,
                       size_t *len) {
  const uint8_t *p = body;
  *compressed = false;
  *msg = p;
  *len = 0;
  if (n == 0)
    return 0;
  if (n < OTEL__GRPC_PREFIX || p[0] > 1)
    return -1;
  size_t m = (size_t)p[1] << 24 | (size_t)p[2] << 16 | (size_t)p[3] << 8 | p[4];
  if (m != n - OTEL__GRPC_PREFIX)
    return -1;
  *compressed = p[0];
  *msg = p + OTEL__GRPC_PREFIX;
  *len = m;
  return 0;
}

static int64_t retry_info_of(const Google__Rpc__Detail *d) {
  if (strcmp(d->type_url, RETRY_INFO_TYPE))
    return -1;
  Google__Rpc__RetryInfo *info = google__rpc__retry_info__unpack(NULL, d->value.len, d->value.data);
  int64_t ms = -1;
  if (info && info->retry_delay && info->retry_delay->seconds >= 0 &&
      info->retry_delay->seconds < 86400 && info->retry_delay->nanos >= 0)
    ms = info->retry_delay->seconds * 1000 + info->retry_delay->nanos / 1000000;
  if (info)
    google__rpc__retry_info__free_unpacked(info, NULL);
  return ms;
}

int64_t otel__grpc_retry_info_ms(const char *b64, size_t n) {
  if (n > DETAILS_MAX)
    return -1;
  uint8_t raw[DETAILS_MAX * 3 / 4 + 3];
  size_t len;
  if (otlp_base64_decode(b64, n, raw, &len))
    return -1;
  Google__Rpc__Status *st = google__rpc__status__unpack(NULL, len, raw);
  if (!st)
    return -1;
  int64_t ms = -1;
  for (size_t i = 0; i < st->n_details && ms < 0; i++)
    ms = retry_info_of(st->details[i]);
  google__rpc__status__free_unpacked(st, NULL);
  return ms;
}

void otel__grpc_message_decode(const char *s, size_t n, char *out, size_t size) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 1 < size; i++) {
    int c = (unsigned char)s[i], hi, lo;
    if (c == '%' && i + 2 < n && (hi = otlp_hex_value(s[i + 1])) >= 0 &&
        (lo = otlp_hex_value(s[i + 2])) >= 0) {
      c = hi << 4 | lo;
      i += 2;
    }
    /* The text goes into a warning line: no control characters in it. */
    out[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
  }
  out[o] = '\0';
}
