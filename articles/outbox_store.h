/*
 * The notification outbox's SQL (migrations/0002): claiming due rows for a
 * dispatcher, so that any number of dispatchers, in any number of
 * processes, share one table without taking a row twice; and settling each
 * row as delivered, or failed and due again later.
 */
#ifndef ARTICLES_OUTBOX_STORE_H
#define ARTICLES_OUTBOX_STORE_H

#include <otel/context.h>
#include <stddef.h>
#include <stdint.h>

/* One notification to deliver. */
typedef struct articles_outbox_row {
  int64_t id; /* the outbox row */
  int64_t article_id;
  int attempts; /* made before this one */
  char title[1024];
  char key[40]; /* the Idempotency-Key, a UUID */
  char traceparent[OTEL_TRACEPARENT_SIZE];
  char tracestate[OTEL_TRACESTATE_MAX + 1];
} articles_outbox_row_t;

/* Prepares the outbox's statements on every connection. Not thread-safe:
 * call once, before use. */
void articles_outbox_store_configure(void);

/* Claims up to max due rows, oldest first, into rows (*n of them): each is
 * no longer due for lease_ms, so that no other dispatcher takes it while
 * this one delivers it. Rows other dispatchers hold are skipped, not waited
 * for. Returns 0, -EAGAIN (database unavailable) or -EIO. Thread-safe. */
int articles_outbox_claim(size_t max, long lease_ms, articles_outbox_row_t *rows, size_t *n);

/* Settles a claimed row: delivered, or failed with error (borrowed) and due
 * again in retry_in_ms. Traced, as part of the delivery's span. Returns 0,
 * -EAGAIN or -EIO. Thread-safe. */
int articles_outbox_delivered(int64_t id);
int articles_outbox_failed(int64_t id, const char *error, long retry_in_ms);

/* Makes claimed rows that were not tried due again now (a dispatcher that
 * stops or pauses hands them back). Returns 0, -EAGAIN or -EIO. Thread-safe. */
int articles_outbox_release(const articles_outbox_row_t *rows, size_t n);

/* How long until the next pending row is due into *ms (0 when one is due
 * now). Returns 0, -ENOENT when nothing is pending, -EAGAIN or -EIO.
 * Thread-safe. */
int articles_outbox_next_due(long *ms);

/* Deletes rows delivered more than retention_hours ago; *deleted says how
 * many. Returns 0, -EAGAIN or -EIO. Thread-safe. */
int articles_outbox_purge(long retention_hours, int64_t *deleted);

#endif
