/* Graceful stop: SIGTERM and SIGINT are taken by the main thread alone. */
#ifndef SVC_SIGNALS_H
#define SVC_SIGNALS_H

/* Blocks SIGTERM and SIGINT, and ignores SIGPIPE; call first in main, so every
 * thread inherits it. */
void svc_signals_block(void);

/* Waits for SIGTERM or SIGINT; returns the signal number. With every_ms
 * above 0, calls idle() each time that long passes without one. */
int svc_signals_wait(unsigned every_ms, void (*idle)(void));

#endif
