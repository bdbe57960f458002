/* Small strings on the request path, for the integrations (text.h). */
#include "text.h"

#include <string.h>

char *otel__str_copy(char *out, size_t size, const char *s, size_t n) {
  if (n >= size)
    n = size - 1;
  memcpy(out, s, n);
  out[n] = '\0';
  return out;
}

char *otel__str_join(char *out, size_t size, const char *a, char sep, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  if (na > size - 1)
    na = size - 1;
  memcpy(out, a, na);
  if (na < size - 1)
    out[na++] = sep;
  if (nb > size - 1 - na)
    nb = size - 1 - na;
  memcpy(out + na, b, nb);
  out[na + nb] = '\0';
  return out;
}

char *otel__ipv4_text(const uint8_t addr[4], char out[16]) {
  char *p = out;
  for (int i = 0; i < 4; i++) {
    unsigned v = addr[i];
    if (v >= 100)
      *p++ = (char)('0' + v / 100);
    if (v >= 10)
      *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    *p++ = i < 3 ? '.' : '\0';
  }
  return out;
}
