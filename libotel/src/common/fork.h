/* fork() after otel_init(): the handlers that keep the child exporting (fork.c). */
#ifndef OTEL_FORK_H
#define OTEL_FORK_H

/* Registers the SDK's pthread_atfork handlers; once, however often called.
 * Called by otel_init() after it started the pipelines. */
void otel__fork_register(void);

#endif
