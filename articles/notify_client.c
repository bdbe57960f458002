/* notify over libcurl: one easy handle per worker thread, so connections are kept alive. */
#include "notify_client.h"

#include <curl/curl.h>
#include <jansson.h>
#include <otel/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *notify_url;
static long timeout_ms = 5000;
static pthread_key_t handle_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static _Thread_local CURL *handle;
static struct curl_slist *headers; /* shared, read-only after configuration */

static void free_handle(void *h) { curl_easy_cleanup(h); }
static void make_key(void) { pthread_key_create(&handle_key, free_handle); }

void notify_client_configure(const char *url, long timeout) {
  free(notify_url);
  notify_url = strdup(url);
  timeout_ms = timeout;
  if (!headers)
    headers = curl_slist_append(NULL, "Content-Type: application/json");
}

/* The answer's body is not needed: drop it. */
static size_t discard(char *p, size_t size, size_t n, void *ud) {
  (void)p, (void)ud;
  return size * n;
}

static CURL *thread_handle(void) {
  if (handle)
    return handle;
  pthread_once(&key_once, make_key);
  handle = curl_easy_init();
  if (!handle)
    return NULL;
  pthread_setspecific(handle_key, handle);
  curl_easy_setopt(handle, CURLOPT_URL, notify_url);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  return handle;
}

int notify_client_send(int64_t article_id, const char *title, char *error, size_t size) {
  CURL *h = thread_handle();
  if (!h) {
    snprintf(error, size, "out of memory");
    return -1;
  }
  json_t *msg = json_pack("{s:I,s:s}", "article_id", (json_int_t)article_id, "title", title);
  char *body = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
  json_decref(msg);
  if (!body) {
    snprintf(error, size, "out of memory");
    return -1;
  }
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  CURLcode rc = otel_curl_perform(h, "POST", notify_url, headers);
  free(body);
  if (rc != CURLE_OK) {
    snprintf(error, size, "%s", curl_easy_strerror(rc));
    return -1;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    snprintf(error, size, "HTTP %ld", status);
    return -1;
  }
  return 0;
}
