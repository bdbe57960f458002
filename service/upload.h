/*
 * A request body gathered from libmicrohttpd piece by piece, up to a limit:
 * the per-request state of the OTLP receivers (receiver/, and the tests'
 * scriptable one). Install svc_upload_completed as the daemon's
 * MHD_OPTION_NOTIFY_COMPLETED callback to free it.
 */
#ifndef SVC_UPLOAD_H
#define SVC_UPLOAD_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "otlp_codec.h"

typedef struct svc_upload {
  otlp_buf_t body;
  bool too_large; /* more than the limit arrived; the rest was dropped */
} svc_upload_t;

/*
 * One call of the request handler: *con_cls holds the request's upload,
 * made on the first call, and each piece of body is added to it. Returns the
 * upload once the body is complete, when the handler answers; otherwise NULL,
 * and the handler returns *result (more to come, or no memory).
 */
svc_upload_t *svc_upload_step(void **con_cls, const char *data, size_t *data_size, size_t max,
                              enum MHD_Result *result);

void svc_upload_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                          enum MHD_RequestTerminationCode code);

#endif
