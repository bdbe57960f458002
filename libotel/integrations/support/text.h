/* Small strings on the request path, without printf's cost. */
#ifndef OTEL_TEXT_H
#define OTEL_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Each writes a C string into out, cut to fit its size (at least 1), and
 * returns out. */
char *otel__str_copy(char *out, size_t size, const char *s, size_t n); /* s[0..n) */
char *otel__str_join(char *out, size_t size, const char *a, char sep, const char *b);
/* An IPv4 address as inet_ntop writes it: "127.0.0.1". */
char *otel__ipv4_text(const uint8_t addr[4], char out[16]);

#endif
