/*
 * URLs as telemetry may record them (the HTTP semantic conventions):
 * credentials become REDACTED:REDACTED, and the values of sensitive query
 * parameters REDACTED, with their keys kept. Which parameters are sensitive
 * is OTEL_INSTRUMENTATION_HTTP_SENSITIVE_QUERY_PARAMETERS, a comma-separated
 * list of names matched without regard to case, or the conventions' list.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <otel/trace.h>

#include "common/state.h"

#define REDACTED "REDACTED"

static const char DEFAULT_SENSITIVE[] = "AWSAccessKeyId,Signature,sig,X-Goog-Signature,"
                                        "X-Amz-Credential,X-Amz-Security-Token,X-Amz-Signature";

static const char *sensitive_names(void) {
  const char *configured = otel__sdk_enabled() ? otel__sdk.config.sensitive_query : NULL;
  return configured ? configured : DEFAULT_SENSITIVE;
}

static bool listed(const char *names, const char *key, size_t n) {
  for (const char *p = names; *p;) {
    while (*p == ' ' || *p == ',')
      p++;
    size_t len = strcspn(p, ", ");
    if (len && len == n && !strncasecmp(p, key, n))
      return true;
    p += len;
  }
  return false;
}

/* What is written so far; past the end it is cut, and stays NUL-terminated. */
typedef struct {
  char *p;
  size_t left; /* room for characters, the NUL aside */
} out_t;

static void put(out_t *o, const char *s, size_t n) {
  if (n > o->left)
    n = o->left;
  memcpy(o->p, s, n);
  o->p += n, o->left -= n;
  *o->p = '\0';
}

/* q[0..n), a query without its '?', with each listed parameter's value redacted. */
static void put_query(out_t *o, const char *q, size_t n, const char *names) {
  for (const char *p = q, *end = q + n; p < end;) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *stop = amp ? amp : end;
    const char *eq = memchr(p, '=', (size_t)(stop - p));
    if (eq && listed(names, p, (size_t)(eq - p))) {
      put(o, p, (size_t)(eq - p) + 1);
      put(o, REDACTED, sizeof(REDACTED) - 1);
    } else {
      put(o, p, (size_t)(stop - p));
    }
    if (amp)
      put(o, "&", 1);
    p = stop + (amp != NULL);
  }
}

/* The length of "scheme://" at the start of url, or 0. */
static size_t scheme_length(const char *url) {
  size_t i = 0;
  while ((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
         (i > 0 && ((url[i] >= '0' && url[i] <= '9') || strchr("+-.", url[i]))))
    i++;
  return i > 0 && !strncmp(url + i, "://", 3) ? i + 3 : 0;
}

const char *otel_url_redact(const char *url, char *out, size_t size) {
  if (!size)
    return out;
  out_t o = {out, size - 1};
  *out = '\0';
  if (!url)
    return out;
  const char *p = url;
  size_t scheme = scheme_length(url);
  if (scheme) {
    put(&o, p, scheme);
    p += scheme;
    size_t authority = strcspn(p, "/?#");
    const char *at = NULL;
    for (const char *c = p; c < p + authority; c++)
      if (*c == '@')
        at = c;
    if (at) {
      put(&o, REDACTED ":" REDACTED, 2 * sizeof(REDACTED) - 1);
      p = at;
    }
  }
  size_t path = strcspn(p, "?#");
  put(&o, p, path);
  p += path;
  if (*p == '?') {
    size_t query = strcspn(p + 1, "#");
    put(&o, "?", 1);
    put_query(&o, p + 1, query, sensitive_names());
    p += 1 + query;
  }
  put(&o, p, strlen(p)); /* the fragment */
  return out;
}

bool otel_url_needs_redaction(const char *url) {
  return url && (strchr(url, '?') || strchr(url, '@'));
}
