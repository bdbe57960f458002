/*
 * early_calls: libcurl called where a preloaded library meets it least
 * prepared, from a program with no telemetry of its own.
 *
 *   EARLY_URL=URL early_calls   one transfer from a constructor, before main
 *   early_calls URL             four threads, started before any
 *                               instrumented call and held at a barrier,
 *                               then a transfer each, all at once: the
 *                               telemetry starts under their race
 *
 * Prints each transfer's status, in the order of the threads.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4

static long early_status;

static size_t discard(char *p, size_t size, size_t n, void *ud) {
  (void)p, (void)ud;
  return size * n;
}

static long transfer(const char *url) {
  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  long status = 0;
  if (curl_easy_perform(h) == CURLE_OK)
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(h);
  return status;
}

__attribute__((constructor)) static void before_main(void) {
  const char *url = getenv("EARLY_URL");
  if (url)
    early_status = transfer(url);
}

static pthread_barrier_t start_line;
static const char *url;

static void *racer(void *status) {
  pthread_barrier_wait(&start_line);
  *(long *)status = transfer(url);
  return NULL;
}

int main(int argc, char **argv) {
  if (getenv("EARLY_URL")) {
    printf("before main %ld\n", early_status);
    return 0;
  }
  if (argc != 2) {
    fprintf(stderr, "usage: %s URL, or EARLY_URL=URL %s\n", argv[0], argv[0]);
    return 2;
  }
  url = argv[1];
  curl_global_init(CURL_GLOBAL_DEFAULT);
  pthread_t threads[THREADS];
  long status[THREADS] = {0};
  pthread_barrier_init(&start_line, NULL, THREADS);
  for (int i = 0; i < THREADS; i++)
    pthread_create(&threads[i], NULL, racer, &status[i]);
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    printf("thread %d %ld\n", i, status[i]);
  }
  pthread_barrier_destroy(&start_line);
  curl_global_cleanup();
  return 0;
}
