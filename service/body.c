/* JSON request bodies and field validation with the messages of docs/api.md. */
#include "body.h"

#include <stdio.h>
#include <string.h>

/* The reference's names for JSON types (it speaks Python). */
static const char *type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    return "object";
  case JSON_ARRAY:
    return "array";
  case JSON_STRING:
    return "str";
  case JSON_INTEGER:
    return "int";
  case JSON_REAL:
    return "float";
  case JSON_TRUE:
  case JSON_FALSE:
    return "bool";
  default:
    return "null";
  }
}

json_t *svc_body_object(svc_request_t *req, svc_response_t *res) {
  size_t len;
  const char *body = svc_request_body(req, &len);
  json_error_t err;
  json_t *j = json_loadb(body, len, JSON_ALLOW_NUL, &err);
  if (!j) {
    char message[256];
    snprintf(message, sizeof(message), "%s (at byte %d)", err.text, err.position);
    json_t *extra = json_array();
    json_array_append_new(extra, svc_problem(message, "", "body"));
    svc_error(res, 400, "Invalid JSON body", extra);
    return NULL;
  }
  if (!json_is_object(j)) {
    char message[64];
    snprintf(message, sizeof(message), "Expected `object`, got `%s`", type_name(j));
    json_t *extra = json_array();
    json_array_append_new(extra, svc_problem(message, "", "body"));
    svc_error(res, 400, "Validation failed", extra);
    json_decref(j);
    return NULL;
  }
  return j;
}

static json_t *field(json_t *obj, const char *key, const char *want, json_t *problems) {
  json_t *v = json_object_get(obj, key);
  char message[128];
  if (!v) {
    snprintf(message, sizeof(message), "Object missing required field `%s`", key);
    json_array_append_new(problems, svc_problem(message, key, "body"));
    return NULL;
  }
  bool ok = !strcmp(want, "str") ? json_is_string(v) : json_is_integer(v);
  if (!ok) {
    snprintf(message, sizeof(message), "Expected `%s`, got `%s`", want, type_name(v));
    json_array_append_new(problems, svc_problem(message, key, "body"));
    return NULL;
  }
  return v;
}

const char *svc_body_str(json_t *obj, const char *key, json_t *problems) {
  json_t *v = field(obj, key, "str", problems);
  if (!v)
    return NULL;
  if (strlen(json_string_value(v)) != json_string_length(v)) {
    json_array_append_new(problems, svc_problem("Must not contain NUL characters", key, "body"));
    return NULL;
  }
  return json_string_value(v);
}

bool svc_body_int(json_t *obj, const char *key, json_int_t *out, json_t *problems) {
  json_t *v = field(obj, key, "int", problems);
  if (v)
    *out = json_integer_value(v);
  return v != NULL;
}

size_t svc_utf8_length(const char *s, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < n; i++)
    chars += ((unsigned char)s[i] & 0xc0) != 0x80;
  return chars;
}
