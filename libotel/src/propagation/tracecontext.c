/*
 * W3C Trace Context: strict parsing and formatting of traceparent and
 * tracestate. Every rejection rule of the specification is a branch here and
 * a case in tests/unit/test_tracecontext.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <otel/context.h>

#include "otlp_codec.h"
#include "common/ids.h"
#include "propagation/propagation.h"

#define TRACEPARENT_LEN 55
#define TRACESTATE_MAX_MEMBERS 32
#define TRACESTATE_LONG_MEMBER 128

/* The flags Trace Context Level 2 defines; a vendor sets the others to zero. */
#define TRACE_FLAGS_KNOWN (OTEL_TRACE_FLAG_SAMPLED | OTEL_TRACE_FLAG_RANDOM)

static bool is_ows(char c) { return c == ' ' || c == '\t'; }

int otel_traceparent_parse(const char *v, otel_span_context_t *out) {
  if (!v)
    return -EINVAL;
  /* Optional white space around a field value is not part of it (RFC 9110 5.5). */
  while (is_ows(*v))
    v++;
  size_t n = strlen(v);
  while (n > 0 && is_ows(v[n - 1]))
    n--;
  if (n < TRACEPARENT_LEN || v[2] != '-' || v[35] != '-' || v[52] != '-')
    return -EINVAL;
  uint8_t version;
  if (otlp_hex_decode(v, 1, &version) || version == 0xff)
    return -EINVAL;
  /* Version 00 is exactly 55 characters; a later version may append fields
   * after another '-', which this parser ignores as the specification says. */
  if (version == 0 ? n != TRACEPARENT_LEN : (n > TRACEPARENT_LEN && v[TRACEPARENT_LEN] != '-'))
    return -EINVAL;
  uint8_t trace_id[OTEL_TRACE_ID_SIZE], span_id[OTEL_SPAN_ID_SIZE], flags;
  if (otlp_hex_decode(v + 3, OTEL_TRACE_ID_SIZE, trace_id) ||
      otlp_hex_decode(v + 36, OTEL_SPAN_ID_SIZE, span_id) || otlp_hex_decode(v + 53, 1, &flags))
    return -EINVAL;
  if (otel__is_zero(trace_id, OTEL_TRACE_ID_SIZE) || otel__is_zero(span_id, OTEL_SPAN_ID_SIZE))
    return -EINVAL;
  /* Field by field: the tracestate buffer, most of the struct, needs only its terminator. */
  memcpy(out->trace_id, trace_id, sizeof(trace_id));
  memcpy(out->span_id, span_id, sizeof(span_id));
  out->flags = flags & TRACE_FLAGS_KNOWN; /* the others are reserved: zero */
  out->is_remote = true;
  out->trace_state[0] = '\0';
  return 0;
}

void otel_traceparent_format(const otel_span_context_t *sc, char out[OTEL_TRACEPARENT_SIZE]) {
  memcpy(out, "00-", 3);
  otlp_hex_encode(sc->trace_id, OTEL_TRACE_ID_SIZE, out + 3);
  out[35] = '-';
  otlp_hex_encode(sc->span_id, OTEL_SPAN_ID_SIZE, out + 36);
  out[52] = '-';
  uint8_t flags = sc->flags & TRACE_FLAGS_KNOWN;
  otlp_hex_encode(&flags, 1, out + 53);
}

static bool is_lcalpha(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* key = ( lcalpha / DIGIT ) 0*255 ( keychar ), where keychar is lcalpha,
 * DIGIT, "_", "-", "*", "/" or "@" (Trace Context Level 2). */
static bool valid_key(const char *k, size_t n) {
  if (n < 1 || n > 256 || !(is_lcalpha(k[0]) || is_digit(k[0])))
    return false;
  for (size_t i = 1; i < n; i++)
    if (!is_lcalpha(k[i]) && !is_digit(k[i]) && !strchr("_-*/@", k[i]))
      return false;
  return true;
}

/* 1 to 256 printable ASCII characters without ',' or '=', not ending in a
 * space; a leading space is part of the value. */
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
  size_t n;   /* the member's length; 0 once dropped to fit the limit */
  size_t key; /* its key's length */
} member_t;

typedef struct {
  member_t m[TRACESTATE_MAX_MEMBERS];
  size_t count;
} members_t;

/* Adds the members of one field line; -EINVAL for an invalid member or a
 * 33rd. A key seen before keeps its first member. */
static int add_members(members_t *ms, const char *line) {
  for (const char *p = line;;) {
    const char *comma = strchr(p, ',');
    const char *b = p, *e = comma ? comma : p + strlen(p);
    while (b < e && is_ows(*b))
      b++;
    while (e > b && is_ows(e[-1]))
      e--;
    if (b < e) { /* empty members are allowed and skipped */
      const char *eq = memchr(b, '=', (size_t)(e - b));
      size_t key = eq ? (size_t)(eq - b) : 0;
      if (!eq || !valid_key(b, key) || !valid_value(eq + 1, (size_t)(e - eq - 1)))
        return -EINVAL;
      bool seen = false;
      for (size_t i = 0; i < ms->count && !seen; i++)
        seen = ms->m[i].key == key && !memcmp(ms->m[i].p, b, key);
      if (!seen) {
        if (ms->count == TRACESTATE_MAX_MEMBERS)
          return -EINVAL;
        ms->m[ms->count++] = (member_t){b, (size_t)(e - b), key};
      }
    }
    if (!comma)
      return 0;
    p = comma + 1;
  }
}

/* The canonical form of ms into out, fitted to the limit: long members go
 * first, then members from the end. */
static void write_members(members_t *ms, char out[OTEL_TRACESTATE_MAX + 1]) {
  size_t total = 0;
  for (size_t i = 0; i < ms->count; i++)
    total += ms->m[i].n + (i > 0);
  for (size_t i = 0; i < ms->count && total > OTEL_TRACESTATE_MAX; i++) {
    if (ms->m[i].n > TRACESTATE_LONG_MEMBER) {
      total -= ms->m[i].n + 1;
      ms->m[i].n = 0;
    }
  }
  size_t len = 0;
  for (size_t i = 0; i < ms->count; i++) {
    if (!ms->m[i].n)
      continue;
    size_t need = ms->m[i].n + (len > 0);
    if (len + need > OTEL_TRACESTATE_MAX)
      break;
    if (len)
      out[len++] = ',';
    memcpy(out + len, ms->m[i].p, ms->m[i].n);
    len += ms->m[i].n;
  }
  out[len] = '\0';
}

int otel__tracestate_parse_lines(const char *const *lines, size_t n,
                                 char out[OTEL_TRACESTATE_MAX + 1]) {
  out[0] = '\0';
  members_t ms = {.count = 0};
  for (size_t i = 0; i < n; i++)
    if (!lines[i] || add_members(&ms, lines[i]) != 0)
      return -EINVAL;
  write_members(&ms, out);
  return 0;
}

int otel_tracestate_parse(const char *value, char out[OTEL_TRACESTATE_MAX + 1]) {
  return otel__tracestate_parse_lines(&value, 1, out);
}
