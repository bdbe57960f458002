/*
 * The program's easy handles as libotel-curl knows them: for each, the
 * header list the program set with CURLOPT_HTTPHEADER. libcurl keeps that
 * list where no call can read it back, so it is learnt from the calls that
 * make, set, reset, copy and free a handle (wrap.c, linked in by the flags
 * of libotel-curl's pkg-config and CMake packages). A handle none of those
 * calls reached is unknown. Thread-safe.
 */
#ifndef OTEL_CURL_HANDLES_H
#define OTEL_CURL_HANDLES_H

#include <curl/curl.h>
#include <stdarg.h>
#include <stdbool.h>

/* h was made (curl_easy_init) or reset (curl_easy_reset): no header list. */
void otel__curl_handle_new(CURL *h);
/* copy was made from h (curl_easy_duphandle): it carries h's list. */
void otel__curl_handle_copy(CURL *h, CURL *copy);
/* The program set h's CURLOPT_HTTPHEADER to list (borrowed, the program's). */
void otel__curl_handle_set_headers(CURL *h, struct curl_slist *list);
/* h is about to be freed (curl_easy_cleanup). */
void otel__curl_handle_gone(CURL *h);

/* Whether h is known; if so, its header list in *list (NULL for none). */
bool otel__curl_handle_headers(CURL *h, struct curl_slist **list);

/* curl_easy_setopt(h, option, <the argument ap holds>) through real (a
 * build's curl_easy_setopt): the argument's type follows the option's
 * number (CURLOPTTYPE_* in curl/curl.h: below 10000 a long, then an object
 * pointer, a function pointer, a curl_off_t and a blob pointer, 10000
 * numbers each). A header list the program sets is recorded. Returns what
 * real returned, errno as real left it. */
CURLcode otel__curl_setopt_forward(CURLcode (*real)(CURL *, CURLoption, ...), CURL *h,
                                   CURLoption option, va_list ap);
/* The same, recording nothing. */
CURLcode otel__curl_setopt_forward_untracked(CURLcode (*real)(CURL *, CURLoption, ...), CURL *h,
                                             CURLoption option, va_list ap);

/* Set on a thread while otel_curl_perform() sets a handle's list around a
 * transfer: those settings are not the program's, and are not recorded. */
extern _Thread_local bool otel__curl_performing;

#endif
