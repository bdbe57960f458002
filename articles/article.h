/* An article's JSON, and the validation of a create or update body. */
#ifndef ARTICLES_ARTICLE_H
#define ARTICLES_ARTICLE_H

#include <jansson.h>

#include "store.h"

#define ARTICLE_TITLE_MAX 255
#define ARTICLE_BODY_MAX 100000

/* {"id","title","body","created_at","updated_at"}, in that order. New reference. */
json_t *article_json(const article_t *a);

/* Checks obj's title and body against the rules of docs/api.md. Sets *title and
 * *body (borrowed from obj) and returns NULL when they pass; otherwise the
 * list of problems (new reference). */
json_t *article_validate(json_t *obj, const char **title, const char **body);

#endif
