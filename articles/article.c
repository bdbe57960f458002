/* Article JSON and the rules for titles and bodies. */
#include "article.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "body.h"

json_t *article_json(const article_t *a) {
  return json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id, "title", a->title, "body",
                   a->body, "created_at", a->created_at, "updated_at", a->updated_at);
}

/* True when s has a character other than Unicode white space we know of. */
static bool has_content(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x80 && isspace(*p))
      continue;
    if (!strncmp((const char *)p, "\xc2\xa0", 2) || !strncmp((const char *)p, "\xe3\x80\x80", 3))
      continue; /* no-break space, ideographic space */
    return true;
  }
  return false;
}

json_t *article_validate(json_t *obj, const char **title, const char **body) {
  json_t *problems = json_array();
  *title = svc_body_str(obj, "title", problems);
  *body = svc_body_str(obj, "body", problems);
  char message[96];
  if (*title) {
    size_t n = svc_utf8_length(*title, strlen(*title));
    if (n < 1 || n > ARTICLE_TITLE_MAX) {
      snprintf(message, sizeof(message), "Expected `str` of 1 to %d characters, got %zu",
               ARTICLE_TITLE_MAX, n);
      json_array_append_new(problems, svc_problem(message, "title", "body"));
    } else if (!has_content(*title)) {
      json_array_append_new(problems,
                            svc_problem("Expected `str` not only whitespace", "title", "body"));
    }
  }
  if (*body) {
    size_t n = svc_utf8_length(*body, strlen(*body));
    if (n > ARTICLE_BODY_MAX) {
      snprintf(message, sizeof(message), "Expected `str` of at most %d characters, got %zu",
               ARTICLE_BODY_MAX, n);
      json_array_append_new(problems, svc_problem(message, "body", "body"));
    }
  }
  if (json_array_size(problems) == 0) {
    json_decref(problems);
    return NULL;
  }
  return problems;
}
