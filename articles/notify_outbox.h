/*
 * NOTIFY_MODE=outbox: a create writes its article and an outbox row in one
 * statement and answers without waiting for notify; dispatcher threads
 * deliver each row to notify at least once, with an idempotency key that
 * notify honours, so none is lost and none is counted twice. In the trace,
 * the create's PRODUCER span "send notification_outbox" is the parent of
 * each delivery's CONSUMER span "process notification_outbox" (and linked
 * from it), under which the call to notify and notify's SERVER span follow.
 */
#ifndef ARTICLES_NOTIFY_OUTBOX_H
#define ARTICLES_NOTIFY_OUTBOX_H

#include "store.h"

typedef struct articles_outbox_config {
  unsigned dispatchers; /* threads (NOTIFY_DISPATCHERS) */
  long poll_ms;         /* how often a dispatcher looks without being woken */
  long timeout_ms;      /* a delivery's, as NOTIFY_TIMEOUT_MS */
  long retry_max_ms;    /* the longest wait between attempts (NOTIFY_RETRY_MAX_MS) */
  long retention_hours; /* delivered rows are deleted after this (0: kept) */
} articles_outbox_config_t;

/* The create's half: as article_store_insert(), with the outbox row written
 * in the same statement, under a PRODUCER span whose context the row keeps.
 * Thread-safe. */
int articles_outbox_insert(const char *title, const char *body, article_t *out);

/* Starts the dispatchers (config copied). Returns 0, or -1 (logged) when a
 * thread cannot start. Call once, after telemetry has started. */
int articles_outbox_start(const articles_outbox_config_t *config);

/* Stops them: each finishes the delivery it is making (bounded by its
 * timeout) and hands back the rows it claimed; rows still pending are
 * delivered by the next start, or by another process meanwhile. */
void articles_outbox_stop(void);

#endif
