/*
 * A scriptable OTLP/HTTP receiver for tests, on 127.0.0.1 and an ephemeral
 * port: records every request (gzip bodies inflated) and answers with the
 * statuses it is given, or never answers at all.
 */
#ifndef TEST_RECEIVER_H
#define TEST_RECEIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct receiver receiver_t;

typedef struct received {
  char path[128];
  char content_type[64];
  char content_encoding[32];
  char api_key[64]; /* the x-api-key header, if any */
  uint8_t *body;    /* inflated when gzip */
  size_t len;
  uint64_t at_ms; /* monotonic arrival time */
} received_t;

receiver_t *receiver_start(void);
void receiver_stop(receiver_t *r);
int receiver_port(const receiver_t *r);

/* Answers request i with statuses[i] (the last one from then on). retry_after,
 * when not NULL, is sent with every non-2xx answer. */
void receiver_script(receiver_t *r, const int *statuses, int n, const char *retry_after);
/* Accepts requests but never answers until stopped. */
void receiver_hang(receiver_t *r, bool hang);
/* Answers each request ms after it arrived (0: at once). */
void receiver_delay(receiver_t *r, int ms);
/* The body (copied) and content type of 2xx answers. */
void receiver_reply_body(receiver_t *r, const void *body, size_t len, const char *content_type);

int receiver_count(receiver_t *r);
/* TCP connections accepted so far. */
int receiver_connections(receiver_t *r);
/* Request i; valid until the receiver stops. */
const received_t *receiver_get(receiver_t *r, int i);
/* Waits until count requests arrived or timeout_ms passed; true when they did. */
bool receiver_wait(receiver_t *r, int count, int timeout_ms);

#endif
