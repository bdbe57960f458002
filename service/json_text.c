/* Compact JSON text: strings copied in runs that need no escape, numbers from
 * their digits. Written twice: once to count the bytes, once into a buffer
 * of exactly that size. */
#include "json_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *out; /* NULL while counting */
  size_t len;
  bool failed;
} text_t;

static void put(text_t *t, const char *p, size_t n) {
  if (t->out)
    memcpy(t->out + t->len, p, n);
  t->len += n;
}

static void put_char(text_t *t, char c) { put(t, &c, 1); }

/* As jansson escapes: the quote, the backslash and the control characters. */
static void put_string(text_t *t, const char *s, size_t n) {
  static const char HEX[] = "0123456789ABCDEF";
  put_char(t, '"');
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && (unsigned char)s[run] >= 0x20 && s[run] != '"' && s[run] != '\\')
      run++;
    put(t, s + i, run - i);
    if (run == n)
      break;
    unsigned char c = (unsigned char)s[run];
    const char *short_form = c == '"'    ? "\\\""
                             : c == '\\' ? "\\\\"
                             : c == '\b' ? "\\b"
                             : c == '\f' ? "\\f"
                             : c == '\n' ? "\\n"
                             : c == '\r' ? "\\r"
                             : c == '\t' ? "\\t"
                                         : NULL;
    if (short_form) {
      put(t, short_form, 2);
    } else {
      char u[6] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15]};
      put(t, u, 6);
    }
    i = run + 1;
  }
  put_char(t, '"');
}

static void put_integer(text_t *t, json_int_t v) {
  char digits[24], *p = digits + sizeof(digits);
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do
    *--p = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0)
    *--p = '-';
  put(t, p, (size_t)(digits + sizeof(digits) - p));
}

static void put_value(text_t *t, const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    put_char(t, '{');
    bool first = true;
    for (void *it = json_object_iter((json_t *)v); it;
         it = json_object_iter_next((json_t *)v, it)) {
      if (!first)
        put_char(t, ',');
      first = false;
      put_string(t, json_object_iter_key(it), json_object_iter_key_len(it));
      put_char(t, ':');
      put_value(t, json_object_iter_value(it));
    }
    put_char(t, '}');
    break;
  }
  case JSON_ARRAY:
    put_char(t, '[');
    for (size_t i = 0; i < json_array_size(v); i++) {
      if (i)
        put_char(t, ',');
      put_value(t, json_array_get(v, i));
    }
    put_char(t, ']');
    break;
  case JSON_STRING:
    put_string(t, json_string_value(v), json_string_length(v));
    break;
  case JSON_INTEGER:
    put_integer(t, json_integer_value(v));
    break;
  case JSON_REAL: { /* no response carries one; jansson's own digits */
    char *real = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (real)
      put(t, real, strlen(real));
    else
      t->failed = true;
    free(real);
    break;
  }
  case JSON_TRUE:
    put(t, "true", 4);
    break;
  case JSON_FALSE:
    put(t, "false", 5);
    break;
  case JSON_NULL:
    put(t, "null", 4);
    break;
  }
}

char *svc_json_text(const json_t *value, size_t *len) {
  text_t count = {0};
  put_value(&count, value);
  text_t text = {.out = count.failed ? NULL : malloc(count.len + 1)};
  if (!text.out)
    return NULL;
  put_value(&text, value);
  if (text.failed || text.len != count.len) {
    free(text.out);
    return NULL;
  }
  text.out[text.len] = '\0';
  *len = text.len;
  return text.out;
}
