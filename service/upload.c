/* Request bodies of the OTLP receivers, gathered across libmicrohttpd's calls. */
#include "upload.h"
#include "otlp_codec.h"

#include <stdlib.h>

svc_upload_t *svc_upload_step(void **con_cls, const char *data, size_t *data_size, size_t max,
                              enum MHD_Result *result) {
  svc_upload_t *up = *con_cls;
  *result = MHD_YES;
  if (!up) { /* the headers are in; the body, if any, comes next */
    if (!(up = calloc(1, sizeof(*up))))
      *result = MHD_NO;
    else
      otlp_buf_init(&up->body, 0);
    *con_cls = up;
    return NULL;
  }
  if (*data_size) { /* keep reading past the limit, so the answer can be sent */
    if (up->body.len + *data_size > max)
      up->too_large = true;
    else
      otlp_buf_append(&up->body, data, *data_size);
    *data_size = 0;
    return NULL;
  }
  return up;
}

void svc_upload_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                          enum MHD_RequestTerminationCode code) {
  (void)cls, (void)c, (void)code;
  svc_upload_t *up = *con_cls;
  if (up) {
    otlp_buf_free(&up->body);
    free(up);
  }
  *con_cls = NULL;
}
