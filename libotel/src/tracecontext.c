/*
 * W3C Trace Context: strict parsing and formatting of traceparent and
 * tracestate. Every rejection rule of the specification is a branch here and
 * a case in tests/unit/test_tracecontext.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <otel/context.h>

#include "buf.h"
#include "ids.h"

#define TRACEPARENT_LEN 55
#define TRACESTATE_MAX_MEMBERS 32
#define TRACESTATE_LONG_MEMBER 128

int otel_traceparent_parse(const char *v, otel_span_context_t *out) {
  if (!v)
    return -EINVAL;
  size_t n = strlen(v);
  if (n < TRACEPARENT_LEN || v[2] != '-' || v[35] != '-' || v[52] != '-')
    return -EINVAL;
  uint8_t version;
  if (otel__hex_decode(v, 1, &version) || version == 0xff)
    return -EINVAL;
  /* Version 00 is exactly 55 characters; a later version may append fields
   * after another '-', which this parser ignores as the specification says. */
  if (version == 0 ? n != TRACEPARENT_LEN : (n > TRACEPARENT_LEN && v[TRACEPARENT_LEN] != '-'))
    return -EINVAL;
  otel_span_context_t sc;
  memset(&sc, 0, sizeof(sc));
  uint8_t flags;
  if (otel__hex_decode(v + 3, OTEL_TRACE_ID_SIZE, sc.trace_id) ||
      otel__hex_decode(v + 36, OTEL_SPAN_ID_SIZE, sc.span_id) ||
      otel__hex_decode(v + 53, 1, &flags))
    return -EINVAL;
  if (otel__is_zero(sc.trace_id, OTEL_TRACE_ID_SIZE) ||
      otel__is_zero(sc.span_id, OTEL_SPAN_ID_SIZE))
    return -EINVAL;
  sc.flags = flags & OTEL_TRACE_FLAG_SAMPLED; /* the only flag this SDK acts on */
  sc.is_remote = true;
  *out = sc;
  return 0;
}

void otel_traceparent_format(const otel_span_context_t *sc, char out[OTEL_TRACEPARENT_SIZE]) {
  memcpy(out, "00-", 3);
  otel__hex_encode(sc->trace_id, OTEL_TRACE_ID_SIZE, out + 3);
  out[35] = '-';
  otel__hex_encode(sc->span_id, OTEL_SPAN_ID_SIZE, out + 36);
  out[52] = '-';
  uint8_t flags = sc->flags & OTEL_TRACE_FLAG_SAMPLED;
  otel__hex_encode(&flags, 1, out + 53);
}

static bool is_lcalpha(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_key_char(char c) {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/';
}

/* simple-key, or tenant "@" system for multi-tenant vendors. */
static bool valid_key(const char *k, size_t n) {
  const char *at = memchr(k, '@', n);
  if (!at) {
    if (n < 1 || n > 256 || !is_lcalpha(k[0]))
      return false;
    for (size_t i = 1; i < n; i++)
      if (!is_key_char(k[i]))
        return false;
    return true;
  }
  size_t tenant = (size_t)(at - k), system = n - tenant - 1;
  if (tenant < 1 || tenant > 241 || system < 1 || system > 14)
    return false;
  if (!is_lcalpha(k[0]) && !is_digit(k[0]))
    return false;
  for (size_t i = 1; i < tenant; i++)
    if (!is_key_char(k[i]))
      return false;
  if (!is_lcalpha(at[1]))
    return false;
  for (size_t i = 2; i <= system; i++)
    if (!is_key_char(at[i]))
      return false;
  return true;
}

/* 1 to 256 printable ASCII characters without ',' or '=', not ending in a space. */
static bool valid_value(const char *v, size_t n) {
  if (n < 1 || n > 256 || v[n - 1] == ' ')
    return false;
  for (size_t i = 0; i < n; i++)
    if (v[i] < 0x20 || v[i] > 0x7e || v[i] == ',' || v[i] == '=')
      return false;
  return true;
}

typedef struct {
  const char *p;
  size_t n;
} member_t;

int otel_tracestate_parse(const char *value, char out[OTEL_TRACESTATE_MAX + 1]) {
  out[0] = '\0';
  if (!value)
    return -EINVAL;
  member_t members[TRACESTATE_MAX_MEMBERS];
  size_t count = 0;
  for (const char *p = value;;) {
    const char *comma = strchr(p, ',');
    const char *b = p, *e = comma ? comma : p + strlen(p);
    while (b < e && (*b == ' ' || *b == '\t'))
      b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
      e--;
    if (b < e) { /* empty members are allowed and skipped */
      const char *eq = memchr(b, '=', (size_t)(e - b));
      if (!eq || !valid_key(b, (size_t)(eq - b)) || !valid_value(eq + 1, (size_t)(e - eq - 1)))
        return -EINVAL;
      if (count == TRACESTATE_MAX_MEMBERS)
        return -EINVAL;
      for (size_t i = 0; i < count; i++) {
        const char *k = members[i].p;
        size_t kn = (size_t)((const char *)memchr(k, '=', members[i].n) - k);
        if (kn == (size_t)(eq - b) && !memcmp(k, b, kn))
          return -EINVAL; /* a key may appear once */
      }
      members[count++] = (member_t){b, (size_t)(e - b)};
    }
    if (!comma)
      break;
    p = comma + 1;
  }
  /* Fit the limit: drop long members first, then members from the end. */
  size_t total = 0;
  for (size_t i = 0; i < count; i++)
    total += members[i].n + (i > 0);
  for (size_t i = 0; i < count && total > OTEL_TRACESTATE_MAX; i++) {
    if (members[i].n > TRACESTATE_LONG_MEMBER) {
      total -= members[i].n + 1;
      members[i].n = 0;
    }
  }
  size_t len = 0;
  for (size_t i = 0; i < count; i++) {
    if (!members[i].n)
      continue;
    size_t need = members[i].n + (len > 0);
    if (len + need > OTEL_TRACESTATE_MAX)
      break;
    if (len)
      out[len++] = ',';
    memcpy(out + len, members[i].p, members[i].n);
    len += members[i].n;
  }
  out[len] = '\0';
  return 0;
}
