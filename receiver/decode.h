/*
 * What the receiver makes of one OTLP/HTTP request: the signal from the
 * path, the body inflated and decoded (protobuf or JSON), and the status the
 * protocol says to answer with when it cannot.
 */
#ifndef RX_DECODE_H
#define RX_DECODE_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

typedef enum { RX_TRACES, RX_METRICS, RX_LOGS, RX_SIGNALS } rx_signal_t;

/* The largest body accepted, before and after gzip. */
#define RX_MAX_BODY (16u << 20)
/* The deepest nesting of messages accepted (400 past it); OTLP's own
 * structure is 7 deep, and each level of a nested attribute value adds 2. */
#define RX_MAX_NESTING 64

typedef struct rx_request {
  const char *path, *content_type, *content_encoding; /* headers may be NULL */
  const void *body;
  size_t len;
  int count_only; /* protobuf bodies are only walked far enough to count items */
} rx_request_t;

typedef struct rx_decoded {
  unsigned status;           /* 200, or the refusal: 400 (also nesting past
                                RX_MAX_NESTING), 404, 413, 415 */
  const char *error;         /* why, for a refusal (static) */
  rx_signal_t signal;        /* when status is 200 */
  ProtobufCMessage *message; /* when status is 200, unless counted only: rx_decoded_free */
  size_t items;              /* when status is 200: spans, data points or log records */
  int json;                  /* the request was JSON: answer in JSON */
} rx_decoded_t;

rx_decoded_t rx_decode(const rx_request_t *req);
void rx_decoded_free(rx_decoded_t *d);

/* Whether a request with this Content-Type (may be NULL) is answered in JSON. */
int rx_wants_json(const char *content_type);

/* The name of a signal: "traces", "metrics", "logs". */
const char *rx_signal_name(rx_signal_t s);

#endif
