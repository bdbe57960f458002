/*
 * Growable byte buffer with the encoders the exporters need: JSON string
 * escaping, hex and base64. A failed allocation sets a sticky error flag so
 * callers check once at the end rather than after every append.
 */
#ifndef OTEL_BUF_H
#define OTEL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct otel__buf {
  char *data;
  size_t len;
  size_t cap;
  bool failed; /* an allocation failed or the cap was reached */
  size_t max;  /* hard cap on len; 0 means none */
} otel__buf_t;

void otel__buf_init(otel__buf_t *b, size_t max);
void otel__buf_free(otel__buf_t *b);
void otel__buf_clear(otel__buf_t *b);
/* Makes room for n more bytes; false (and failed set) when it cannot. */
bool otel__buf_reserve(otel__buf_t *b, size_t n);
void otel__buf_append(otel__buf_t *b, const void *p, size_t n);
void otel__buf_puts(otel__buf_t *b, const char *s);
void otel__buf_putc(otel__buf_t *b, char c);
void otel__buf_printf(otel__buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An integer in decimal, as "%lld" writes it. */
void otel__buf_put_int(otel__buf_t *b, int64_t v);
/* A finite double in the fewest significant digits (15 to 17) that read back
 * as the same value: 0.1 rather than 0.10000000000000001. */
void otel__buf_put_double(otel__buf_t *b, double d);
/* Appends s[0..n) as a quoted JSON string; invalid UTF-8 becomes U+FFFD. */
void otel__buf_json_string(otel__buf_t *b, const char *s, size_t n);
void otel__buf_hex(otel__buf_t *b, const uint8_t *p, size_t n);
void otel__buf_base64(otel__buf_t *b, const uint8_t *p, size_t n);
/* A NUL after the data (not counted in len), so data reads as a C string. */
const char *otel__buf_cstr(otel__buf_t *b);

/* Small strings on the request path, without printf's cost. Each writes a
 * C string into out, cut to fit its size (at least 1), and returns out. */
char *otel__str_copy(char *out, size_t size, const char *s, size_t n); /* s[0..n) */
char *otel__str_join(char *out, size_t size, const char *a, char sep, const char *b);
/* An IPv4 address as inet_ntop writes it: "127.0.0.1". */
char *otel__ipv4_text(const uint8_t addr[4], char out[16]);
/* n decimal digits of v, zero-padded on the left, at out (no NUL). */
void otel__digits(char *out, unsigned v, int n);

/* Lowercase hex of n bytes into out (2n+1 bytes with the NUL). */
void otel__hex_encode(const uint8_t *p, size_t n, char *out);
/* The value of one hex digit, either case; -1 for any other character. */
int otel__hex_value(char c);
/* Decodes exactly 2n lowercase hex digits; -1 on any other character. */
int otel__hex_decode(const char *s, size_t n, uint8_t *out);

#endif
