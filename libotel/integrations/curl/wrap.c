/*
 * The calls of the program that make, set, reset, copy and free an easy
 * handle, seen on their way to libcurl, so that libotel-curl knows each
 * handle's header list (handles.h). They are the linker's --wrap functions:
 * libotel-curl's pkg-config and CMake packages link the program with
 * --wrap=curl_easy_init (and the four others), which sends the program's
 * calls to __wrap_curl_easy_init and makes __real_curl_easy_init libcurl's.
 * The names are the linker's convention. Each forwards its arguments and
 * result untouched, errno included.
 */
#include <errno.h>
#include <stdarg.h>

#include "handles.h"

CURL *__real_curl_easy_init(void);
CURL *__real_curl_easy_duphandle(CURL *h);
CURLcode __real_curl_easy_setopt(CURL *h, CURLoption option, ...);
void __real_curl_easy_reset(CURL *h);
void __real_curl_easy_cleanup(CURL *h);

CURL *__wrap_curl_easy_init(void);
CURL *__wrap_curl_easy_duphandle(CURL *h);
CURLcode __wrap_curl_easy_setopt(CURL *h, CURLoption option, ...);
void __wrap_curl_easy_reset(CURL *h);
void __wrap_curl_easy_cleanup(CURL *h);

CURL *__wrap_curl_easy_init(void) {
  CURL *h = __real_curl_easy_init();
  int saved = errno;
  if (h)
    otel__curl_handle_new(h);
  errno = saved;
  return h;
}

CURL *__wrap_curl_easy_duphandle(CURL *h) {
  CURL *copy = __real_curl_easy_duphandle(h);
  int saved = errno;
  if (copy)
    otel__curl_handle_copy(h, copy);
  errno = saved;
  return copy;
}

CURLcode __wrap_curl_easy_setopt(CURL *h, CURLoption option, ...) {
  va_list ap;
  va_start(ap, option);
  CURLcode rc = otel__curl_setopt_forward(__real_curl_easy_setopt, h, option, ap);
  va_end(ap);
  return rc;
}

void __wrap_curl_easy_reset(CURL *h) {
  __real_curl_easy_reset(h);
  int saved = errno;
  if (h)
    otel__curl_handle_new(h);
  errno = saved;
}

void __wrap_curl_easy_cleanup(CURL *h) {
  int saved = errno;
  if (h)
    otel__curl_handle_gone(h);
  errno = saved;
  __real_curl_easy_cleanup(h);
}
