/*
 * stdout, written from a thread of its own. A log line costs its caller a
 * copy into a bounded buffer, never a write(2) or a wait on another
 * thread's write: the writer thread empties the buffer with one write per
 * batch. A line that does not fit is dropped and counted, so a slow or
 * blocked stdout (a full pipe) never holds up a request.
 *
 * Before otel__stdout_start and after otel__stdout_stop, lines are written
 * at once by the calling thread. Batches and direct writes never interleave,
 * and a line is never split.
 */
#ifndef OTEL_STDOUT_WRITER_H
#define OTEL_STDOUT_WRITER_H

#include <stddef.h>
#include <stdint.h>

/* Starts the writer thread (a call while it runs does nothing). 0, or -errno. */
int otel__stdout_start(void);

/* Writes what is buffered, then stops the thread. Safe to call twice. */
void otel__stdout_stop(void);

/* Queues one whole line (with its newline); dropped if the buffer is full. */
void otel__stdout_line(const char *line, size_t len);

/* Writes now, on the calling thread, after what is already queued: for the
 * console exporters, whose output is large and must not be dropped. */
void otel__stdout_now(const char *data, size_t len);

/* Lines dropped because the buffer was full, since the process started. */
uint64_t otel__stdout_dropped(void);

#endif
