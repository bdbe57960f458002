/*
 * Idempotency-Key (the IETF httpapi draft): the keys of the notifications
 * notify accepted lately, so that a redelivery is answered as before and
 * not counted again. A fixed number of keys, the oldest forgotten first;
 * held in memory, so a restart forgets them.
 */
#ifndef NOTIFY_IDEMPOTENCY_H
#define NOTIFY_IDEMPOTENCY_H

#include <stddef.h>
#include <stdint.h>

#define NOTIFY_KEY_MAX 64

typedef enum notify_key_verdict {
  NOTIFY_KEY_NEW,      /* first seen now: process the notification */
  NOTIFY_KEY_SEEN,     /* the same notification again: answer, do not count */
  NOTIFY_KEY_CONFLICT, /* the key came with another article: refuse (422) */
} notify_key_verdict_t;

/* Reads the field's value, a Structured Field String ("..." with \" and \\
 * escapes, printable ASCII; parameters after it are ignored), into out.
 * Returns 0, or -EINVAL when it is not one or is empty or longer than
 * NOTIFY_KEY_MAX. Thread-safe. */
int notify_key_parse(const char *field, char out[NOTIFY_KEY_MAX + 1]);

/* Remembers up to capacity keys (at least 1), forgetting any remembered
 * before. Returns 0 or -ENOMEM. Not thread-safe: call before use. */
int notify_keys_init(size_t capacity);

/* Whether key (with the article it came with) was seen; a new key is
 * remembered. Thread-safe. */
notify_key_verdict_t notify_keys_admit(const char *key, int64_t article_id);

#endif
