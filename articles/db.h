/*
 * articles' PostgreSQL sessions: one connection per thread, opened on first
 * use and opened again after it breaks, with the statements of every store
 * prepared on it. While the database is down calls fail with -EAGAIN, and
 * the first call after it returns reconnects. The stores (store.c,
 * outbox_store.c) hold the SQL; this file holds the sessions.
 */
#ifndef ARTICLES_DB_H
#define ARTICLES_DB_H

#include <libpq-fe.h>
#include <otel/pq.h>
#include <stdbool.h>
#include <stddef.h>

/* Where to connect (a libpq URI; copied), and the statement_timeout every
 * session runs with (0: none), so that no query runs forever. Not
 * thread-safe: call before use. */
void articles_db_configure(const char *conninfo, long statement_timeout_ms);

/* Adds statements (borrowed, for the life of the process) that every new
 * connection prepares. Not thread-safe: call before use. */
void articles_db_prepare(const otel_pq_statement_t *const *statements, size_t n);

/*
 * Runs st on this thread's connection as a span (traced) or without one.
 * Returns 0 with *out set (the caller PQclear()s it); -EAGAIN when the
 * database cannot be reached or the statement ran past its timeout; -EIO
 * for any other failure (logged). A read (SELECT) that meets a broken
 * connection is tried once more on a new one; a write is not, since whether
 * it ran is unknown. Thread-safe.
 */
int articles_db_run(const otel_pq_statement_t *st, const char *const *values, bool traced,
                    PGresult **out);

/* LISTENs on channel on this thread's connection, now and after every
 * reconnection. Returns 0 or -EAGAIN. */
int articles_db_listen(const char *channel);

/* Waits up to timeout_ms for a notification on this thread's LISTEN, or for
 * one of the n descriptors in fds to be readable. Returns 1 for a
 * notification (all pending ones consumed), 0 otherwise (time out, a
 * descriptor, or the connection broke: the next call reconnects). */
int articles_db_wait(const int *fds, size_t n, long timeout_ms);

/* NOTIFY channel from this thread's connection, without a span (a signal
 * between processes, not a statement of the application's). Returns 0 or
 * -EAGAIN. */
int articles_db_notify(const char *channel);

/* libpq's message, its first line, with DATABASE_URL's secrets redacted, as
 * an ERROR log line with the message what. Thread-safe. */
void articles_db_log_error(const char *what, const char *detail);

#endif
