/*
 * libFuzzer target: the receiver's decoding of an OTLP/HTTP request. The
 * first byte picks the path, the content type and encoding, and whether
 * items are only counted; the rest is the body. Whatever the bytes, the
 * answer is 200 with a message (or a count) or a refusal with a reason.
 */
#include <stdint.h>
#include <stdlib.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  static const char *const paths[] = {"/v1/traces", "/v1/metrics", "/v1/logs", "/v1/other"};
  static const char *const types[] = {"application/x-protobuf", "application/json"};
  uint8_t pick = data[0];
  rx_request_t req = {.path = paths[pick & 3],
                      .content_type = types[(pick >> 2) & 1],
                      .content_encoding = (pick >> 3) & 1 ? "gzip" : NULL,
                      .body = data + 1,
                      .len = size - 1,
                      .count_only = (pick >> 4) & 1};
  rx_decoded_t d = rx_decode(&req);
  if (d.status == 200 ? d.error != NULL : d.error == NULL)
    abort();
  if (d.status == 200 && !req.count_only && !d.message)
    abort();
  rx_decoded_free(&d);
  return 0;
}
