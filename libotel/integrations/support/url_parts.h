/*
 * The host and port of a URL or of a Host header, as spans report them
 * (server.address, server.port): the address alone, an IPv6 one without the
 * brackets a URL puts around it. URLs are parsed by libcurl; a service calls
 * the same few URLs again and again, and parsing one costs more than the
 * rest of its span, so each thread keeps the last URL it parsed.
 */
#ifndef OTEL_URL_PARTS_H
#define OTEL_URL_PARTS_H

#include <otel/trace.h>

typedef struct otel__url_parts {
  char host[256]; /* "" when the URL has none or does not parse */
  long port;      /* the scheme's default when not given; 0 when unknown */
} otel__url_parts_t;

void otel__url_parts(const char *url, otel__url_parts_t *out);

/* A Host header's "host[:port]" ("[v6]:port" for IPv6); port 0 when absent. */
void otel__host_header_parts(const char *host, otel__url_parts_t *out);

#endif
