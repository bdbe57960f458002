/*
 * libotel-curl: an HTTP request made through otel_curl_perform() is a CLIENT
 * span, child of the current span, with traceparent (and tracestate,
 * baggage) sent along. GETs URL (argv[1]) inside a span of its own and
 * prints the status. Try it with OTEL_TRACES_EXPORTER=console. Uses only the
 * installed public headers:
 *
 *   cc curl_client.c $(pkg-config --cflags --libs libotel-curl)
 */
#include <curl/curl.h>
#include <otel/curl.h>
#include <otel/otel.h>
#include <otel/trace.h>
#include <stdio.h>

static size_t discard(char *p, size_t size, size_t n, void *ud) {
  (void)p, (void)ud;
  return size * n;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s URL\n", argv[0]);
    return 2;
  }
  otel_init("curl-client-example");
  const otel_tracer_t *tracer = otel_tracer_get("curl-client-example", "1.0");
  otel_span_t *job = otel_span_start(tracer, "fetch", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_scope_t scope = otel_span_attach(job);

  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, argv[1]);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  CURLcode rc = otel_curl_perform(h, "GET", argv[1], NULL);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(h);
  printf("status %ld\n", rc == CURLE_OK ? status : 0L);

  otel_scope_end(&scope);
  otel_span_end(job);
  otel_shutdown(5000);
  return rc == CURLE_OK ? 0 : 1;
}
