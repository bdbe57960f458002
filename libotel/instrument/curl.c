/*
 * libcurl's transfers, each a client span (libotel/integrations/curl/curl_call.h):
 *
 *   curl_easy_perform                       a span around the call
 *   curl_multi_add_handle                   a span begun there, ended when
 *   curl_multi_info_read (CURLMSG_DONE)     the transfer is reported done,
 *   curl_multi_remove_handle, _cleanup      or taken away
 *   curl_easy_init, _duphandle, _setopt,    the header list each handle
 *   _reset, _cleanup                        carries (handles.h), which the
 *                                           trace headers go in front of
 *
 * Debian ships two builds of libcurl, whose symbols are versioned
 * (CURL_OPENSSL_4, CURL_GNUTLS_3), and a process may hold both (libotel's
 * exporter links the first). Each function is defined here once per build,
 * under that build's version, and forwards to that build's own.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "curl_call.h"
#include "handles.h"
#include "instrument.h"
#include "ptr_map.h"

/* Transfers begun by curl_multi_add_handle and not yet ended, by handle. */
static otel__ptr_map_t transfers = OTEL__PTR_MAP_INIT;

/* A build's functions that a span calls, resolved on first use. */
typedef struct {
  const char *version;
  void *volatile setopt, *volatile getinfo, *volatile strerror;
  otel__curl_api_t api;
  pthread_once_t once;
} build_t;

static build_t openssl_build = {.version = "CURL_OPENSSL_4", .once = PTHREAD_ONCE_INIT};
static build_t gnutls_build = {.version = "CURL_GNUTLS_3", .once = PTHREAD_ONCE_INIT};

/* A build's function. For the default build, a libcurl whose symbols carry
 * no version (built elsewhere than Debian) serves as well: a program's
 * unversioned references to it find the default's functions here. */
static void *real_of(void *volatile *slot, const char *name, const char *version) {
  void *f = otel__instr_real_version(slot, name, version);
  if (!f && !strcmp(version, openssl_build.version))
    f = otel__instr_real(slot, name);
  return f;
}

static void resolve(build_t *b) {
  *(void **)&b->api.setopt = real_of(&b->setopt, "curl_easy_setopt", b->version);
  *(void **)&b->api.getinfo = real_of(&b->getinfo, "curl_easy_getinfo", b->version);
  *(void **)&b->api.strerror = real_of(&b->strerror, "curl_easy_strerror", b->version);
}
static void resolve_openssl(void) { resolve(&openssl_build); }
static void resolve_gnutls(void) { resolve(&gnutls_build); }

static const otel__curl_api_t *api_of(build_t *b) {
  pthread_once(&b->once, b == &openssl_build ? resolve_openssl : resolve_gnutls);
  return b->api.setopt && b->api.getinfo && b->api.strerror ? &b->api : NULL;
}

/* A real function of one build. */
#define REAL(type, name, version)                                                                  \
  static void *volatile slot;                                                                      \
  __typeof__(type) real;                                                                           \
  *(void **)&real = real_of(&slot, name, version)

/* Ends h's multi transfer, if one was begun: rc, or, when the program took
 * it away before reading its end, what its response code says. */
typedef struct {
  CURL *h;
  CURLcode rc;
  bool guess;
} ending_t;

static void end_transfer(void *arg) {
  ending_t *e = arg;
  void *call = NULL;
  if (!otel__ptr_map_take(&transfers, e->h, &call))
    return;
  if (e->guess) {
    long status = 0;
    ((otel__curl_call_t *)call)->api->getinfo(e->h, CURLINFO_RESPONSE_CODE, &status);
    e->rc = status ? CURLE_OK : CURLE_ABORTED_BY_CALLBACK;
  }
  otel__curl_call_end(call, e->h, e->rc);
  free(call);
}

static void maybe_end_transfer(CURL *h, CURLcode rc, bool guess) {
  void *call;
  if (otel__instr_inside() || !otel__ptr_map_get(&transfers, h, &call))
    return;
  ending_t e = {h, rc, guess};
  otel__instr_quietly(end_transfer, &e);
}

static CURL *easy_init(CURL *(*real)(void)) {
  CURL *h = real();
  int saved = errno;
  if (h && otel__instr_wanted(OTEL__INSTR_CURL))
    otel__curl_handle_new(h);
  errno = saved;
  return h;
}

static CURL *easy_duphandle(CURL *(*real)(CURL *), CURL *h) {
  CURL *copy = real(h);
  int saved = errno;
  if (copy && otel__instr_wanted(OTEL__INSTR_CURL))
    otel__curl_handle_copy(h, copy);
  errno = saved;
  return copy;
}

static void easy_reset(void (*real)(CURL *), CURL *h) {
  real(h);
  int saved = errno;
  if (h && otel__instr_wanted(OTEL__INSTR_CURL))
    otel__curl_handle_new(h);
  errno = saved;
}

static void easy_cleanup(void (*real)(CURL *), CURL *h) {
  int saved = errno;
  if (h) {
    maybe_end_transfer(h, CURLE_OK, true);
    otel__curl_handle_gone(h);
  }
  errno = saved;
  real(h);
}

static CURLcode easy_perform(CURLcode (*real)(CURL *), build_t *b, CURL *h) {
  const otel__curl_api_t *api = api_of(b);
  if (!api || !otel__instr_begin(OTEL__INSTR_CURL))
    return real(h);
  otel__curl_call_t call;
  otel__curl_call_begin(&call, api, h, NULL, NULL, NULL);
  CURLcode rc = real(h); /* its own multi calls pass through: still inside */
  int saved = errno;
  otel__curl_call_end(&call, h, rc);
  otel__instr_end();
  errno = saved;
  return rc;
}

static CURLMcode multi_add(CURLMcode (*real)(CURLM *, CURL *), build_t *b, CURLM *m, CURL *h) {
  const otel__curl_api_t *api = api_of(b);
  if (!api || !otel__instr_begin(OTEL__INSTR_CURL))
    return real(m, h);
  otel__curl_call_t *call = malloc(sizeof(*call));
  if (call) {
    otel__curl_call_begin(call, api, h, NULL, NULL, NULL);
    if (!otel__ptr_map_put(&transfers, h, call)) {
      otel__curl_call_end(call, h, CURLE_OUT_OF_MEMORY);
      free(call), call = NULL;
    }
  }
  otel__instr_end();
  CURLMcode rc = real(m, h);
  if (rc != CURLM_OK && call) /* never started */
    maybe_end_transfer(h, CURLE_FAILED_INIT, false);
  return rc;
}

static CURLMsg *multi_info_read(CURLMsg *(*real)(CURLM *, int *), CURLM *m, int *left) {
  CURLMsg *msg = real(m, left);
  if (msg && msg->msg == CURLMSG_DONE) {
    int saved = errno;
    maybe_end_transfer(msg->easy_handle, msg->data.result, false);
    errno = saved;
  }
  return msg;
}

static CURLMcode multi_remove(CURLMcode (*real)(CURLM *, CURL *), CURLM *m, CURL *h) {
  CURLMcode rc = real(m, h);
  int saved = errno;
  maybe_end_transfer(h, CURLE_OK, true);
  errno = saved;
  return rc;
}

/* The functions of one build: otel__PREFIX_curl_easy_init and the rest, exported
 * as curl_easy_init@VERSION (@@: the default, for the OpenSSL build). */
#define BUILD(prefix, version, at)                                                                 \
  OTEL_INSTRUMENT_API CURL *otel__##prefix##_curl_easy_init(void);                                 \
  OTEL_INSTRUMENT_API CURL *otel__##prefix##_curl_easy_init(void) {                                \
    REAL(CURL *(*)(void), "curl_easy_init", version);                                              \
    return easy_init(real);                                                                        \
  }                                                                                                \
  __asm__(".symver otel__" #prefix "_curl_easy_init, curl_easy_init" at version);                  \
  OTEL_INSTRUMENT_API CURL *otel__##prefix##_curl_easy_duphandle(CURL *h);                         \
  OTEL_INSTRUMENT_API CURL *otel__##prefix##_curl_easy_duphandle(CURL *h) {                        \
    REAL(CURL *(*)(CURL *), "curl_easy_duphandle", version);                                       \
    return easy_duphandle(real, h);                                                                \
  }                                                                                                \
  __asm__(".symver otel__" #prefix "_curl_easy_duphandle, curl_easy_duphandle" at version);        \
  OTEL_INSTRUMENT_API CURLcode otel__##prefix##_curl_easy_setopt(CURL *h, CURLoption option, ...); \
  OTEL_INSTRUMENT_API CURLcode otel__##prefix##_curl_easy_setopt(CURL *h, CURLoption option,       \
                                                                 ...) {                            \
    REAL(CURLcode (*)(CURL *, CURLoption, ...), "curl_easy_setopt", version);                      \
    va_list ap;                                                                                    \
    va_start(ap, option);                                                                          \
    CURLcode rc = otel__instr_wanted(OTEL__INSTR_CURL)                                             \
                      ? otel__curl_setopt_forward(real, h, option, ap)                             \
                      : otel__curl_setopt_forward_untracked(real, h, option, ap);                  \
    va_end(ap);                                                                                    \
    return rc;                                                                                     \
  }                                                                                                \
  __asm__(".symver otel__" #prefix "_curl_easy_setopt, curl_easy_setopt" at version);              \
  OTEL_INSTRUMENT_API void otel__##prefix##_curl_easy_reset(CURL *h);                              \
  OTEL_INSTRUMENT_API void otel__##prefix##_curl_easy_reset(CURL *h) {                             \
    REAL(void (*)(CURL *), "curl_easy_reset", version);                                            \
    easy_reset(real, h);                                                                           \
  }                                                                                                \
  __asm__(".symver otel__" #prefix "_curl_easy_reset, curl_easy_reset" at version);                \
  OTEL_INSTRUMENT_API void otel__##prefix##_curl_easy_cleanup(CURL *h);                            \
  OTEL_INSTRUMENT_API void otel__##prefix##_curl_easy_cleanup(CURL *h) {                           \
    REAL(void (*)(CURL *), "curl_easy_cleanup", version);                                          \
    easy_cleanup(real, h);                                                                         \
  }                                                                                                \
  __asm__(".symver otel__" #prefix "_curl_easy_cleanup, curl_easy_cleanup" at version);            \
  OTEL_INSTRUMENT_API CURLcode otel__##prefix##_curl_easy_perform(CURL *h);                        \
  OTEL_INSTRUMENT_API CURLcode otel__##prefix##_curl_easy_perform(CURL *h) {                       \
    REAL(CURLcode (*)(CURL *), "curl_easy_perform", version);                                      \
    return easy_perform(real, &prefix##_build, h);                                                 \
  }                                                                                                \
  __asm__(".symver otel__" #prefix "_curl_easy_perform, curl_easy_perform" at version);            \
  OTEL_INSTRUMENT_API CURLMcode otel__##prefix##_curl_multi_add_handle(CURLM *m, CURL *h);         \
  OTEL_INSTRUMENT_API CURLMcode otel__##prefix##_curl_multi_add_handle(CURLM *m, CURL *h) {        \
    REAL(CURLMcode (*)(CURLM *, CURL *), "curl_multi_add_handle", version);                        \
    return multi_add(real, &prefix##_build, m, h);                                                 \
  }                                                                                                \
  __asm__(".symver otel__" #prefix "_curl_multi_add_handle, curl_multi_add_handle" at version);    \
  OTEL_INSTRUMENT_API CURLMcode otel__##prefix##_curl_multi_remove_handle(CURLM *m, CURL *h);      \
  OTEL_INSTRUMENT_API CURLMcode otel__##prefix##_curl_multi_remove_handle(CURLM *m, CURL *h) {     \
    REAL(CURLMcode (*)(CURLM *, CURL *), "curl_multi_remove_handle", version);                     \
    return multi_remove(real, m, h);                                                               \
  }                                                                                                \
  __asm__(".symver otel__" #prefix                                                                 \
          "_curl_multi_remove_handle, curl_multi_remove_handle" at version);                       \
  OTEL_INSTRUMENT_API CURLMsg *otel__##prefix##_curl_multi_info_read(CURLM *m, int *left);         \
  OTEL_INSTRUMENT_API CURLMsg *otel__##prefix##_curl_multi_info_read(CURLM *m, int *left) {        \
    REAL(CURLMsg *(*)(CURLM *, int *), "curl_multi_info_read", version);                           \
    return multi_info_read(real, m, left);                                                         \
  }                                                                                                \
  __asm__(".symver otel__" #prefix "_curl_multi_info_read, curl_multi_info_read" at version)

BUILD(openssl, "CURL_OPENSSL_4", "@@");
BUILD(gnutls, "CURL_GNUTLS_3", "@");
