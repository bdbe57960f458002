/* The circuit breaker's state machine (breaker.h), under one mutex: a
 * create takes it twice, for a few instructions each time. */
#include "breaker.h"

void articles_breaker_init(articles_breaker_t *b, unsigned threshold, uint64_t cooldown_ms) {
  pthread_mutex_init(&b->lock, NULL);
  b->threshold = threshold ? threshold : 1;
  b->cooldown_ms = cooldown_ms;
  b->state = ARTICLES_BREAKER_CLOSED;
  b->failures = 0;
  b->opened_at_ms = 0;
}

articles_breaker_verdict_t articles_breaker_admit(articles_breaker_t *b, uint64_t now_ms) {
  articles_breaker_verdict_t v = ARTICLES_BREAKER_SKIP;
  pthread_mutex_lock(&b->lock);
  if (b->state == ARTICLES_BREAKER_CLOSED) {
    v = ARTICLES_BREAKER_CALL;
  } else if (b->state == ARTICLES_BREAKER_OPEN && now_ms - b->opened_at_ms >= b->cooldown_ms) {
    b->state = ARTICLES_BREAKER_HALF_OPEN; /* until this probe is recorded */
    v = ARTICLES_BREAKER_PROBE;
  }
  pthread_mutex_unlock(&b->lock);
  return v;
}

/* Calls admitted while closed may finish after the breaker opened: their
 * outcome says nothing new, and only a probe's decides. */
articles_breaker_change_t articles_breaker_record(articles_breaker_t *b,
                                                  articles_breaker_verdict_t verdict, bool failed,
                                                  uint64_t now_ms) {
  articles_breaker_change_t change = ARTICLES_BREAKER_UNCHANGED;
  pthread_mutex_lock(&b->lock);
  if (verdict == ARTICLES_BREAKER_PROBE) {
    b->failures = 0;
    if (failed) {
      b->state = ARTICLES_BREAKER_OPEN;
      b->opened_at_ms = now_ms;
      change = ARTICLES_BREAKER_REOPENED;
    } else {
      b->state = ARTICLES_BREAKER_CLOSED;
      change = ARTICLES_BREAKER_CLOSED_AGAIN;
    }
  } else if (verdict == ARTICLES_BREAKER_CALL && b->state == ARTICLES_BREAKER_CLOSED) {
    b->failures = failed ? b->failures + 1 : 0;
    if (b->failures >= b->threshold) {
      b->state = ARTICLES_BREAKER_OPEN;
      b->opened_at_ms = now_ms;
      b->failures = 0;
      change = ARTICLES_BREAKER_OPENED;
    }
  }
  pthread_mutex_unlock(&b->lock);
  return change;
}

articles_breaker_state_t articles_breaker_state(articles_breaker_t *b) {
  pthread_mutex_lock(&b->lock);
  articles_breaker_state_t s = b->state;
  pthread_mutex_unlock(&b->lock);
  return s;
}

const char *articles_breaker_state_name(articles_breaker_state_t s) {
  switch (s) {
  case ARTICLES_BREAKER_OPEN:
    return "open";
  case ARTICLES_BREAKER_HALF_OPEN:
    return "half_open";
  default:
    return "closed";
  }
}
