/*
 * curl_probe: requests made through otel_curl_perform(), for the suites that
 * check which headers reach the server. Built with libotel-curl's link flags.
 *
 *   curl_probe HOW URL
 *
 * HOW says where the program's own header ("X-App: HOW") comes from:
 *   setopt     set on the handle with CURLOPT_HTTPHEADER; NULL passed
 *   argument   passed to otel_curl_perform; none set on the handle
 *   both       one list set on the handle, another passed
 *   reset      set, then curl_easy_reset: the handle carries none
 *   duphandle  set on a handle, the request made with its copy
 *   none       no header of its own
 * GETs URL through otel_curl_perform(), inside a span, then again with
 * curl_easy_perform() alone: the server then sees what the handle carries
 * after the first. Prints "status N" for each.
 */
#include <curl/curl.h>
#include <otel/curl.h>
#include <otel/otel.h>
#include <otel/trace.h>
#include <stdio.h>
#include <string.h>

static size_t discard(char *p, size_t size, size_t n, void *ud) {
  (void)p, (void)ud;
  return size * n;
}

static long status_of(CURL *h, CURLcode rc) {
  long status = 0;
  if (rc == CURLE_OK)
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s setopt|argument|both|reset|duphandle|none URL\n", argv[0]);
    return 2;
  }
  const char *how = argv[1];
  otel_init("curl-probe");
  char line[64];
  snprintf(line, sizeof(line), "X-App: %s", how);
  struct curl_slist *own = curl_slist_append(NULL, line);
  struct curl_slist *passed = curl_slist_append(NULL, "X-Passed: argument");
  CURL *first = curl_easy_init();
  curl_easy_setopt(first, CURLOPT_URL, argv[2]);
  curl_easy_setopt(first, CURLOPT_WRITEFUNCTION, discard);
  bool set = strcmp(how, "argument") && strcmp(how, "none");
  if (set)
    curl_easy_setopt(first, CURLOPT_HTTPHEADER, own);
  if (!strcmp(how, "reset")) {
    curl_easy_reset(first);
    curl_easy_setopt(first, CURLOPT_URL, argv[2]);
    curl_easy_setopt(first, CURLOPT_WRITEFUNCTION, discard);
  }
  CURL *h = !strcmp(how, "duphandle") ? curl_easy_duphandle(first) : first;
  struct curl_slist *arg = !strcmp(how, "argument") ? own : !strcmp(how, "both") ? passed : NULL;

  const otel_tracer_t *tracer = otel_tracer_get("curl-probe", "1.0");
  otel_span_t *job = otel_span_start(tracer, "probe", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_scope_t scope = otel_span_attach(job);
  CURLcode rc = otel_curl_perform(h, "GET", argv[2], arg);
  printf("status %ld\n", status_of(h, rc));
  otel_scope_end(&scope);
  otel_span_end(job);
  fflush(stdout);

  rc = curl_easy_perform(h);
  printf("status %ld\n", status_of(h, rc));
  if (h != first)
    curl_easy_cleanup(h);
  curl_easy_cleanup(first);
  curl_slist_free_all(own);
  curl_slist_free_all(passed);
  otel_shutdown(5000);
  return 0;
}
