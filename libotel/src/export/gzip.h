/* gzip for export bodies, reusing one zlib stream per exporter. */
#ifndef OTEL_GZIP_H
#define OTEL_GZIP_H

#include <zlib.h>

#include "common/buf.h"

typedef struct otel__gzip {
  z_stream zs;
  bool ready;
} otel__gzip_t;

/* Compresses in[0..n) into out (replacing its contents). Returns 0, or
 * -ENOMEM. The stream is set up on first use; free it with otel__gzip_end(). */
int otel__gzip(otel__gzip_t *g, const void *in, size_t n, otel__buf_t *out);
void otel__gzip_end(otel__gzip_t *g);

/* Inflates a gzip (or zlib) body in[0..n) into out (replacing its contents),
 * refusing to grow past max bytes. Returns 0, -EINVAL for a body that is not
 * gzip, -EFBIG past max, or -ENOMEM. For receivers. */
int otel__gunzip(const void *in, size_t n, size_t max, otel__buf_t *out);

#endif
