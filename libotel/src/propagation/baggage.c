/*
 * W3C Baggage: an immutable, reference-counted list of entries that can be
 * shared across threads, with the header's parser and formatter. Limits are
 * the specification's: 64 members and 8192 bytes on the wire.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <otel/context.h>

#include "propagation/kvlist.h"
#include "propagation/propagation.h"

#define BAGGAGE_MAX_MEMBERS 64
#define BAGGAGE_MAX_BYTES 8192

typedef struct {
  char *key;
  char *value;
  char *properties; /* raw ";"-separated metadata, or NULL */
} entry_t;

struct otel_baggage {
  atomic_int refs;
  size_t n;
  entry_t entries[BAGGAGE_MAX_MEMBERS];
};

static otel_baggage_t *baggage_new(void) {
  otel_baggage_t *b = calloc(1, sizeof(*b));
  if (b)
    atomic_init(&b->refs, 1);
  return b;
}

static void entries_free(otel_baggage_t *b) {
  for (size_t i = 0; i < b->n; i++) {
    free(b->entries[i].key);
    free(b->entries[i].value);
    free(b->entries[i].properties);
  }
}

otel_baggage_t *otel_baggage_retain(otel_baggage_t *b) {
  if (b)
    atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
  return b;
}

void otel_baggage_release(otel_baggage_t *b) {
  if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1) {
    entries_free(b);
    free(b);
  }
}

size_t otel_baggage_count(const otel_baggage_t *b) { return b ? b->n : 0; }

bool otel_baggage_entry(const otel_baggage_t *b, size_t i, const char **key, const char **value) {
  if (!b || i >= b->n)
    return false;
  *key = b->entries[i].key;
  *value = b->entries[i].value;
  return true;
}

const char *otel_baggage_get(const otel_baggage_t *b, const char *key) {
  for (size_t i = 0; b && i < b->n; i++)
    if (!strcmp(b->entries[i].key, key))
      return b->entries[i].value;
  return NULL;
}

/* Appends copies; replaces the value of an existing key. false on failure. */
static bool put(otel_baggage_t *b, const char *key, const char *value, const char *props) {
  size_t i = 0;
  while (i < b->n && strcmp(b->entries[i].key, key))
    i++;
  if (i == BAGGAGE_MAX_MEMBERS)
    return false;
  entry_t e = {strdup(key), strdup(value), props ? strdup(props) : NULL};
  if (!e.key || !e.value || (props && !e.properties)) {
    free(e.key);
    free(e.value);
    free(e.properties);
    return false;
  }
  if (i < b->n) {
    free(b->entries[i].key);
    free(b->entries[i].value);
    free(b->entries[i].properties);
  } else {
    b->n++;
  }
  b->entries[i] = e;
  return true;
}

otel_baggage_t *otel_baggage_set(const otel_baggage_t *b, const char *key, const char *value) {
  if (!key || !*key || !value)
    return NULL;
  for (const char *p = key; *p; p++)
    if (!otel__is_token_char((unsigned char)*p))
      return NULL;
  otel_baggage_t *n = baggage_new();
  if (!n)
    return NULL;
  for (size_t i = 0; b && i < b->n; i++) {
    const entry_t *e = &b->entries[i];
    if (!put(n, e->key, e->value, e->properties))
      goto fail;
  }
  if (!put(n, key, value, NULL))
    goto fail;
  return n;
fail:
  otel_baggage_release(n);
  return NULL;
}

static void parsed_member(void *ud, const char *key, const char *value, const char *props) {
  put(ud, key, value, props);
}

otel_baggage_t *otel__baggage_parse_lines(const char *const *lines, size_t n) {
  size_t bytes = n ? n - 1 : 0; /* the commas that join the lines */
  for (size_t i = 0; i < n; i++) {
    if (!lines[i])
      return NULL;
    bytes += strlen(lines[i]);
  }
  if (n == 0 || bytes > BAGGAGE_MAX_BYTES)
    return NULL;
  otel_baggage_t *b = baggage_new();
  if (!b)
    return NULL;
  for (size_t i = 0; i < n; i++)
    otel__kvlist_parse(lines[i], parsed_member, b);
  if (b->n == 0) {
    otel_baggage_release(b);
    return NULL;
  }
  return b;
}

otel_baggage_t *otel_baggage_parse(const char *value) {
  return otel__baggage_parse_lines(&value, 1);
}

/* baggage-octet: printable ASCII but for space, '"', ',', ';' and '\'; and
 * '%', encoded so that decoding gives back the value. */
static bool needs_escape(unsigned char c) {
  return c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\' || c == '%';
}

static size_t encoded_length(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    n += needs_escape((unsigned char)*s) ? 3 : 1;
  return n;
}

static char *encode(char *o, const char *s) {
  static const char HEX[] = "0123456789ABCDEF";
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (needs_escape(c)) {
      *o++ = '%';
      *o++ = HEX[c >> 4];
      *o++ = HEX[c & 15];
    } else {
      *o++ = (char)c;
    }
  }
  return o;
}

size_t otel_baggage_format(const otel_baggage_t *b, char *out, size_t size) {
  if (size == 0)
    return 0;
  if (size > BAGGAGE_MAX_BYTES + 1)
    size = BAGGAGE_MAX_BYTES + 1;
  size_t len = 0;
  for (size_t i = 0; b && i < b->n; i++) {
    const entry_t *e = &b->entries[i];
    size_t need = (len > 0) + strlen(e->key) + 1 + encoded_length(e->value) +
                  (e->properties ? 1 + strlen(e->properties) : 0);
    if (len + need >= size)
      continue; /* only whole members go on the wire */
    char *o = out + len;
    if (len)
      *o++ = ',';
    o = stpcpy(o, e->key);
    *o++ = '=';
    o = encode(o, e->value);
    if (e->properties) {
      *o++ = ';';
      o = stpcpy(o, e->properties);
    }
    len = (size_t)(o - out);
  }
  out[len] = '\0';
  return len;
}
