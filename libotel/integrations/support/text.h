/* Small strings on the request path, without printf's cost. */
#ifndef OTEL_TEXT_H
#define OTEL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Each writes a C string into out, cut to fit its size (at least 1), and
 * returns out. */
char *otel__str_copy(char *out, size_t size, const char *s, size_t n); /* s[0..n) */
char *otel__str_join(char *out, size_t size, const char *a, char sep, const char *b);
/* An IPv4 address as inet_ntop writes it: "127.0.0.1". */
char *otel__ipv4_text(const uint8_t addr[4], char out[16]);

/* Whether a and b are the same text, NULL the same only as NULL. */
static inline bool otel__same_text(const char *a, const char *b) {
  return a == b || (a && b && !strcmp(a, b));
}

#endif
