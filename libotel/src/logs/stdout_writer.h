/*
 * stdout, written from a thread of its own. A log line costs its caller a
 * copy into a buffer, not a write(2) or a wait on another thread's write:
 * the writer thread empties the buffer with one write per batch. Every line
 * is written: only when stdout falls a whole buffer (256 KiB) behind does a
 * caller wait, as it would for write(2) itself.
 *
 * Before otel__stdout_start and after otel__stdout_stop, lines are written
 * at once by the calling thread. Batches and direct writes never interleave,
 * and a line is never split.
 */
#ifndef OTEL_STDOUT_WRITER_H
#define OTEL_STDOUT_WRITER_H

#include <stdbool.h>
#include <stddef.h>

/* Starts the writer thread (a call while it runs does nothing). 0, or -errno. */
int otel__stdout_start(void);

/* Writes what is buffered, then stops the thread. Safe to call twice. */
void otel__stdout_stop(void);

/* Queues one whole line (with its newline); waits while the buffer is full. */
void otel__stdout_line(const char *line, size_t len);

/* Writes now, on the calling thread, after what is already queued: for the
 * console exporters, whose output is large. */
void otel__stdout_now(const char *data, size_t len);

/* fork() (common/fork.c): prepare takes the writer's locks once no batch is
 * being written; after releases them, and in the child drops the parent's
 * queued lines and starts a writer thread of its own. */
void otel__stdout_fork_prepare(void);
void otel__stdout_fork_after(bool child);

#endif
