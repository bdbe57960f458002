/* SIGTERM and SIGINT, blocked everywhere and awaited by the main thread with sigwait. */
#include "signals.h"

#include <pthread.h>
#include <signal.h>

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

int svc_signals_wait(void) {
  sigset_t set = stop_signals();
  int sig = 0;
  while (sigwait(&set, &sig) != 0)
    ;
  return sig;
}
