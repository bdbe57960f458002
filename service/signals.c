/* SIGTERM and SIGINT, blocked everywhere and awaited by the main thread with sigwait. */
#include "signals.h"

#include <pthread.h>
#include <errno.h>
#include <signal.h>
#include <time.h>

static sigset_t stop_signals(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

void svc_signals_block(void) {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN); /* a closed peer is an error return, not a death */
}

int svc_signals_wait(unsigned every_ms, void (*idle)(void)) {
  sigset_t set = stop_signals();
  if (every_ms == 0 || !idle) {
    int sig = 0;
    while (sigwait(&set, &sig) != 0)
      ;
    return sig;
  }
  struct timespec every = {every_ms / 1000, (long)(every_ms % 1000) * 1000000};
  for (;;) {
    int sig = sigtimedwait(&set, NULL, &every);
    if (sig > 0)
      return sig;
    if (errno == EAGAIN)
      idle();
  }
}
