/*
 * The circuit breaker in front of notify (synchronous mode): after
 * `threshold` consecutive failures it opens, and calls are skipped for
 * `cooldown_ms`; then one probe call at a time is let through (half-open),
 * and its outcome closes the breaker or opens it again. Time is passed in,
 * so that tests drive it without sleeping.
 */
#ifndef ARTICLES_BREAKER_H
#define ARTICLES_BREAKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum articles_breaker_state {
  ARTICLES_BREAKER_CLOSED,
  ARTICLES_BREAKER_OPEN,
  ARTICLES_BREAKER_HALF_OPEN,
} articles_breaker_state_t;

/* What admit() says about one call. */
typedef enum articles_breaker_verdict {
  ARTICLES_BREAKER_CALL,  /* closed: call */
  ARTICLES_BREAKER_PROBE, /* the one call that tests notify after the cool-down */
  ARTICLES_BREAKER_SKIP,  /* open, or a probe is in flight: do not call */
} articles_breaker_verdict_t;

/* A change that record() made, for the caller to log. */
typedef enum articles_breaker_change {
  ARTICLES_BREAKER_UNCHANGED,
  ARTICLES_BREAKER_OPENED,
  ARTICLES_BREAKER_REOPENED, /* a probe failed */
  ARTICLES_BREAKER_CLOSED_AGAIN,
} articles_breaker_change_t;

typedef struct articles_breaker {
  pthread_mutex_t lock;
  unsigned threshold;
  uint64_t cooldown_ms;
  articles_breaker_state_t state;
  unsigned failures; /* consecutive, while closed */
  uint64_t opened_at_ms;
} articles_breaker_t;

/* threshold >= 1. Not thread-safe: call before any other use. */
void articles_breaker_init(articles_breaker_t *b, unsigned threshold, uint64_t cooldown_ms);

/* Whether to make a call now. An admitted call must be recorded. Thread-safe. */
articles_breaker_verdict_t articles_breaker_admit(articles_breaker_t *b, uint64_t now_ms);

/* The outcome of a call admit() let through: failed is a timeout, a refusal
 * or a 5xx (a 4xx says notify is up). Thread-safe. */
articles_breaker_change_t articles_breaker_record(articles_breaker_t *b,
                                                  articles_breaker_verdict_t verdict, bool failed,
                                                  uint64_t now_ms);

/* The state now (open stays open past the cool-down until a probe goes). Thread-safe. */
articles_breaker_state_t articles_breaker_state(articles_breaker_t *b);

/* "closed", "open" or "half_open". */
const char *articles_breaker_state_name(articles_breaker_state_t s);

#endif
