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

/* 1 for the bytes a JSON string takes as they are: printable ASCII but '"'
 * and '\\' (and DEL, which JSON allows). One lookup a byte, where the run
 * below would otherwise test four ranges. A row is 32 bytes: 0x00-0x1f,
 * 0x20-0x3f, ... */
static const uint8_t JSON_PLAIN[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* What one byte of a JSON string can become at most: "\u00XX". */
#define JSON_GROWTH 6
/* A string is escaped this many bytes at a time: straight into the buffer,
 * reserved once for the worst case, when its cap leaves room for that... */
#define JSON_DIRECT 4096
/* ...else through a block of the stack, appended as it is (the cap then
 * decides exactly, as for any append). */
#define JSON_STAGED 256

/* Escapes s[0..n) as JSON string content into out, which has room for
 * n * JSON_GROWTH bytes; returns the bytes written. Invalid UTF-8 becomes
 * U+FFFD. */
static size_t json_escape(const unsigned char *s, size_t n, char *out) {
  char *o = out;
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && JSON_PLAIN[s[run]]) /* the longest stretch that needs nothing */
      run++;
    memcpy(o, s + i, run - i);
    o += run - i;
    if ((i = run) >= n)
      break;
    unsigned char c = s[i++];
    if (c == '"' || c == '\\') {
      *o++ = '\\', *o++ = (char)c;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      *o++ = '\\', *o++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
    } else if (c < 0x20) {
      memcpy(o, "\\u00", 4);
      o[4] = HEX[c >> 4], o[5] = HEX[c & 15];
      o += 6;
    } else {
      size_t len = utf8_sequence(s + i - 1, n - i + 1);
      if (len) {
        memcpy(o, s + i - 1, len);
        o += len, i += len - 1;
      } else {
        memcpy(o, "\xef\xbf\xbd", 3);
        o += 3;
      }
    }
  }
  return (size_t)(o - out);
}

/* Where a block of the string that starts at i may end, at most `most`
 * bytes on: not inside a UTF-8 sequence (a valid one is kept whole; bytes
 * that are not one are replaced either way). */
static size_t block_end(const unsigned char *s, size_t i, size_t n, size_t most) {
  if (n - i <= most)
    return n;
  size_t end = i + most;
  for (int k = 0; k < 3 && (s[end] & 0xc0) == 0x80; k++)
    end--;
  return end;
}

void otlp_buf_json_string(otlp_buf_t *b, const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  bool room = !b->max || b->len + JSON_DIRECT * JSON_GROWTH + 2 <= b->max;
  if (n <= JSON_DIRECT && room) { /* the usual string: one reservation, quotes and all */
    if (otlp_buf_reserve(b, n * JSON_GROWTH + 2)) {
      char *o = b->data + b->len;
      *o++ = '"';
      o += json_escape(s, n, o);
      *o++ = '"';
      b->len = (size_t)(o - b->data);
    }
    return;
  }
  otlp_buf_putc(b, '"');
  for (size_t i = 0; i < n && !b->failed;) {
    bool direct = !b->max || b->len + JSON_DIRECT * JSON_GROWTH + 2 <= b->max;
    size_t end = block_end(s, i, n, direct ? JSON_DIRECT : JSON_STAGED);
    if (direct) {
      if (!otlp_buf_reserve(b, (end - i) * JSON_GROWTH))
        return;
      b->len += json_escape(s + i, end - i, b->data + b->len);
    } else {
      char staged[JSON_STAGED * JSON_GROWTH];
      otlp_buf_append(b, staged, json_escape(s + i, end - i, staged));
    }
    i = end;
  }
  otlp_buf_putc(b, '"');
}

/* Each byte's two hex digits, so that an id costs a copy per byte. */
#define NIBBLE(x) ((char)((x) < 10 ? '0' + (x) : 'a' + (x)-10))
#define PAIR(b)                                                                                    \
  { NIBBLE((b) >> 4), NIBBLE((b)&15) }
#define PAIRS4(b) PAIR(b), PAIR((b) + 1), PAIR((b) + 2), PAIR((b) + 3)
#define PAIRS16(b) PAIRS4(b), PAIRS4((b) + 4), PAIRS4((b) + 8), PAIRS4((b) + 12)
#define PAIRS64(b) PAIRS16(b), PAIRS16((b) + 16), PAIRS16((b) + 32), PAIRS16((b) + 48)
static const char HEX_PAIRS[256][2] = {PAIRS64(0), PAIRS64(64), PAIRS64(128), PAIRS64(192)};

void otlp_hex_encode(const uint8_t *p, size_t n, char *out) {
  for (size_t i = 0; i < n; i++)
    memcpy(out + 2 * i, HEX_PAIRS[p[i]], 2);
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

/* Each byte's value as a lowercase hex digit; 16 (a bit no digit has) for
 * any other byte, uppercase included. The ids of every traceparent a server
 * reads are decoded here. */
static const uint8_t LOWER_HEX_VALUE[256] = {
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
};

int otlp_hex_decode(const char *s, size_t n, uint8_t *out) {
  const unsigned char *p = (const unsigned char *)s;
  unsigned seen = 0; /* every digit's value or'ed: 16 in it means a byte was no digit */
  for (size_t i = 0; i < n; i++) {
    unsigned hi = LOWER_HEX_VALUE[p[2 * i]], lo = LOWER_HEX_VALUE[p[2 * i + 1]];
    seen |= hi | lo;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return seen & 16 ? -1 : 0;
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
