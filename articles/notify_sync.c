/* The synchronous notify call behind the circuit breaker (breaker.c), and
 * what it reports: the breaker's state as a gauge, skips as a counter, a
 * rate-limited WARNING and a span event, each change of state as a log line. */
#include "notify_sync.h"

#include <errno.h>
#include <otel/log.h>
#include <otel/metrics.h>
#include <otel/trace.h>
#include <stdatomic.h>
#include <time.h>

#include "breaker.h"
#include "notify_client.h"

#define SKIP_LOG_INTERVAL_MS 1000

static articles_breaker_t breaker;
static otel_counter_t *skipped;
static atomic_uint_fast64_t next_skip_log_ms;
static atomic_uint_fast64_t skips_unlogged;

static uint64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* One point per state: 1 for the current one, 0 for the others, so that a
 * chart per state needs no mapping of numbers to names. */
static void observe_state(otel_observer_t *o, void *ud) {
  (void)ud;
  articles_breaker_state_t now = articles_breaker_state(&breaker);
  for (int s = ARTICLES_BREAKER_CLOSED; s <= ARTICLES_BREAKER_HALF_OPEN; s++) {
    otel_attr_t state = OTEL_ATTR_STR("state", articles_breaker_state_name(s));
    otel_observe_int(o, s == (int)now, &state, 1);
  }
}

void articles_notify_sync_init(unsigned failures, long cooldown_ms) {
  articles_breaker_init(&breaker, failures, (uint64_t)cooldown_ms);
  skipped = otel_counter("articles", "notifications.skipped", "1",
                         "Notifications not sent because the notify circuit breaker was open");
  otel_observable_gauge("articles", "notify.breaker.state", "1",
                        "The notify circuit breaker's state: 1 for the current one", observe_state,
                        NULL);
}

/* A WARNING per second at most, saying how many skips it stands for. */
static void log_skip(const article_t *a, const char *reason) {
  uint64_t now = now_ms();
  uint64_t unlogged = atomic_fetch_add(&skips_unlogged, 1) + 1;
  uint64_t due = atomic_load(&next_skip_log_ms);
  if (now < due ||
      !atomic_compare_exchange_strong(&next_skip_log_ms, &due, now + SKIP_LOG_INTERVAL_MS))
    return;
  atomic_fetch_sub(&skips_unlogged, unlogged);
  otel_attr_t fields[] = {OTEL_ATTR_INT("article_id", a->id), OTEL_ATTR_STR("reason", reason),
                          OTEL_ATTR_INT("skipped", (int64_t)unlogged)};
  otel_log(OTEL_SEVERITY_WARN, "articles", "notification skipped", fields, 3);
}

static void skip(const article_t *a, const char *reason) {
  otel_attr_t why = OTEL_ATTR_STR("reason", reason);
  otel_counter_add(skipped, 1, &why, 1);
  otel_span_add_event(otel_span_current(), "notification skipped", &why, 1);
  log_skip(a, reason);
}

static void log_change(articles_breaker_change_t change, const char *error) {
  otel_attr_t why = OTEL_ATTR_STR("error", error);
  if (change == ARTICLES_BREAKER_OPENED)
    otel_log(OTEL_SEVERITY_WARN, "articles", "notify breaker opened", &why, 1);
  else if (change == ARTICLES_BREAKER_REOPENED)
    otel_log(OTEL_SEVERITY_WARN, "articles", "notify breaker probe failed", &why, 1);
  else if (change == ARTICLES_BREAKER_CLOSED_AGAIN)
    otel_log(OTEL_SEVERITY_INFO, "articles", "notify breaker closed", NULL, 0);
}

void articles_notify_sync(const article_t *a) {
  articles_breaker_verdict_t verdict = articles_breaker_admit(&breaker, now_ms());
  if (verdict == ARTICLES_BREAKER_SKIP) {
    bool probing = articles_breaker_state(&breaker) == ARTICLES_BREAKER_HALF_OPEN;
    skip(a, probing ? "probe_in_flight" : "breaker_open");
    return;
  }
  char error[256] = "";
  int rc = notify_client_send(a->id, a->title, NULL, error, sizeof(error));
  log_change(articles_breaker_record(&breaker, verdict, rc == -EAGAIN, now_ms()), error);
  if (rc == 0)
    return;
  otel_attr_t fields[] = {OTEL_ATTR_INT("article_id", a->id), OTEL_ATTR_STR("error", error)};
  otel_log(OTEL_SEVERITY_WARN, "articles", "notification dispatch failed", fields, 2);
}
