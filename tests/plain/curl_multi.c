/*
 * curl_multi: libcurl's calls that otel-instrument must see, from a program
 * with no telemetry of its own (built against each of Debian's libcurl
 * builds). For URL: one transfer through curl_easy_perform with a header
 * list set on the handle, then two at once through the multi interface, one
 * read off with curl_multi_info_read and one only taken away with
 * curl_multi_remove_handle. Prints each status.
 */
#include <curl/curl.h>
#include <stdio.h>

static size_t discard(char *p, size_t size, size_t n, void *ud) {
  (void)p, (void)ud;
  return size * n;
}

static CURL *handle(const char *url, struct curl_slist *headers) {
  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  if (headers)
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  return h;
}

static long status_of(CURL *h) {
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s URL\n", argv[0]);
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  struct curl_slist *headers = curl_slist_append(NULL, "X-App: easy");
  CURL *easy = handle(argv[1], headers);
  CURLcode rc = curl_easy_perform(easy);
  printf("easy %d %ld\n", rc, status_of(easy));
  curl_easy_cleanup(easy);

  CURLM *m = curl_multi_init();
  CURL *read = handle(argv[1], NULL), *removed = handle(argv[1], NULL);
  curl_multi_add_handle(m, read);
  curl_multi_add_handle(m, removed);
  int running = 1;
  while (running) {
    curl_multi_perform(m, &running);
    if (running)
      curl_multi_poll(m, NULL, 0, 1000, NULL);
  }
  int left;
  CURLMsg *msg;
  while ((msg = curl_multi_info_read(m, &left)))
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == read)
      printf("multi %d %ld\n", msg->data.result, status_of(read));
  printf("removed %ld\n", status_of(removed));
  curl_multi_remove_handle(m, read);
  curl_multi_remove_handle(m, removed);
  curl_easy_cleanup(read);
  curl_easy_cleanup(removed);
  curl_multi_cleanup(m);
  curl_slist_free_all(headers);
  curl_global_cleanup();
  return 0;
}
