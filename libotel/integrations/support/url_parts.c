/* URL host and port through libcurl's URL API, with a one-entry cache per thread. */
#include "url_parts.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

/* host[0..n) into out->host, without the brackets of an IPv6 literal. */
static void set_host(otel__url_parts_t *out, const char *host, size_t n) {
  if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
    host++, n -= 2;
  if (n >= sizeof(out->host))
    n = 0; /* longer than any name: none */
  memcpy(out->host, host, n);
  out->host[n] = '\0';
}

void otel__host_header_parts(const char *host, otel__url_parts_t *out) {
  const char *colon = strrchr(host, ':');
  const char *bracket = strrchr(host, ']');
  if (colon && (!bracket || colon > bracket)) {
    set_host(out, host, (size_t)(colon - host));
    out->port = atol(colon + 1);
  } else {
    set_host(out, host, strlen(host));
    out->port = 0;
  }
}

static _Thread_local struct {
  char url[512];
  otel__url_parts_t parts;
} last;

static void parse(const char *url, otel__url_parts_t *out) {
  out->host[0] = '\0';
  out->port = 0;
  CURLU *u = curl_url();
  if (!u)
    return;
  char *host = NULL, *port = NULL;
  if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
      set_host(out, host, strlen(host));
    if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
      out->port = atol(port);
  }
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
}

void otel__url_parts(const char *url, otel__url_parts_t *out) {
  size_t n = strlen(url);
  if (n >= sizeof(last.url)) { /* too long to keep */
    parse(url, out);
    return;
  }
  if (strcmp(last.url, url)) {
    parse(url, &last.parts);
    memcpy(last.url, url, n + 1);
  }
  *out = last.parts;
}
