/* Parser for the comma-separated key=value lists of W3C baggage and the OTEL_* variables. */
#include "propagation/kvlist.h"

#include <stdlib.h>
#include <string.h>

#include "otlp_codec.h"

bool otel__is_token_char(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f)
    return false;
  return !strchr("()<>@,;:\\\"/[]?={}", c);
}

bool otel__percent_decode(const char *s, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '%') {
      out[o++] = s[i];
      continue;
    }
    int hi = i + 2 < n ? otlp_hex_value(s[i + 1]) : -1;
    int lo = hi >= 0 ? otlp_hex_value(s[i + 2]) : -1;
    if (lo < 0)
      return false;
    out[o++] = (char)(hi << 4 | lo);
    i += 2;
  }
  out[o] = '\0';
  return true;
}

static bool is_ows(char c) { return c == ' ' || c == '\t'; }

static void trim(const char **b, const char **e) {
  while (*b < *e && is_ows(**b))
    (*b)++;
  while (*e > *b && is_ows((*e)[-1]))
    (*e)--;
}

/* Parses one member [b, e); true when well formed (fn called). */
static bool parse_member(const char *b, const char *e, otel__kvlist_fn fn, void *ud) {
  const char *eq = memchr(b, '=', (size_t)(e - b));
  if (!eq)
    return false;
  const char *kb = b, *ke = eq;
  trim(&kb, &ke);
  if (kb == ke)
    return false;
  for (const char *p = kb; p < ke; p++)
    if (!otel__is_token_char((unsigned char)*p))
      return false;
  const char *vb = eq + 1, *ve = e;
  const char *semi = memchr(vb, ';', (size_t)(ve - vb));
  const char *props = NULL;
  if (semi) {
    props = semi + 1;
    ve = semi;
  }
  trim(&vb, &ve);
  size_t klen = (size_t)(ke - kb), vlen = (size_t)(ve - vb);
  char small[512];
  char *buf = klen + vlen + 2 <= sizeof(small) ? small : malloc(klen + vlen + 2);
  if (!buf)
    return false;
  memcpy(buf, kb, klen);
  buf[klen] = '\0';
  char *value = buf + klen + 1;
  bool ok = otel__percent_decode(vb, vlen, value);
  if (ok) {
    char *prop_copy = NULL;
    if (props) {
      const char *pb = props, *pe = e;
      trim(&pb, &pe);
      prop_copy = strndup(pb, (size_t)(pe - pb));
    }
    fn(ud, buf, value, prop_copy);
    free(prop_copy);
  }
  if (buf != small)
    free(buf);
  return ok;
}

int otel__kvlist_parse(const char *list, otel__kvlist_fn fn, void *ud) {
  int bad = 0;
  if (!list)
    return 0;
  const char *p = list;
  for (;;) {
    const char *comma = strchr(p, ',');
    const char *e = comma ? comma : p + strlen(p);
    const char *b = p;
    trim(&b, &e);
    if (b < e && !parse_member(b, e, fn, ud))
      bad++;
    if (!comma)
      break;
    p = comma + 1;
  }
  return bad;
}
