/*
 * A protobuf writer that fills its buffer from the end. Writing a message's
 * fields last-to-first and then its length and tag means no pass is needed to
 * size nested messages first: one pass over the data encodes it. The field
 * writers are inline: they run a few times per attribute of every span.
 * Beside it, the otel__pb_ functions write front to back into memory of a
 * size known beforehand: an attribute's value, a log record.
 */
#ifndef OTEL_PBW_H
#define OTEL_PBW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct otel__pbw {
  uint8_t *buf;
  size_t cap;
  size_t pos; /* the encoded bytes are buf[pos, cap) */
  bool failed;
} otel__pbw_t;

enum { OTEL__WIRE_VARINT = 0, OTEL__WIRE_FIXED64 = 1, OTEL__WIRE_LEN = 2, OTEL__WIRE_FIXED32 = 5 };

void otel__pbw_init(otel__pbw_t *w);
void otel__pbw_free(otel__pbw_t *w);
/* Empties the writer, keeping its memory. */
void otel__pbw_reset(otel__pbw_t *w);
/* Makes the buffer larger so n more bytes fit; false (and failed set) when it cannot. */
bool otel__pbw_grow(otel__pbw_t *w, size_t n);

static inline const uint8_t *otel__pbw_data(const otel__pbw_t *w) { return w->buf + w->pos; }
static inline size_t otel__pbw_len(const otel__pbw_t *w) { return w->cap - w->pos; }

static inline bool otel__pbw_room(otel__pbw_t *w, size_t n) {
  return w->pos >= n || otel__pbw_grow(w, n);
}

/* Forward writing, for a message whose size is known before it is written. */
static inline size_t otel__pb_varint_size(uint64_t v) {
  return v < 0x80 ? 1 : (size_t)(64 - __builtin_clzll(v) + 6) / 7;
}

/* Writes v at p; returns the byte after it. */
static inline uint8_t *otel__pb_put_varint(uint8_t *p, uint64_t v) {
  for (; v >= 0x80; v >>= 7)
    *p++ = (uint8_t)(v | 0x80);
  *p++ = (uint8_t)v;
  return p;
}

/* Writes the low n bytes of v at p, least significant first; returns the byte after. */
static inline uint8_t *otel__pb_put_le(uint8_t *p, uint64_t v, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(p, &v, n); /* one store where n is a constant: the byte loop was not merged into one */
  return p + n;
#else
  for (size_t i = 0; i < n; i++)
    *p++ = (uint8_t)(v >> (8 * i));
  return p;
#endif
}

/* Copies n bytes to d: inline for the short keys and values attributes
 * mostly are (two overlapping moves), memcpy beyond. */
static inline void otel__pb_copy(uint8_t *d, const void *src, size_t n) {
  const uint8_t *s = src;
  if (n > 32) {
    memcpy(d, s, n);
  } else if (n >= 16) {
    memcpy(d, s, 16);
    memcpy(d + n - 16, s + n - 16, 16);
  } else if (n >= 8) {
    memcpy(d, s, 8);
    memcpy(d + n - 8, s + n - 8, 8);
  } else if (n >= 4) {
    memcpy(d, s, 4);
    memcpy(d + n - 4, s + n - 4, 4);
  } else {
    for (size_t i = 0; i < n; i++)
      d[i] = s[i];
  }
}

/* A length-delimited field of n bytes, its tag (a field number under 16) and
 * length included: its size. */
static inline size_t otel__pb_delimited_size(size_t n) { return 1 + otel__pb_varint_size(n) + n; }

static inline uint8_t *otel__pb_put_tag(uint8_t *p, uint32_t field, int wire) {
  return otel__pb_put_varint(p, (uint64_t)field << 3 | (uint64_t)wire);
}

/* A length-delimited field, its tag and length first. */
static inline uint8_t *otel__pb_put_bytes(uint8_t *p, uint32_t field, const void *data, size_t n) {
  p = otel__pb_put_tag(p, field, OTEL__WIRE_LEN);
  p = otel__pb_put_varint(p, n);
  otel__pb_copy(p, data, n);
  return p + n;
}

/* n bytes in front of what w holds, for the caller to write forward; NULL
 * when they cannot be had. */
static inline uint8_t *otel__pbw_reserve(otel__pbw_t *w, size_t n) {
  if (!otel__pbw_room(w, n))
    return NULL;
  w->pos -= n;
  return w->buf + w->pos;
}

static inline void otel__pbw_raw_varint(otel__pbw_t *w, uint64_t v) {
  if (v < 0x80) {
    if (otel__pbw_room(w, 1))
      w->buf[--w->pos] = (uint8_t)v;
    return;
  }
  uint8_t *p = otel__pbw_reserve(w, otel__pb_varint_size(v));
  if (p)
    otel__pb_put_varint(p, v);
}

static inline void otel__pbw_tag(otel__pbw_t *w, uint32_t field, int wire) {
  otel__pbw_raw_varint(w, (uint64_t)field << 3 | (uint64_t)wire);
}

static inline void otel__pbw_raw_le(otel__pbw_t *w, uint64_t v, size_t n) {
  uint8_t *p = otel__pbw_reserve(w, n);
  if (p)
    otel__pb_put_le(p, v, n);
}

static inline void otel__pbw_raw_double(otel__pbw_t *w, double v) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof(bits));
  otel__pbw_raw_le(w, bits, 8);
}

/* A nested message: take a mark, write its fields (last first), close it. */
static inline size_t otel__pbw_mark(const otel__pbw_t *w) { return w->cap - w->pos; }

/* Forgets everything written since mark. */
static inline void otel__pbw_rewind(otel__pbw_t *w, size_t mark) { w->pos = w->cap - mark; }

static inline void otel__pbw_close(otel__pbw_t *w, uint32_t field, size_t mark) {
  otel__pbw_raw_varint(w, otel__pbw_mark(w) - mark);
  otel__pbw_tag(w, field, OTEL__WIRE_LEN);
}

/* Fields. The _nz forms leave out a proto3 default (0, empty). */
static inline void otel__pbw_bytes(otel__pbw_t *w, uint32_t field, const void *p, size_t n) {
  if (n && otel__pbw_room(w, n)) {
    w->pos -= n;
    memcpy(w->buf + w->pos, p, n);
  }
  otel__pbw_raw_varint(w, n);
  otel__pbw_tag(w, field, OTEL__WIRE_LEN);
}

static inline void otel__pbw_varint(otel__pbw_t *w, uint32_t field, uint64_t v) {
  otel__pbw_raw_varint(w, v);
  otel__pbw_tag(w, field, OTEL__WIRE_VARINT);
}

static inline void otel__pbw_fixed64(otel__pbw_t *w, uint32_t field, uint64_t v) {
  otel__pbw_raw_le(w, v, 8);
  otel__pbw_tag(w, field, OTEL__WIRE_FIXED64);
}

static inline void otel__pbw_fixed32(otel__pbw_t *w, uint32_t field, uint32_t v) {
  otel__pbw_raw_le(w, v, 4);
  otel__pbw_tag(w, field, OTEL__WIRE_FIXED32);
}

static inline void otel__pbw_double(otel__pbw_t *w, uint32_t field, double v) {
  otel__pbw_raw_double(w, v);
  otel__pbw_tag(w, field, OTEL__WIRE_FIXED64);
}

static inline void otel__pbw_string_nz(otel__pbw_t *w, uint32_t field, const char *s) {
  if (s && *s)
    otel__pbw_bytes(w, field, s, strlen(s));
}

static inline void otel__pbw_varint_nz(otel__pbw_t *w, uint32_t field, uint64_t v) {
  if (v)
    otel__pbw_varint(w, field, v);
}

static inline void otel__pbw_fixed64_nz(otel__pbw_t *w, uint32_t field, uint64_t v) {
  if (v)
    otel__pbw_fixed64(w, field, v);
}

static inline void otel__pbw_fixed32_nz(otel__pbw_t *w, uint32_t field, uint32_t v) {
  if (v)
    otel__pbw_fixed32(w, field, v);
}

#endif
