/* The call to notify after a create: POST $NOTIFY_URL {"article_id":..,"title":..}. */
#ifndef ARTICLES_NOTIFY_CLIENT_H
#define ARTICLES_NOTIFY_CLIENT_H

#include <stddef.h>
#include <stdint.h>

/* The endpoint for every thread (url copied), the time a call may take in
 * all and the part of it that connecting may take, and the token notify
 * wants as "Authorization: Bearer <token>" (copied; NULL: none). Call
 * before any thread sends. */
void notify_client_configure(const char *url, long timeout_ms, long connect_timeout_ms,
                             const char *token);

/*
 * Sends the notification and waits for the answer, reusing this thread's
 * connection, with an Idempotency-Key field when idempotency_key is not
 * NULL (borrowed; printable ASCII without '"' or '\\', at most 64 bytes). Returns 0 on a 2xx
 * answer; otherwise, with the reason in error (size bytes): -EAGAIN when notify is unavailable (no
 * connection, a timeout, 5xx, 408, 429: worth trying again later), -EPROTO when it refused this
 * notification (another 4xx), -ENOMEM. Thread-safe.
 */
int notify_client_send(int64_t article_id, const char *title, const char *idempotency_key,
                       char *error, size_t size);

#endif
