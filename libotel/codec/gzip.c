/*
 * gzip framing (windowBits 16 + 15) at zlib's fastest level: OTLP payloads
 * repeat keys and ids, so level 1 keeps most of the ratio for a fraction of
 * the CPU, and the exporter thread shares the cores with request threads.
 */
#include "otlp_codec.h"

#include <errno.h>
#include <string.h>

#define GZIP_WINDOW_BITS (15 + 16)
#define GZIP_MEM_LEVEL 8

int otlp_gzip(otlp_gzip_t *g, const void *in, size_t n, otlp_buf_t *out) {
  if (!g->ready) {
    memset(&g->zs, 0, sizeof(g->zs));
    if (deflateInit2(&g->zs, Z_BEST_SPEED, Z_DEFLATED, GZIP_WINDOW_BITS, GZIP_MEM_LEVEL,
                     Z_DEFAULT_STRATEGY) != Z_OK)
      return -ENOMEM;
    g->ready = true;
  } else if (deflateReset(&g->zs) != Z_OK) {
    return -ENOMEM;
  }
  otlp_buf_clear(out);
  uLong bound = deflateBound(&g->zs, (uLong)n);
  if (!otlp_buf_reserve(out, bound))
    return -ENOMEM;
  g->zs.next_in = (Bytef *)(uintptr_t)in;
  g->zs.avail_in = (uInt)n;
  g->zs.next_out = (Bytef *)out->data;
  g->zs.avail_out = (uInt)bound;
  if (deflate(&g->zs, Z_FINISH) != Z_STREAM_END)
    return -ENOMEM;
  out->len = bound - g->zs.avail_out;
  return 0;
}

void otlp_gzip_end(otlp_gzip_t *g) {
  if (g->ready)
    deflateEnd(&g->zs);
  g->ready = false;
}

int otlp_gunzip(const void *in, size_t n, size_t max, otlp_buf_t *out) {
  z_stream zs;
  memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, 15 + 32) != Z_OK) /* +32: gzip or zlib framing, detected */
    return -ENOMEM;
  otlp_buf_clear(out);
  zs.next_in = (Bytef *)in;
  zs.avail_in = (uInt)n;
  int rc = Z_OK;
  while (rc == Z_OK && out->len < max) {
    size_t want = out->len < 4096 ? 4096 : out->len; /* the buffer doubles */
    if (want > max - out->len)
      want = max - out->len;
    if (!otlp_buf_reserve(out, want)) {
      inflateEnd(&zs);
      return -ENOMEM;
    }
    zs.next_out = (Bytef *)out->data + out->len;
    zs.avail_out = (uInt)want;
    rc = inflate(&zs, Z_NO_FLUSH);
    out->len += want - zs.avail_out;
  }
  inflateEnd(&zs);
  if (rc == Z_STREAM_END)
    return 0;
  return rc == Z_OK ? -EFBIG : -EINVAL; /* Z_OK here: it stopped at max */
}
