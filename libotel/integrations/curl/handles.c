/*
 * The program's easy handles and their header lists (handles.h), in a
 * table from handle to list (support/ptr_map.h).
 */
#include "handles.h"

#include <errno.h>

#include "ptr_map.h"

static otel__ptr_map_t handles = OTEL__PTR_MAP_INIT;

_Thread_local bool otel__curl_performing;

void otel__curl_handle_new(CURL *h) { otel__curl_handle_set_headers(h, NULL); }

void otel__curl_handle_set_headers(CURL *h, struct curl_slist *list) {
  otel__ptr_map_put(&handles, h, list); /* out of memory: the handle stays unknown */
}

void otel__curl_handle_copy(CURL *h, CURL *copy) {
  struct curl_slist *list = NULL;
  if (otel__curl_handle_headers(h, &list))
    otel__curl_handle_set_headers(copy, list);
}

void otel__curl_handle_gone(CURL *h) { otel__ptr_map_take(&handles, h, NULL); }

bool otel__curl_handle_headers(CURL *h, struct curl_slist **list) {
  void *value = NULL;
  bool known = otel__ptr_map_get(&handles, h, &value);
  *list = value;
  return known;
}

/* real(h, option, <ap's argument>), read as the option's number says. */
static CURLcode forward(CURLcode (*real)(CURL *, CURLoption, ...), CURL *h, CURLoption option,
                        va_list ap, bool track) {
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    rc = real(h, option, va_arg(ap, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    void *p = va_arg(ap, void *);
    rc = real(h, option, p);
    int saved = errno;
    if (track && option == CURLOPT_HTTPHEADER && rc == CURLE_OK && !otel__curl_performing)
      otel__curl_handle_set_headers(h, p);
    errno = saved;
  } else if (option < CURLOPTTYPE_OFF_T) {
    rc = real(h, option, va_arg(ap, void (*)(void)));
  } else if (option < CURLOPTTYPE_BLOB) {
    rc = real(h, option, va_arg(ap, curl_off_t));
  } else {
    rc = real(h, option, va_arg(ap, void *));
  }
  return rc;
}

CURLcode otel__curl_setopt_forward(CURLcode (*real)(CURL *, CURLoption, ...), CURL *h,
                                   CURLoption option, va_list ap) {
  return forward(real, h, option, ap, true);
}

CURLcode otel__curl_setopt_forward_untracked(CURLcode (*real)(CURL *, CURLoption, ...), CURL *h,
                                             CURLoption option, va_list ap) {
  return forward(real, h, option, ap, false);
}
