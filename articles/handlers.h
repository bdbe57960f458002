/* articles' endpoints (docs/api.md): validate, call the store, shape the answer. */
#ifndef ARTICLES_HANDLERS_H
#define ARTICLES_HANDLERS_H

#include <stdbool.h>

#include "http.h"

/* Creates the business metrics; notify_outbox: creates write the
 * notification outbox instead of calling notify. Call once before the
 * server starts. */
void articles_handlers_init(bool notify_outbox);

void articles_health(svc_request_t *req, svc_response_t *res);
void articles_ready(svc_request_t *req, svc_response_t *res);
void articles_create(svc_request_t *req, svc_response_t *res);
void articles_get(svc_request_t *req, svc_response_t *res);
void articles_list(svc_request_t *req, svc_response_t *res);
void articles_update(svc_request_t *req, svc_response_t *res);
void articles_delete(svc_request_t *req, svc_response_t *res);

#endif
