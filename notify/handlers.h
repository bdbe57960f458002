/* notify's endpoints (docs/api.md). */
#ifndef NOTIFY_HANDLERS_H
#define NOTIFY_HANDLERS_H

#include "http.h"

/* Creates the business metrics; call once before the server starts. */
void notify_handlers_init(void);

void notify_health(svc_request_t *req, svc_response_t *res);
void notify_receive(svc_request_t *req, svc_response_t *res);

#endif
