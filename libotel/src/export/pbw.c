/* Backward protobuf writer: the buffer's growth (the field writers are inline in pbw.h). */
#include "export/pbw.h"

#include <stdlib.h>

#define PBW_MIN_CAP 4096

void otel__pbw_init(otel__pbw_t *w) { memset(w, 0, sizeof(*w)); }

void otel__pbw_free(otel__pbw_t *w) {
  free(w->buf);
  otel__pbw_init(w);
}

void otel__pbw_reset(otel__pbw_t *w) {
  w->pos = w->cap;
  w->failed = false;
}

/* Data sits at the end of the buffer, so growing copies it to the new end. */
bool otel__pbw_grow(otel__pbw_t *w, size_t n) {
  if (w->failed)
    return false;
  size_t used = w->cap - w->pos;
  size_t cap = w->cap ? w->cap * 2 : PBW_MIN_CAP;
  while (cap - used < n)
    cap *= 2;
  uint8_t *buf = malloc(cap);
  if (!buf) {
    w->failed = true;
    return false;
  }
  if (used)
    memcpy(buf + cap - used, w->buf + w->pos, used);
  free(w->buf);
  w->buf = buf;
  w->cap = cap;
  w->pos = cap - used;
  return true;
}
