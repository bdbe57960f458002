/* Growable byte buffer and the text encodings built on it. */
#include "otlp_codec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HEX[] = "0123456789abcdef";

void otlp_buf_init(otlp_buf_t *b, size_t max) {
  memset(b, 0, sizeof(*b));
  b->max = max;
}

void otlp_buf_free(otlp_buf_t *b) {
  free(b->data);
  otlp_buf_init(b, b->max);
}

void otlp_buf_clear(otlp_buf_t *b) {
  b->len = 0;
  b->failed = false;
}

bool otlp_buf_reserve(otlp_buf_t *b, size_t n) {
  if (b->failed)
    return false;
  size_t need = b->len + n + 1; /* room for the NUL of otlp_buf_cstr */
  if (need < n || (b->max && b->len + n > b->max)) {
    b->failed = true;
    return false;
  }
  if (need <= b->cap)
    return true;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p) {
    b->failed = true;
    return false;
  }
  b->data = p;
  b->cap = cap;
  return true;
}

void otlp_buf_append(otlp_buf_t *b, const void *p, size_t n) {
  if (n && otlp_buf_reserve(b, n)) {
    memcpy(b->data + b->len, p, n);
    b->len += n;
  }
}

void otlp_buf_puts(otlp_buf_t *b, const char *s) { otlp_buf_append(b, s, strlen(s)); }

void otlp_buf_putc(otlp_buf_t *b, char c) {
  if (otlp_buf_reserve(b, 1))
    b->data[b->len++] = c;
}

/* The decimal digits of m, written backwards to end at end; returns their start. */
static char *decimal(char *end, unsigned long long m) {
  do
    *--end = (char)('0' + m % 10);
  while (m /= 10);
  return end;
}

void otlp_buf_put_int(otlp_buf_t *b, int64_t v) {
  char text[24], *end = text + sizeof(text);
  char *p = decimal(end, v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v);
  if (v < 0)
    *--p = '-';
  otlp_buf_append(b, p, (size_t)(end - p));
}

/* d as a whole number of thousandths, without printf: the access log's
 * durations (milliseconds to the microsecond) on every request. For
 * 0 < |d| < 1e12 that is exactly what %.15g prints, trailing zeros dropped,
 * and it reads back as d; false for any other value. */
static bool put_thousandths(otlp_buf_t *b, double d) {
  if (!(d > -1e12 && d < 1e12) || d == 0)
    return false;
  double scaled = d * 1000;
  long long k = (long long)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
  if ((double)k / 1000 != d)
    return false;
  unsigned long long m = (unsigned long long)(k < 0 ? -k : k);
  char text[24], *end = text + sizeof(text), *p = end;
  unsigned fraction = (unsigned)(m % 1000);
  for (int i = 0; i < 3; i++, fraction /= 10) /* the decimals, their trailing zeros dropped */
    if (fraction % 10 || p != end)
      *--p = (char)('0' + fraction % 10);
  if (p != end)
    *--p = '.';
  p = decimal(p, m / 1000);
  if (k < 0)
    *--p = '-';
  otlp_buf_append(b, p, (size_t)(end - p));
  return true;
}

void otlp_buf_put_double(otlp_buf_t *b, double d) {
  if (put_thousandths(b, d))
    return;
  char text[32];
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(text, sizeof(text), "%.*g", digits, d);
    if (strtod(text, NULL) == d)
      break;
  }
  otlp_buf_puts(b, text);
}

void otlp_buf_printf(otlp_buf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n > 0 && otlp_buf_reserve(b, (size_t)n)) {
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
  }
  va_end(ap2);
}

/* Length of the valid UTF-8 sequence starting at s (at most n bytes), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t len;
  unsigned min;
  unsigned cp;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2, min = 0x80, cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3, min = 0x800, cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return len;
}

void otlp_buf_json_string(otlp_buf_t *b, const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  otlp_buf_putc(b, '"');
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    /* Copy the longest stretch that needs no escaping in one go. */
    while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\')
      run++;
    otlp_buf_append(b, s + i, run - i);
    i = run;
    if (i >= n)
      break;
    unsigned char c = s[i];
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      otlp_buf_append(b, esc, 2);
      i++;
    } else if (c == '\n') {
      otlp_buf_append(b, "\\n", 2);
      i++;
    } else if (c == '\r') {
      otlp_buf_append(b, "\\r", 2);
      i++;
    } else if (c == '\t') {
      otlp_buf_append(b, "\\t", 2);
      i++;
    } else if (c < 0x20) {
      char esc[6] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15]};
      otlp_buf_append(b, esc, 6);
      i++;
    } else {
      size_t len = utf8_sequence(s + i, n - i);
      if (len) {
        otlp_buf_append(b, s + i, len);
        i += len;
      } else {
        otlp_buf_append(b, "\xef\xbf\xbd", 3);
        i++;
      }
    }
  }
  otlp_buf_putc(b, '"');
}

void otlp_hex_encode(const uint8_t *p, size_t n, char *out) {
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = HEX[p[i] >> 4];
    out[2 * i + 1] = HEX[p[i] & 15];
  }
  out[2 * n] = '\0';
}

void otlp_buf_hex(otlp_buf_t *b, const uint8_t *p, size_t n) {
  if (!otlp_buf_reserve(b, 2 * n))
    return;
  otlp_hex_encode(p, n, b->data + b->len);
  b->len += 2 * n;
}

void otlp_buf_base64(otlp_buf_t *b, const uint8_t *p, size_t n) {
  static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (!otlp_buf_reserve(b, (n + 2) / 3 * 4))
    return;
  char *o = b->data + b->len;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
    *o++ = B64[v >> 18];
    *o++ = B64[(v >> 12) & 63];
    *o++ = B64[(v >> 6) & 63];
    *o++ = B64[v & 63];
  }
  if (i < n) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
    *o++ = B64[v >> 18];
    *o++ = B64[(v >> 12) & 63];
    *o++ = i + 1 < n ? B64[(v >> 6) & 63] : '=';
    *o++ = '=';
  }
  b->len = (size_t)(o - b->data);
}

static int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+' || c == '-')
    return 62;
  if (c == '/' || c == '_')
    return 63;
  return -1;
}

int otlp_base64_decode(const char *s, size_t n, uint8_t *out, size_t *out_len) {
  uint32_t acc = 0;
  int bits = 0;
  size_t len = 0;
  for (size_t i = 0; i < n && s[i] != '='; i++) {
    int v = base64_digit(s[i]);
    if (v < 0)
      return -1;
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[len++] = (uint8_t)(acc >> bits);
    }
  }
  *out_len = len;
  return 0;
}

const char *otlp_buf_cstr(otlp_buf_t *b) {
  if (!otlp_buf_reserve(b, 0))
    return "";
  b->data[b->len] = '\0';
  return b->data;
}

/* A lowercase hex digit's value; -1 otherwise (uppercase included). */
static int hex_digit(char c) { return c >= 'A' && c <= 'F' ? -1 : otlp_hex_value(c); }

int otlp_hex_decode(const char *s, size_t n, uint8_t *out) {
  for (size_t i = 0; i < n; i++) {
    int hi = hex_digit(s[2 * i]);
    int lo = hi < 0 ? -1 : hex_digit(s[2 * i + 1]);
    if (lo < 0)
      return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return 0;
}

int otlp_hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}
