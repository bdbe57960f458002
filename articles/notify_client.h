/* The call to notify after a create: POST $NOTIFY_URL {"article_id":..,"title":..}. */
#ifndef ARTICLES_NOTIFY_CLIENT_H
#define ARTICLES_NOTIFY_CLIENT_H

#include <stddef.h>
#include <stdint.h>

/* The endpoint and timeout for every thread (url copied), and the token
 * notify wants as "Authorization: Bearer <token>" (copied; NULL: none).
 * Call before any thread sends. */
void notify_client_configure(const char *url, long timeout_ms, const char *token);

/* Sends the notification and waits for the answer, reusing this thread's
 * connection. Returns 0 on a 2xx answer; otherwise -1 with the reason in
 * error (size bytes). */
int notify_client_send(int64_t article_id, const char *title, char *error, size_t size);

#endif
