/* NOTIFY_MODE=sync (the default): a create calls notify and waits, through
 * a circuit breaker, so that a hung notify costs creates one cool-down's
 * probe instead of every create's timeout. At most once: a notification that
 * fails or is skipped is logged and not tried again. */
#ifndef ARTICLES_NOTIFY_SYNC_H
#define ARTICLES_NOTIFY_SYNC_H

#include "store.h"

/* The breaker's settings (NOTIFY_BREAKER_FAILURES, NOTIFY_BREAKER_COOLDOWN_MS),
 * its gauge and the skip counter. Call once, before serving. */
void articles_notify_sync_init(unsigned failures, long cooldown_ms);

/* Notifies of a created article, or skips it while the breaker is open; a
 * failure or a skip is logged, counted and an event on the current span.
 * Thread-safe. */
void articles_notify_sync(const article_t *a);

#endif
