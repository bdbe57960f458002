/* DATABASE_URL's scheme and secrets. */
#include "dburl.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRETS_MAX 8
#define SECRET_SIZE 512

/* Each secret as written in the URL and, when that differs, percent-decoded. */
static char secrets[SECRETS_MAX][SECRET_SIZE];
static size_t n_secrets;

/* Notes s[0..n) and its percent-decoded form as secrets. */
static void note_secret(const char *s, size_t n) {
  if (n == 0 || n >= SECRET_SIZE || n_secrets + 2 > SECRETS_MAX)
    return;
  memcpy(secrets[n_secrets], s, n);
  secrets[n_secrets++][n] = '\0';
  char *d = secrets[n_secrets];
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
        isxdigit((unsigned char)s[i + 2])) {
      d[len++] = (char)strtol((char[]){s[i + 1], s[i + 2], '\0'}, NULL, 16);
      i += 2;
    } else {
      d[len++] = s[i];
    }
  }
  d[len] = '\0';
  if (strcmp(d, secrets[n_secrets - 1]))
    n_secrets++;
}

/* The password of "user:password@" in the authority, and "password=" values of the query. */
static void note_secrets(const char *rest) {
  size_t authority = strcspn(rest, "/?#");
  const char *at = NULL;
  for (const char *c = rest; c < rest + authority; c++)
    if (*c == '@')
      at = c;
  const char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
  if (colon)
    note_secret(colon + 1, (size_t)(at - colon - 1));
  const char *q = strchr(rest, '?');
  for (const char *p = q; p && *p; p = strchr(p + 1, '&')) {
    const char *param = p + 1;
    if (!strncmp(param, "password=", 9))
      note_secret(param + 9, strcspn(param + 9, "&#"));
  }
}

int articles_dburl_set(const char *url, char *out, size_t size) {
  static const char *const schemes[] = {"postgresql+asyncpg://", "postgresql://", "postgres://"};
  n_secrets = 0;
  const char *rest = strstr(url, "://");
  note_secrets(rest ? rest + 3 : url); /* so that even a refused URL is shown redacted */
  for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
    size_t n = strlen(schemes[i]);
    if (strncmp(url, schemes[i], n))
      continue;
    int len = snprintf(out, size, "postgresql://%s", url + n);
    return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
  }
  return -EINVAL;
}

const char *articles_dburl_redact(const char *text, char *out, size_t size) {
  if (!size)
    return out;
  size_t len = 0;
  for (const char *p = text; *p && len + 1 < size;) {
    bool replaced = false;
    for (size_t i = 0; i < n_secrets && !replaced; i++) {
      size_t n = strlen(secrets[i]);
      if (!strncmp(p, secrets[i], n)) {
        len += (size_t)snprintf(out + len, size - len, "REDACTED");
        if (len >= size)
          len = size - 1;
        p += n;
        replaced = true;
      }
    }
    if (!replaced)
      out[len++] = *p++;
  }
  out[len] = '\0';
  return out;
}
