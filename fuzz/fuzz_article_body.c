/*
 * libFuzzer target: a create or update body, parsed as the service parses
 * it and validated against the rules of docs/api.md. A body that passes must
 * have a title of 1 to 255 code points and a body of at most 100,000, both
 * free of NUL.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *obj = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
  if (!obj)
    return 0;
  if (json_is_object(obj)) {
    const char *title = NULL, *body = NULL;
    json_t *problems = article_validate(obj, &title, &body);
    if (!problems) {
      size_t t = svc_utf8_length(title, strlen(title)), b = svc_utf8_length(body, strlen(body));
      if (t < 1 || t > ARTICLE_TITLE_MAX || b > ARTICLE_BODY_MAX ||
          strlen(title) != json_string_length(json_object_get(obj, "title")) ||
          strlen(body) != json_string_length(json_object_get(obj, "body")))
        abort();
    }
    json_decref(problems);
  }
  json_decref(obj);
  return 0;
}
