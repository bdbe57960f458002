/*
 * For a program run under otel-instrument: the one thing the preloaded
 * library cannot see for itself. Work that the program hands to another
 * thread through a queue of its own runs there with no current span, so
 * the spans it makes (its statements, its transfers) start traces of their
 * own. Capture the context where the work is queued, enter it on the thread
 * that runs the work, leave it after:
 *
 *   job->handoff = otel_handoff_capture();   where the work is queued
 *   ...
 *   otel_handoff_enter(&job->handoff);       on the worker, before the work
 *   run(job);
 *   otel_handoff_leave(&job->handoff);       after it (also for work never
 *                                            entered: it frees the capture)
 *
 * Header only, with nothing to link: the functions are those of
 * otel-instrument's library, referenced weakly. Without otel-instrument
 * they do nothing, and the program runs as it did. (A program that uses
 * libotel itself carries its context with otel_context_capture() and
 * otel_context_attach().)
 */
#ifndef OTEL_INSTRUMENT_H
#define OTEL_INSTRUMENT_H

#include <otel/context.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_handoff {
  otel_context_t context;
  otel_scope_t scope;
  bool entered;
} otel_handoff_t;

/* otel-instrument's library's (libotel/instrument/handoff.c). */
__attribute__((weak)) void otel_instrument_capture(otel_context_t *out);
__attribute__((weak)) otel_scope_t otel_instrument_attach(const otel_context_t *ctx);
__attribute__((weak)) void otel_instrument_detach(otel_scope_t *scope, otel_context_t *ctx);

/* The calling thread's current context, to carry with the work. */
static inline otel_handoff_t otel_handoff_capture(void) {
  otel_handoff_t h;
  memset(&h, 0, sizeof(h));
  if (otel_instrument_capture)
    otel_instrument_capture(&h.context);
  return h;
}

/* Makes the captured context current on this thread, until
 * otel_handoff_leave(). */
static inline void otel_handoff_enter(otel_handoff_t *h) {
  if (otel_instrument_attach) {
    h->scope = otel_instrument_attach(&h->context);
    h->entered = true;
  }
}

/* Restores what was current before otel_handoff_enter(), if it was entered,
 * and frees the capture. Once per capture. */
static inline void otel_handoff_leave(otel_handoff_t *h) {
  if (otel_instrument_detach)
    otel_instrument_detach(h->entered ? &h->scope : NULL, &h->context);
  h->entered = false;
}

#ifdef __cplusplus
}
#endif

#endif
