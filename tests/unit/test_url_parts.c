/* Client spans' server.address and server.port: parsed by libcurl, the last URL kept per thread. */
#include <string.h>

#include "test.h"
#include "url_parts.h"

/* Whether parse finds host and port in text. */
static bool split_as(void (*parse)(const char *, otel__url_parts_t *), const char *text,
                     const char *host, long port) {
  otel__url_parts_t p;
  parse(text, &p);
  if (strcmp(p.host, host) || p.port != port)
    fprintf(stderr, "    %.60s: host \"%s\" port %ld\n", text, p.host, p.port);
  return !strcmp(p.host, host) && p.port == port;
}

static bool parts_are(const char *url, const char *host, long port) {
  return split_as(otel__url_parts, url, host, port);
}

TEST(host_and_port_of_each_url_in_turn) {
  CHECK(parts_are("http://127.0.0.1:8081/notify", "127.0.0.1", 8081));
  CHECK(parts_are("http://127.0.0.1:8081/notify", "127.0.0.1", 8081)); /* kept */
  CHECK(parts_are("https://example.com/a?b=c", "example.com", 443));
  CHECK(parts_are("http://[::1]:9000/", "::1", 9000)); /* the address, no brackets */
  CHECK(parts_are("http://127.0.0.1:8081/notify", "127.0.0.1", 8081)); /* parsed again */
  CHECK(parts_are("not a url", "", 0));
  CHECK(parts_are("", "", 0));
}

TEST(urls_too_long_to_keep_are_parsed_each_time) {
  char url[1024] = "http://long.example:7000/";
  memset(url + strlen(url), 'x', 900);
  url[1000] = '\0';
  CHECK(parts_are(url, "long.example", 7000));
  CHECK(parts_are("http://short.example/", "short.example", 80));
  memcpy(url, "http://else.example:7001/", 25);
  CHECK(parts_are(url, "else.example", 7001));
  CHECK(parts_are("http://short.example/", "short.example", 80));
}

static bool header_parts_are(const char *header, const char *host, long port) {
  return split_as(otel__host_header_parts, header, host, port);
}

TEST(host_header_parts) {
  CHECK(header_parts_are("127.0.0.1:8080", "127.0.0.1", 8080));
  CHECK(header_parts_are("example.com", "example.com", 0));
  CHECK(header_parts_are("[::1]:8080", "::1", 8080));
  CHECK(header_parts_are("[2001:db8::2]", "2001:db8::2", 0));
  CHECK(header_parts_are("", "", 0));
}

TEST_MAIN("url_parts", TEST_CASE(host_and_port_of_each_url_in_turn), TEST_CASE(host_header_parts),
          TEST_CASE(urls_too_long_to_keep_are_parsed_each_time))
