/* Decoding OTLP/HTTP requests: path, Content-Encoding, Content-Type, body. */
#include "decode.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "otlp_codec.h"
#include "otlp/logs_service.pb-c.h"
#include "otlp/metrics_service.pb-c.h"
#include "otlp/trace_service.pb-c.h"

#define F(n) (1u << (n))

/* Per signal: its path, its request type, and where its items are: the
 * field numbers from the request down to the item (a set per level; a
 * metric holds its points in gauge 5, sum 7 or histogram 9, then field 1). */
static const struct {
  const char *path, *name;
  const ProtobufCMessageDescriptor *descriptor;
  uint32_t item_path[5];
  int depth;
} SIGNALS[RX_SIGNALS] = {
    {"/v1/traces",
     "traces",
     &opentelemetry__proto__collector__trace__v1__export_trace_service_request__descriptor,
     {F(1), F(2), F(2)},
     3},
    {"/v1/metrics",
     "metrics",
     &opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__descriptor,
     {F(1), F(2), F(2), F(5) | F(7) | F(9), F(1)},
     5},
    {"/v1/logs",
     "logs",
     &opentelemetry__proto__collector__logs__v1__export_logs_service_request__descriptor,
     {F(1), F(2), F(2)},
     3},
};

/* --- counting items in the protobuf wire format, without decoding --- */

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
  *v = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    uint8_t b = *(*p)++;
    *v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      return 0;
  }
  return -1;
}

/* The next field of a message in [*p, end): its number, and for a
 * length-delimited one (wire type 2) its bytes in *value, *len long. 1 at
 * the end, -1 for bytes that are not well-formed protobuf (or a group,
 * which OTLP does not use). */
static int next_field(const uint8_t **p, const uint8_t *end, uint64_t *field, const uint8_t **value,
                      uint64_t *len) {
  uint64_t key, skip;
  if (*p >= end)
    return 1;
  if (read_varint(p, end, &key))
    return -1;
  *field = key >> 3;
  *value = NULL;
  switch (key & 7) {
  case 0:
    return read_varint(p, end, &skip) ? -1 : 0;
  case 1:
    skip = 8;
    break;
  case 5:
    skip = 4;
    break;
  case 2:
    if (read_varint(p, end, len) || *len > (uint64_t)(end - *p))
      return -1;
    *value = *p;
    skip = *len;
    break;
  default:
    return -1;
  }
  if (skip > (uint64_t)(end - *p))
    return -1;
  *p += skip;
  return 0;
}

/* The length-delimited fields at the end of path, in n bytes; -1 when the
 * bytes are not well-formed protobuf. */
static long count_items(const uint8_t *p, size_t n, const uint32_t *path, int depth) {
  const uint8_t *end = p + n, *value;
  uint64_t field, len;
  long total = 0;
  int rc;
  while ((rc = next_field(&p, end, &field, &value, &len)) == 0) {
    if (value && field < 32 && (path[0] & F(field))) {
      long below = depth == 1 ? 1 : count_items(value, (size_t)len, path + 1, depth - 1);
      if (below < 0)
        return -1;
      total += below;
    }
  }
  return rc < 0 ? -1 : total;
}

/* Whether the message of type d in p[0..n) nests messages no deeper than
 * RX_MAX_NESTING below depth, walked by the schema before protobuf-c's
 * unpacking, which recurses once per level (a body nested a million levels
 * deep would overflow its stack). Malformed bytes pass here: unpacking
 * refuses them. */
static bool nesting_within(const uint8_t *p, size_t n, const ProtobufCMessageDescriptor *d,
                           int depth) {
  if (depth > RX_MAX_NESTING)
    return false;
  const uint8_t *end = p + n, *value;
  uint64_t field, len;
  while (next_field(&p, end, &field, &value, &len) == 0) {
    const ProtobufCFieldDescriptor *f =
        value && field <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(d, (unsigned)field)
                                     : NULL;
    if (f && f->type == PROTOBUF_C_TYPE_MESSAGE &&
        !nesting_within(value, (size_t)len, f->descriptor, depth + 1))
      return false;
  }
  return true;
}

const char *rx_signal_name(rx_signal_t s) { return SIGNALS[s].name; }

/* Whether the media type of a Content-Type value (parameters aside) is type. */
static int media_type_is(const char *value, const char *type) {
  size_t n = strlen(type);
  return value && !strncasecmp(value, type, n) &&
         (value[n] == '\0' || value[n] == ';' || value[n] == ' ');
}

int rx_wants_json(const char *content_type) {
  return media_type_is(content_type, "application/json");
}

static rx_decoded_t refuse(unsigned status, const char *why, int json) {
  return (rx_decoded_t){.status = status, .error = why, .json = json};
}

rx_decoded_t rx_decode(const rx_request_t *req) {
  int json = rx_wants_json(req->content_type);
  int i = 0;
  while (i < RX_SIGNALS && strcmp(req->path, SIGNALS[i].path))
    i++;
  if (i == RX_SIGNALS)
    return refuse(404, "unknown path: OTLP/HTTP takes /v1/traces, /v1/metrics and /v1/logs", json);
  if (!json && !media_type_is(req->content_type, "application/x-protobuf"))
    return refuse(415, "Content-Type must be application/x-protobuf or application/json", 0);
  if (req->len > RX_MAX_BODY)
    return refuse(413, "body too large", json);

  const void *body = req->body;
  size_t len = req->len;
  otlp_buf_t plain;
  otlp_buf_init(&plain, 0);
  const char *enc = req->content_encoding;
  if (enc && *enc && strcasecmp(enc, "identity")) {
    if (strcasecmp(enc, "gzip"))
      return refuse(415, "Content-Encoding must be gzip or none", json);
    int rc = otlp_gunzip(req->body, req->len, RX_MAX_BODY, &plain);
    if (rc) {
      otlp_buf_free(&plain);
      return rc == -EFBIG ? refuse(413, "body too large once inflated", json)
                          : refuse(400, "the body is not valid gzip", json);
    }
    body = plain.data;
    len = plain.len;
  }
  rx_decoded_t d = {.status = 200, .signal = (rx_signal_t)i, .json = json};
  otlp_buf_t packed; /* a JSON request's message, as protobuf to count its items */
  otlp_buf_init(&packed, 0);
  if (json) {
    if (otlp_json_decode(SIGNALS[i].descriptor, body, len, &d.message)) {
      d = refuse(400, "the body is not an OTLP/JSON export request", 1);
    } else if (otlp_buf_reserve(&packed, protobuf_c_message_get_packed_size(d.message))) {
      packed.len = protobuf_c_message_pack(d.message, (uint8_t *)packed.data);
      body = packed.data, len = packed.len;
    }
  } else if (!nesting_within(body, len, SIGNALS[i].descriptor, 0)) {
    d = refuse(400, "the body nests messages deeper than 64 levels", 0);
  } else if (!req->count_only) {
    d.message = protobuf_c_message_unpack(SIGNALS[i].descriptor, NULL, len, body);
    if (!d.message)
      d = refuse(400, "the body is not an OTLP protobuf export request", 0);
  }
  if (d.status == 200) {
    long n = count_items(body, len, SIGNALS[i].item_path, SIGNALS[i].depth);
    if (n < 0) {
      rx_decoded_free(&d);
      d = refuse(400, "the body is not an OTLP protobuf export request", json);
    }
    d.items = n < 0 ? 0 : (size_t)n;
  }
  otlp_buf_free(&packed);
  otlp_buf_free(&plain);
  return d;
}

void rx_decoded_free(rx_decoded_t *d) {
  if (d->message)
    protobuf_c_message_free_unpacked(d->message, NULL);
  d->message = NULL;
}
