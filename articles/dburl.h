/*
 * DATABASE_URL: the libpq URI articles connects with, and the redaction of
 * its secrets (the password in the user info, a "password" parameter) from
 * every text that is logged or printed, libpq's error messages among them:
 * libpq quotes parts of a malformed URI in its errors.
 */
#ifndef ARTICLES_DBURL_H
#define ARTICLES_DBURL_H

#include <stddef.h>

/* Reads url, as libpq takes it ("postgresql+asyncpg://" and "postgres://"
 * become "postgresql://"), into out, and notes its secrets for
 * articles_dburl_redact(). -EINVAL for another scheme, -ENAMETOOLONG when it
 * does not fit. Not thread-safe: call once, before any thread uses the URL. */
int articles_dburl_set(const char *url, char *out, size_t size);

/* text with each secret of the URL replaced by "REDACTED", into out (cut to
 * size bytes with the NUL). Returns out. Thread-safe once the URL is set. */
const char *articles_dburl_redact(const char *text, char *out, size_t size);

#endif
