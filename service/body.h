/*
 * Request bodies as JSON objects, and the validation messages of docs/api.md:
 * "Object missing required field `title`", "Expected `str`, got `int`".
 */
#ifndef SVC_BODY_H
#define SVC_BODY_H

#include <jansson.h>
#include <stdbool.h>

#include "http.h"

/* The body as a JSON object (new reference), or NULL with res set to 400. */
json_t *svc_body_object(svc_request_t *req, svc_response_t *res);

/* A required string field: the string, or NULL with a problem added. */
const char *svc_body_str(json_t *obj, const char *key, json_t *problems);

/* A required integer field: true with *out set, or false with a problem added. */
bool svc_body_int(json_t *obj, const char *key, json_int_t *out, json_t *problems);

/* The number of Unicode code points in valid UTF-8 text. */
size_t svc_utf8_length(const char *s, size_t n);

#endif
