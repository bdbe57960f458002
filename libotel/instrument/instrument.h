/*
 * libotel-instrument.so, the library otel-instrument preloads: what its
 * interposers (mhd.c, pq.c, curl.c, syslog.c) share.
 *
 * Each interposer is a function of the same name as the library's, found
 * before the library's by the dynamic loader. It forwards its arguments and
 * its result untouched, errno included, to the real function (resolved once,
 * with dlsym(RTLD_NEXT) or dlvsym), and around that call drives the same
 * instrumentation core as the hand-written integrations
 * (libotel/integrations/).
 *
 * The library is inert until a program calls one of the libraries it
 * instruments: only then does the SDK start (on that thread, from the OTEL_*
 * environment) and its export threads with it. It stands down for good when
 * the program starts a libotel of its own (otel_init(): the program
 * instruments itself), and a thread's calls made while telemetry is being
 * recorded, or by the SDK's own threads, are passed straight through.
 */
#ifndef OTEL__INSTRUMENT_H
#define OTEL__INSTRUMENT_H

#include <stdbool.h>

#define OTEL_INSTRUMENT_API __attribute__((visibility("default")))

/* The instrumentations, as OTEL_C_DISABLED_INSTRUMENTATIONS names them. */
typedef enum {
  OTEL__INSTR_MHD,
  OTEL__INSTR_PQ,
  OTEL__INSTR_CURL,
  OTEL__INSTR_SYSLOG,
  OTEL__INSTR_COUNT
} otel__instr_t;

/*
 * Whether the call a wrapper is about to forward gets telemetry: the
 * instrumentation is not disabled, the library has not stood down, the SDK
 * is on, and this thread is neither the SDK's own nor already inside a
 * wrapper that records. Starts the SDK on the first such call. When true,
 * the thread is inside until otel__instr_end(): the library calls that the
 * real function (or the SDK) makes meanwhile are passed through.
 */
bool otel__instr_begin(otel__instr_t which);
void otel__instr_end(void);

/* Whether the instrumentation is wanted at all (not disabled, not stood
 * down), without starting anything: for the bookkeeping a later call needs
 * (the header lists a program sets on its curl handles). */
bool otel__instr_wanted(otel__instr_t which);

/* Whether this thread is inside a wrapper that records (otel__instr_begin()
 * returned true and otel__instr_end() has not come yet). */
bool otel__instr_inside(void);

/* Runs f(arg) with this thread inside, so that the library calls it makes
 * are passed through untraced; for a wrapper that records in parts (begin
 * and end in different calls). */
void otel__instr_quietly(void (*f)(void *arg), void *arg);

/* The real function name, from the objects loaded after this library,
 * resolved on the first call into *slot; NULL when none has it. */
void *otel__instr_real(void *volatile *slot, const char *name);

/* The same, for a symbol of that version (libcurl's builds version theirs). */
void *otel__instr_real_version(void *volatile *slot, const char *name, const char *version);

/* OTEL_C_HTTP_SERVER_ROUTES: the route template that matches path (as
 * libmicrohttpd hands it over, without its query), or NULL. The string is
 * the library's, valid for the life of the process. */
const char *otel__instr_route(const char *path);

/* Called by a libotel the program links, from its otel_init(). */
OTEL_INSTRUMENT_API void otel_instrument_stand_down(void);

#endif
