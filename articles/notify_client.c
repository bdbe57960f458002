/* notify over libcurl: one easy handle per worker thread, so connections are
 * kept alive, with the URL parsed once per thread (libcurl parses a URL set as
 * text again on every transfer: 11,000 instructions of each create). */
#include "notify_client.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <otel/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

static char *notify_url;
static long timeout_ms = 5000;
static long connect_timeout_ms = 1000;
static pthread_key_t handle_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static struct curl_slist *headers; /* shared, read-only after configuration */

typedef struct {
  CURL *easy;
  CURLU *url; /* NULL when the URL is set as text */
} handle_t;
static _Thread_local handle_t handle;

static void free_handle(void *p) {
  handle_t *h = p;
  curl_easy_cleanup(h->easy);
  curl_url_cleanup(h->url);
}
static void make_key(void) { pthread_key_create(&handle_key, free_handle); }

void notify_client_configure(const char *url, long timeout, long connect_timeout,
                             const char *token) {
  free(notify_url);
  notify_url = strdup(url);
  timeout_ms = timeout;
  connect_timeout_ms = connect_timeout;
  curl_slist_free_all(headers);
  headers = curl_slist_append(NULL, "Content-Type: application/json");
  if (token) {
    char line[1024];
    snprintf(line, sizeof(line), "Authorization: Bearer %s", token);
    headers = curl_slist_append(headers, line);
  }
}

/* The answer's body is not needed: drop it. */
static size_t discard(char *p, size_t size, size_t n, void *ud) {
  (void)p, (void)ud;
  return size * n;
}

static CURL *thread_handle(void) {
  if (handle.easy)
    return handle.easy;
  pthread_once(&key_once, make_key);
  CURL *h = curl_easy_init();
  if (!h)
    return NULL;
  handle.easy = h;
  pthread_setspecific(handle_key, &handle);
  handle.url = curl_url();
  if (handle.url && curl_url_set(handle.url, CURLUPART_URL, notify_url, 0) == CURLUE_OK) {
    curl_easy_setopt(h, CURLOPT_CURLU, handle.url);
  } else { /* libcurl reports what is wrong with it at each call */
    curl_url_cleanup(handle.url);
    handle.url = NULL;
    curl_easy_setopt(h, CURLOPT_URL, notify_url);
  }
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  return h;
}

/* The shared headers and the Idempotency-Key field (a Structured Field
 * String: in double quotes), for one call; NULL when out of memory. */
static struct curl_slist *headers_with_key(const char *key) {
  char line[256];
  snprintf(line, sizeof(line), "Idempotency-Key: \"%s\"", key);
  struct curl_slist *list = NULL;
  for (const struct curl_slist *h = headers; h; h = h->next) {
    struct curl_slist *longer = curl_slist_append(list, h->data);
    if (!longer) {
      curl_slist_free_all(list);
      return NULL;
    }
    list = longer;
  }
  struct curl_slist *longer = curl_slist_append(list, line);
  if (!longer)
    curl_slist_free_all(list);
  return longer;
}

int notify_client_send(int64_t article_id, const char *title, const char *idempotency_key,
                       char *error, size_t size) {
  CURL *h = thread_handle();
  json_t *msg = json_pack("{s:I,s:s}", "article_id", (json_int_t)article_id, "title", title);
  size_t len = 0;
  char *body = msg ? svc_json_text(msg, &len) : NULL;
  json_decref(msg);
  struct curl_slist *list = idempotency_key ? headers_with_key(idempotency_key) : headers;
  if (!h || !body || !list) {
    free(body);
    snprintf(error, size, "out of memory");
    return -ENOMEM;
  }
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
  CURLcode rc = otel_curl_perform(h, "POST", notify_url, list);
  free(body);
  if (list != headers)
    curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    snprintf(error, size, "%s", curl_easy_strerror(rc));
    return -EAGAIN;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300)
    return 0;
  snprintf(error, size, "HTTP %ld", status);
  return status >= 500 || status == 408 || status == 429 ? -EAGAIN : -EPROTO;
}
